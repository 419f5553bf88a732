package org.jnetvm.nfs;

import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.UdpTraffic;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fills a circle of NFs with packets it makes itself and counts what comes back
 * (OpenNetVM's speed_tester): {@code --packets} buffers go to {@code --dest} once that service
 * has an instance, and every packet that returns is sent round again. Prints Mpps every
 * {@code --interval} seconds unless quiet; the bench reads its rx counter instead.
 */
@Command(name = "speed_tester", description = "Circulates generated packets to --dest and counts them (Mpps).")
public final class SpeedTester implements NetworkFunction {

    @Option(names = {"-d", "--dest"}, paramLabel = "SERVICE",
            description = "Service that receives the packets (default: this NF's own service, a loop to itself).")
    String dest;

    @Option(names = {"-n", "--packets"}, defaultValue = "128", description = "Packets in flight (default ${DEFAULT-VALUE}).")
    int packets;

    @Option(names = {"-s", "--size"}, defaultValue = "64", description = "Frame bytes (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-f", "--flows"}, defaultValue = "1", description = "Distinct UDP flows (default ${DEFAULT-VALUE}).")
    int flows;

    @Option(names = "--interval", defaultValue = "1", description = "Seconds between reports; 0 for none (default ${DEFAULT-VALUE}).")
    double interval;

    private int destId;
    private int injected;
    private int[] batch;
    private UdpTraffic traffic;
    private long lastReportNanos;
    private long lastReportPackets;

    @Override
    public void init(NfContext context) {
        destId = dest == null ? context.serviceId() : Services.require(context, dest, "--dest");
        if (packets < 1) {
            throw new IllegalArgumentException("--packets " + packets + ": need at least 1");
        }
        traffic = new UdpTraffic(size, flows);
        batch = new int[32];
        lastReportNanos = System.nanoTime();
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        for (int i = 0; i < burst.size(); i++) {
            burst.toService(i, destId);
        }
        report(context);
    }

    @Override
    public void idle(NfContext context) {
        if (injected < packets && context.instanceCount(destId) > 0) {
            inject(context);
        }
        report(context);
    }

    private void inject(NfContext context) {
        while (injected < packets) {
            int n = context.alloc(batch, Math.min(batch.length, packets - injected));
            if (n == 0) {
                return; // pool short for now; try again on the next idle poll
            }
            for (int i = 0; i < n; i++) {
                PacketMeta m = context.meta(batch[i]);
                int flow = (injected + i) % traffic.flows();
                int length = traffic.write(context.segment(), m.dataAddress(), flow);
                m.dataLength(length).flowHash(traffic.hash(flow)).flags(PacketMeta.FLAG_HASH_VALID);
                m.action(Action.TONF).destination(destId);
            }
            context.send(batch, n);
            injected += n;
        }
    }

    private void report(NfContext context) {
        if (interval <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastReportNanos >= interval * 1e9) {
            long rx = context.rxPackets();
            double mpps = (rx - lastReportPackets) / ((now - lastReportNanos) / 1e3);
            System.out.printf("speed_tester: %.2f Mpps, %d packets in flight, %d received%n", mpps, injected, rx);
            lastReportNanos = now;
            lastReportPackets = rx;
        }
    }
}

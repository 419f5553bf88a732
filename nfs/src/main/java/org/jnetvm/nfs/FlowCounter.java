package org.jnetvm.nfs;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Accounting for one flow at a time, as an instance of a per-flow service (Flurries): counts its flow's packets and
 * bytes, numbers each packet in the packet's user area, and when the flow ends sends the manager a flow record (an
 * IPFIX-like summary the manager's listeners receive). Its whole state is three numbers and the flow's 5-tuple,
 * reset by {@link #onFlowStart}: the NF is recycled from flow to flow, never restarted. Passes every packet on.
 *
 * <p>The record ({@link #RECORD_TYPE}, big-endian, {@link #RECORD_LENGTH} bytes): lease int, packets long, bytes
 * long, duration µs long (first to last packet), protocol u8, family u8 (4 or 6), source port u16, destination port
 * u16, source address int, destination address int (IPv4; the last 32 bits of an IPv6 address), the 5-tuple as the
 * flow's first packet had it.
 */
@Command(name = "flow_counter", description = {"Per-flow accounting for a per-flow service (services[].perFlow):"
        + " counts the packets and bytes of the one flow the instance serves, numbers each packet in its user area"
        + " (flow lease int, then its number in the flow from 1), and sends the manager a flow record when the flow"
        + " ends. Passes every packet on."})
public final class FlowCounter implements NetworkFunction {
    /** Message type of a flow record ("FL"). */
    public static final int RECORD_TYPE = 0x464C;
    public static final int RECORD_LENGTH = 42;
    /** In the packet's user area: the flow's lease (int), then the packet's number in the flow (int, from 1). */
    public static final int USER_LEASE = 0;
    public static final int USER_NUMBER = 4;

    @Option(names = "--fail-on-port", defaultValue = "-1", paramLabel = "PORT",
            description = "Fault injection: throw on the flows whose source or destination port is PORT (their"
                    + " packets are dropped as flow_failed, other flows go on); -1 for never (default).")
    int failOnPort;

    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();
    private final byte[] record = new byte[RECORD_LENGTH];
    private final ByteBuffer out = ByteBuffer.wrap(record).order(ByteOrder.BIG_ENDIAN);
    private long packets;
    private long bytes;
    private long first;
    private long last;

    @Override
    public void onFlowStart(NfContext context) {
        packets = 0;
        bytes = 0;
        first = 0;
        last = 0;
        tuple.clear();
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        for (int i = 0; i < burst.size(); i++) {
            PacketMeta m = burst.meta(i);
            if (packets == 0 && burst.parse(i, parser) == PacketParser.OK && tuple.extract(parser)) {
                first = m.timestamp();
            }
            if (packets == 0 && failOnPort >= 0 && (tuple.srcPort() == failOnPort || tuple.dstPort() == failOnPort)) {
                throw new IllegalStateException("flow_counter: --fail-on-port " + failOnPort + " matched " + tuple);
            }
            packets++;
            bytes += m.dataLength();
            last = m.timestamp();
            burst.segment().set(ValueLayout.JAVA_INT, m.userAddress() + USER_LEASE, context.flowLease());
            burst.segment().set(ValueLayout.JAVA_INT, m.userAddress() + USER_NUMBER, (int) packets);
        }
    }

    @Override
    public void onFlowEnd(NfContext context) {
        out.clear();
        out.putInt(context.flowLease()).putLong(packets).putLong(bytes).putLong(Math.max(0, last - first) / 1_000)
                .put((byte) tuple.protocol()).put((byte) tuple.family())
                .putShort((short) tuple.srcPort()).putShort((short) tuple.dstPort())
                .putInt(tuple.family() == FiveTuple.FAMILY_IPV4 ? tuple.srcIpv4() : (int) tuple.srcLo())
                .putInt(tuple.family() == FiveTuple.FAMILY_IPV4 ? tuple.dstIpv4() : (int) tuple.dstLo());
        // false if the manager's inbox was full: counted in the NF's messages refused (stats, REST)
        context.sendToManager(RECORD_TYPE, record, 0, RECORD_LENGTH);
    }
}

package org.jnetvm.nfs;

import java.util.Locale;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where suspicious flows go once an inspecting NF has steered them (payload_scan --action steer):
 * counts what it gets, marks it ({@link PacketMeta#FLAG_MARKED}) for the NFs after it, and
 * forwards it along its chain, or drops it with {@code --drop}. A stand-in for a real scrubbing
 * service (a deeper inspector, a honeypot, a logger) that shows the flow director at work.
 */
@Command(name = "scrubber", description = {"Counts and marks the packets of the flows steered to it (for example by"
        + " payload_scan --action steer), then forwards them along the chain, or drops them with --drop."})
public final class Scrubber implements NetworkFunction {
    static final int PACKETS = 0;
    static final int BYTES = 1;

    @Option(names = "--drop", description = "Drop what arrives (after counting) instead of forwarding it.")
    boolean drop;

    @Option(names = "--interval", defaultValue = "0", paramLabel = "SECONDS",
            description = "Print the counters this often; 0: only when the NF stops (default ${DEFAULT-VALUE}).")
    double interval;

    final NfCounters counters = new NfCounters("packets", "bytes");
    private PeriodicTask report;

    @Override
    public void init(NfContext context) {
        report = PeriodicTask.report("scrubber", interval, System.out, this::report);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        for (int i = 0; i < burst.size(); i++) {
            PacketMeta m = burst.meta(i);
            c[PACKETS]++;
            c[BYTES] += m.dataLength();
            m.flags(m.flags() | PacketMeta.FLAG_MARKED);
            if (drop) {
                burst.drop(i);
            }
        }
    }

    @Override
    public void stop(NfContext context) {
        if (report != null) {
            report.close();
            System.out.println(report());
        }
    }

    String report() {
        return String.format(Locale.ROOT, "scrubber: %s", counters.format());
    }
}

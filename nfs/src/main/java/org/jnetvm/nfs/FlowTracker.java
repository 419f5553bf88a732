package org.jnetvm.nfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Keeps packets, bytes, first and last time seen per flow (each direction of a connection is
 * its own flow: the 5-tuple as sent) in a fixed-size {@link FlowTable}, and prints the top flows
 * every {@code --interval} seconds from a thread of its own (the report scans the table; the
 * packet loop only counts). Passes every packet on. Flows idle longer than
 * {@code --idle-timeout} are removed a few slots per burst; when the table is full, new flows
 * are counted as {@code untracked} until old ones expire.
 */
@Command(name = "flow_tracker", description = {"Counts packets, bytes and duration per flow (5-tuple) in a fixed-size"
        + " table and prints the top flows periodically (from a thread of its own) and at stop. Passes every packet on."})
public final class FlowTracker implements NetworkFunction {

    /** What the top flows are ranked by. */
    enum SortBy { bytes, packets }

    static final int PACKETS = 0;
    static final int BYTES = 1;
    static final int FIRST = 2;
    static final int LAST = 3;
    private static final int VALUES = 4;
    /** Slots the idle sweep looks at per burst: the whole table every capacity / 64 bursts. */
    private static final int SWEEP_PER_BURST = 64;

    static final int SEEN = 0;
    static final int NEW_FLOWS = 1;
    static final int EXPIRED = 2;
    static final int UNTRACKED = 3;
    static final int NON_IP = 4;

    @Option(names = "--max-flows", defaultValue = "65536", paramLabel = "N",
            description = "Flows tracked at once, 1..16777216; the table takes about 160 B per flow (default ${DEFAULT-VALUE}).")
    int maxFlows;

    @Option(names = "--top", defaultValue = "10", paramLabel = "N", description = "Flows per report (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--sort", defaultValue = "bytes", paramLabel = "bytes|packets",
            description = "Rank the top flows by (default ${DEFAULT-VALUE}).")
    SortBy sort;

    @Option(names = "--interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Seconds between reports; 0: only when the NF stops (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--idle-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "A flow not seen for this long is removed; 0: never (default ${DEFAULT-VALUE}).")
    double idleTimeout;

    /** Where time comes from (System.nanoTime; tests set their own). */
    LongSupplier clock = System::nanoTime;
    final NfCounters counters = new NfCounters("packets", "new_flows", "expired", "untracked", "non_ip");
    private FlowTable table;
    private long idleNanos;
    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();
    private PeriodicTask report;

    @Override
    public void init(NfContext context) {
        if (maxFlows < 1 || maxFlows > 1 << 24) {
            throw new IllegalArgumentException("--max-flows " + maxFlows + " is out of range 1.." + (1 << 24));
        }
        if (top < 0 || idleTimeout < 0) {
            throw new IllegalArgumentException("--top and --idle-timeout must not be negative");
        }
        table = new FlowTable(maxFlows, FlowKey.WORDS, VALUES);
        idleNanos = idleTimeout > 0 ? (long) (idleTimeout * 1e9) : Long.MAX_VALUE;
        report = PeriodicTask.report("flow_tracker", interval, System.out, this::report);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long now = clock.getAsLong();
        long[] c = counters.values;
        FlowTable t = table;
        for (int i = 0; i < burst.size(); i++) {
            if (burst.parse(i, parser) != PacketParser.OK || !tuple.extract(parser)) {
                c[NON_IP]++;
                continue;
            }
            FlowKey.pack(tuple, t.key);
            PacketMeta m = burst.meta(i);
            int hash = (m.flags() & PacketMeta.FLAG_HASH_VALID) != 0 ? m.flowHash() : FlowHash.SYMMETRIC.hash(tuple);
            int slot = t.find(hash);
            if (slot < 0) {
                slot = t.insert(slot, hash);
                if (slot < 0) {
                    c[UNTRACKED]++;
                    continue;
                }
                c[NEW_FLOWS]++;
                t.value(slot, FIRST, now);
            }
            t.add(slot, PACKETS, 1);
            t.add(slot, BYTES, m.dataLength());
            t.value(slot, LAST, now);
        }
        c[SEEN] += burst.size();
        if (idleNanos != Long.MAX_VALUE) {
            c[EXPIRED] += t.expire(SWEEP_PER_BURST, LAST, now - idleNanos);
        }
    }

    @Override
    public void idle(NfContext context) {
        if (idleNanos != Long.MAX_VALUE) {
            counters.values[EXPIRED] += table.expire(SWEEP_PER_BURST * 16, LAST, clock.getAsLong() - idleNanos);
        }
    }

    @Override
    public void stop(NfContext context) {
        if (report != null) {
            report.close();
            System.out.println(report());
        }
    }

    /** One flow as a report shows it. */
    record Flow(String tuple, long packets, long bytes, long firstNanos, long lastNanos) {
        double seconds() {
            return (lastNanos - firstNanos) / 1e9;
        }
    }

    /** Flows in the table now (any thread; a recent value from other threads). */
    int flows() {
        return table.size();
    }

    /**
     * The {@code n} flows with the most bytes (or packets); any thread. Reads each entry as a
     * seqlock reader ({@link FlowTable#read}): an entry being changed right then is left out.
     */
    List<Flow> topFlows(int n) {
        int rank = sort == SortBy.packets ? PACKETS : BYTES;
        long[] entry = new long[table.entryWords()];
        long[][] best = new long[n][];
        int have = 0;
        for (int slot = 0; slot < table.capacity(); slot++) {
            if (!table.read(slot, entry)) {
                continue;
            }
            long score = entry[FlowKey.WORDS + rank];
            int at = have;
            while (at > 0 && best[at - 1][FlowKey.WORDS + rank] < score) {
                at--;
            }
            if (at < n) {
                System.arraycopy(best, at, best, at + 1, Math.min(have, n - 1) - at);
                best[at] = entry.clone();
                have = Math.min(have + 1, n);
            }
        }
        List<Flow> out = new ArrayList<>(have);
        for (int i = 0; i < have; i++) {
            long[] e = best[i];
            out.add(new Flow(FlowKey.format(e, 0), e[FlowKey.WORDS + PACKETS], e[FlowKey.WORDS + BYTES],
                    e[FlowKey.WORDS + FIRST], e[FlowKey.WORDS + LAST]));
        }
        return out;
    }

    /** The report: totals, then the top flows, one per line. */
    String report() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "flow_tracker: %d flows (table of %d), %s",
                table.size(), table.maxEntries(), counters.format()));
        List<Flow> flows = topFlows(top);
        if (!flows.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%n  top %d by %s:", flows.size(), sort));
        }
        for (Flow f : flows) {
            s.append(String.format(Locale.ROOT, "%n  %-48s %10d packets %14d bytes %9.3f s", f.tuple(), f.packets(),
                    f.bytes(), f.seconds()));
        }
        return s.toString();
    }
}

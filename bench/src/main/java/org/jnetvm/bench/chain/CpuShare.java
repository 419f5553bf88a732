package org.jnetvm.bench.chain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who used the machine's CPUs during a benchmark (Linux): this JVM and the NF processes it
 * started and reaped (its own and its children's times in /proc/self/stat), other programs
 * (the rest of /proc/stat's busy time), and the hypervisor (steal). On a shared 2-vCPU
 * machine this says whether a slow figure was ours or a neighbour's. Percentages are of all
 * CPUs together (100 % = every CPU busy). Children still running at the end are not counted
 * as ours until reaped: take the end sample after they have exited.
 */
public final class CpuShare {
    /** One reading; all fields in clock ticks. */
    public record Sample(long total, long busy, long steal, long own) {
    }

    private CpuShare() {
    }

    /** Now, or null when /proc cannot be read. */
    public static Sample now() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = cpu.trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] s = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            // after the name: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
            long own = Long.parseLong(s[11]) + Long.parseLong(s[12]) + Long.parseLong(s[13]) + Long.parseLong(s[14]);
            long busy = user + nice + system + irq + softirq;
            return new Sample(busy + idle + iowait + steal, busy, steal, own);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {own_pct, other_pct, steal_pct} between two samples, or an empty map. */
    public static Map<String, Double> between(Sample a, Sample b) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (a == null || b == null || b.total() <= a.total()) {
            return m;
        }
        double total = b.total() - a.total();
        long own = b.own() - a.own();
        m.put("own_pct", Stats.round(100.0 * own / total));
        m.put("other_pct", Stats.round(100.0 * Math.max(0, b.busy() - a.busy() - own) / total));
        m.put("steal_pct", Stats.round(100.0 * (b.steal() - a.steal()) / total));
        return m;
    }

    /** "ours 70 %, other programs 12 %, hypervisor steal 1 % (of all N CPUs)". */
    public static String describe(Map<String, Double> share) {
        if (share.isEmpty()) {
            return "CPU shares unknown (no /proc)";
        }
        return String.format(Locale.ROOT, "CPU during the run (of all %d vCPUs): this bench and its NFs %.0f %%,"
                        + " other programs %.0f %%, hypervisor steal %.0f %%", Runtime.getRuntime().availableProcessors(),
                share.get("own_pct"), share.get("other_pct"), share.get("steal_pct"));
    }
}

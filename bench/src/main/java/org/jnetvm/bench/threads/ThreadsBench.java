package org.jnetvm.bench.threads;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.bench.chain.CpuShare;
import org.jnetvm.core.stats.StatsSnapshot;

/**
 * Does the manager move more packets with 2 RX + 2 TX threads than with 1 + 1? Two generator
 * ports at full speed feed one service of two bridge instances (NF processes), in manager-hop
 * mode so that every packet also passes a TX thread; bridges send each packet out of the other
 * port. The same setup runs with threads {@code 1+1} and {@code 2+2}; the figure is packets
 * sent out of the ports per second, and the ratio. Extra threads only help while there are idle
 * cores for them: the report names the CPU count and who used the CPUs.
 */
public final class ThreadsBench {

    /** One configuration's outcome. */
    public record Result(int rx, int tx, double mppsIn, double mppsOut, double dropPct, List<Double> windowsOut,
                         Map<String, Double> cpuShare, String error) {
    }

    private ThreadsBench() {
    }

    /**
     * With {@code flowRule}, RX-only runs get one flow rule that no generated (UDP) packet matches:
     * the flow director is active, so every packet is parsed and probed in the exact-match cache
     * (each of the 256 flows' first packet also tries the rule), and still takes the default chain.
     */
    static String config(String name, int rx, int tx, boolean rxOnly, boolean flowRule) {
        if (rxOnly && flowRule) {
            return config(name, rx, tx, true, false) + """
                    flows:
                      rules: [{protocol: tcp, drop: true}]
                    """;
        }
        if (rxOnly) {
            // No chain: each RX thread makes packets and drops them (no_chain) — the RX path alone.
            return """
                    region: {name: %s, buffers: 32768, nfSlots: 16, maxServices: 4, maxChains: 2}
                    threads: {rx: %d, tx: %d}
                    ports:
                      - {name: gen0, kind: generator, rate: 0, size: 64, flows: 256}
                      - {name: gen1, kind: generator, rate: 0, size: 64, flows: 256}
                    """.formatted(name, rx, tx);
        }
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 8192, nfSlots: 16, maxServices: 4, maxChains: 2}
                threads: {rx: %d, tx: %d}
                hop: manager
                heartbeatTimeoutMs: 10000
                ports:
                  - {name: gen0, kind: generator, rate: 0, size: 64, flows: 256}
                  - {name: gen1, kind: generator, rate: 0, size: 64, flows: 256}
                services:
                  - {id: 1, name: fwd}
                chains:
                  default: [fwd]
                nfs:
                  - {nf: bridge, service: fwd, instances: 2}
                """.formatted(name, rx, tx);
    }

    /** Runs one configuration; never throws for a failed run. */
    public static Result run(int rx, int tx, boolean rxOnly, long warmupMillis, int windows, PrintStream progress) {
        return run(rx, tx, rxOnly, false, warmupMillis, windows, progress);
    }

    /** As {@link #run(int, int, boolean, long, int, PrintStream)}, RX-only runs optionally with a flow rule. */
    public static Result run(int rx, int tx, boolean rxOnly, boolean flowRule, long warmupMillis, int windows,
                             PrintStream progress) {
        String name = BenchManager.uniqueName("threads-" + rx + "x" + tx);
        try (BenchManager m = BenchManager.start(name, config(name, rx, tx, rxOnly, flowRule))) {
            m.checkAlive();
            Thread.sleep(warmupMillis);
            CpuShare.Sample cpuBefore = CpuShare.now();
            StatsSnapshot first = m.manager().stats();
            StatsSnapshot before = first;
            List<Double> out = new ArrayList<>();
            for (int w = 0; w < windows; w++) {
                Thread.sleep(1000);
                StatsSnapshot after = m.manager().stats();
                long moved = rxOnly ? generated(after) - generated(before) : sent(after) - sent(before);
                out.add(moved / ((after.nanos() - before.nanos()) / 1e9) / 1e6);
                before = after;
            }
            Map<String, Double> share = CpuShare.between(cpuBefore, CpuShare.now());
            m.checkAlive();
            double seconds = (before.nanos() - first.nanos()) / 1e9;
            long in = generated(before) - generated(first);
            long sent = sent(before) - sent(first);
            long dropped = before.totalDrops() - first.totalDrops();
            Result r = new Result(rx, tx, in / seconds / 1e6, (rxOnly ? in : sent) / seconds / 1e6,
                    in == 0 ? 0 : 100.0 * dropped / in, out, share, null);
            progress.println(line(r));
            return r;
        } catch (Exception e) {
            Result r = new Result(rx, tx, 0, 0, 0, List.of(), Map.of(), String.valueOf(e.getMessage()));
            progress.println(line(r));
            return r;
        }
    }

    private static long generated(StatsSnapshot s) {
        return s.ports().stream().mapToLong(StatsSnapshot.Port::rxPackets).sum();
    }

    private static long sent(StatsSnapshot s) {
        return s.ports().stream().mapToLong(StatsSnapshot.Port::txPackets).sum();
    }

    public static String line(Result r) {
        if (r.error() != null) {
            return String.format(Locale.ROOT, "  %d rx + %d tx: FAILED: %s", r.rx(), r.tx(), r.error());
        }
        return String.format(Locale.ROOT, "  %d rx + %d tx: moved %6.2f Mpps (generated %6.2f, dropped %5.1f %%)  windows %s  cpu %s",
                r.rx(), r.tx(), r.mppsOut(), r.mppsIn(), r.dropPct(),
                r.windowsOut().stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList(), CpuShare.describe(r.cpuShare()));
    }

    /** The JSON object of a comparison: the whole path (with NFs) and the RX path alone. */
    public static String json(Result one, Result two, Result rxOne, Result rxTwo, String command) {
        return String.format(Locale.ROOT,
                "{\"bench\":\"threads\",\"mpps_1x1\":%.3f,\"mpps_2x2\":%.3f,\"ratio\":%.3f,\"drop_pct_1x1\":%.2f,"
                        + "\"drop_pct_2x2\":%.2f,\"rx_only_mpps_1\":%.3f,\"rx_only_mpps_2\":%.3f,\"rx_only_ratio\":%.3f,"
                        + "\"nproc\":%d,\"errors\":[%s],\"command\":\"%s\"}",
                one.mppsOut(), two.mppsOut(), ratio(one, two), one.dropPct(), two.dropPct(), rxOne.mppsOut(),
                rxTwo.mppsOut(), ratio(rxOne, rxTwo), Runtime.getRuntime().availableProcessors(),
                String.join(",", java.util.stream.Stream.of(one, two, rxOne, rxTwo).map(Result::error)
                        .filter(java.util.Objects::nonNull).map(e -> "\"" + e.replace("\"", "'") + "\"").toList()), command);
    }

    public static double ratio(Result one, Result two) {
        return one.mppsOut() > 0 ? two.mppsOut() / one.mppsOut() : 0;
    }
}

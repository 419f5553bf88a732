package org.jnetvm.bench.chain;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jnetvm.core.stats.StatsSnapshot;

/**
 * The same six NFs (five basic_monitor, then bridge) fed by a generator port as fast as it
 * goes (64-byte frames), run two ways: as one NF process that runs them to completion
 * ({@code pipeline}), and as six NF processes in a chain of six services. Figures: packets
 * generated (the port's rx), delivered (the port's tx: bridge sends them back out of the one
 * port) and dropped, over the measured windows.
 */
public final class PortChainBench {
    private static final String STAGES = "basic_monitor,basic_monitor,basic_monitor,basic_monitor,basic_monitor,bridge";

    /** How the six NFs run. */
    public enum Mode {
        RUN_TO_COMPLETION("run_to_completion", "one process, run-to-completion (pipeline of 6)"),
        SIX_PROCESSES("six_processes", "six processes, chain of 6 services");

        public final String key;
        public final String description;

        Mode(String key, String description) {
            this.key = key;
            this.description = description;
        }
    }

    /**
     * One measured configuration.
     *
     * @param windows per window: {generated Mpps, delivered Mpps, dropped Mpps}
     * @param error   why the run failed, or null
     */
    public record Result(Mode mode, double seconds, long generated, long delivered, long drops,
                         Map<String, Long> dropReasons, List<double[]> windows, String error) {
        public Double mppsIn() {
            return seconds > 0 ? generated / seconds / 1e6 : null;
        }

        public Double mppsOut() {
            return seconds > 0 ? delivered / seconds / 1e6 : null;
        }

        /** Dropped / generated, in percent. */
        public Double dropPct() {
            return generated > 0 ? 100.0 * drops / generated : null;
        }
    }

    private PortChainBench() {
    }

    /** The manager's config for {@code mode}. */
    public static String config(String name, Mode mode, long rate) {
        String services;
        String chain;
        String nfs;
        if (mode == Mode.RUN_TO_COMPLETION) {
            services = "  - id: 1\n    name: rtc\n";
            chain = "[rtc]";
            nfs = """
                      - nf: pipeline
                        service: rtc
                        args: [--stages, "%s", --stage-arg, "basic_monitor=--interval=0"]
                    """.formatted(STAGES);
        } else {
            StringBuilder s = new StringBuilder();
            StringBuilder n = new StringBuilder();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                String service = i < 6 ? "m" + i : "br";
                names.add(service);
                s.append("  - id: ").append(i).append("\n    name: ").append(service).append('\n');
                n.append("  - nf: ").append(i < 6 ? "basic_monitor" : "bridge").append("\n    service: ").append(service)
                        .append(i < 6 ? "\n    args: [--interval, \"0\"]\n" : "\n");
            }
            services = s.toString();
            chain = names.toString();
            nfs = n.toString();
        }
        return """
                region:
                  name: %s
                  buffers: 32768
                  ringCapacity: 16384
                  nfSlots: 16
                  maxServices: 16
                  maxChains: 2
                threads:
                  rx: 1
                  tx: 1
                hop: direct
                heartbeatTimeoutMs: 10000
                ports:
                  - name: gen0
                    kind: generator
                    rate: %d
                    size: 64
                    flows: 256
                services:
                %schains:
                  default: %s
                nfs:
                %s""".formatted(name, rate, services, chain, nfs);
    }

    /** Runs one mode; never throws for a failed run. */
    public static Result run(Mode mode, long rate, long warmupMillis, int windows, long windowMillis, PrintStream progress) {
        String name = BenchManager.uniqueName(mode == Mode.RUN_TO_COMPLETION ? "chain-rtc" : "chain-6p");
        Result result;
        BenchManager bm = null;
        try {
            bm = BenchManager.start(name, config(name, mode, rate));
            try (BenchManager m = bm) {
                m.checkAlive();
                Thread.sleep(warmupMillis);
                StatsSnapshot first = m.manager().stats();
                StatsSnapshot before = first;
                List<double[]> perWindow = new ArrayList<>();
                for (int w = 0; w < windows; w++) {
                    Thread.sleep(windowMillis);
                    StatsSnapshot after = m.manager().stats();
                    double s = (after.nanos() - before.nanos()) / 1e9;
                    perWindow.add(new double[] {
                            (rx(after) - rx(before)) / s / 1e6,
                            (tx(after) - tx(before)) / s / 1e6,
                            (after.totalDrops() - before.totalDrops()) / s / 1e6});
                    before = after;
                }
                m.checkAlive();
                Map<String, Long> reasons = new TreeMap<>(CircleBench.dropDelta(first, before));
                result = new Result(mode, (before.nanos() - first.nanos()) / 1e9, rx(before) - rx(first),
                        tx(before) - tx(first), before.totalDrops() - first.totalDrops(), reasons, perWindow, null);
            }
            BenchManager.Cleanup c = bm.cleanup();
            if (!c.clean()) {
                result = new Result(mode, result.seconds(), result.generated(), result.delivered(), result.drops(),
                        result.dropReasons(), result.windows(), "not cleaned up: " + c);
            }
        } catch (Exception e) {
            if (bm != null) {
                bm.keepLogs();
            }
            result = new Result(mode, 0, 0, 0, 0, Map.of(), List.of(), String.valueOf(e.getMessage()));
        }
        progress.println(line(result));
        return result;
    }

    private static long rx(StatsSnapshot s) {
        return s.ports().isEmpty() ? 0 : s.ports().getFirst().rxPackets();
    }

    private static long tx(StatsSnapshot s) {
        return s.ports().isEmpty() ? 0 : s.ports().getFirst().txPackets();
    }

    public static String line(Result r) {
        if (r.error() != null && r.seconds() == 0) {
            return "  " + r.mode().key + ": FAILED: " + r.error();
        }
        StringBuilder w = new StringBuilder();
        for (double[] v : r.windows()) {
            w.append(String.format(Locale.ROOT, " %.2f/%.2f", v[0], v[1]));
        }
        return String.format(Locale.ROOT, "  %-17s generated %6.2f Mpps, delivered %6.2f Mpps, dropped %5.1f %%"
                        + "  windows in/out [%s ]%s%s", r.mode().key, r.mppsIn(), r.mppsOut(), r.dropPct(), w,
                r.dropReasons().isEmpty() ? "" : "  drops " + r.dropReasons(),
                r.error() == null ? "" : "  (" + r.error() + ")");
    }
}

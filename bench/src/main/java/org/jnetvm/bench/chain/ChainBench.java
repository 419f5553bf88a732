package org.jnetvm.bench.chain;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jnetvm.manager.AotTraining;
import org.jnetvm.manager.nf.AotCache;
import org.jnetvm.manager.nf.NfLauncher;

/**
 * {@code jnetvm bench chain}: circles of 1..max NF processes measured with speed_tester, in
 * each hop mode and with 8192 and 128 packets in flight, then six NFs fed by a generator port
 * run to completion in one process against the same six as processes. Hop modes alternate for
 * each chain length so that a slow phase of the machine hits both. Progress goes to
 * {@code progress}; the caller prints the returned report.
 */
public final class ChainBench {
    /** Packets in flight: OpenNetVM's two speed_tester settings. */
    public static final List<Integer> IN_FLIGHT = List.of(8192, 128);

    /**
     * What to run.
     *
     * @param hops        hop modes to measure ("direct", "manager"), the first one the default design
     * @param portRuns    whether to run the run-to-completion / six-process comparison
     * @param portWarmupMillis warm-up for it: six NF JVMs compiling on 2 vCPUs take ~3 s to reach speed
     * @param portWindows windows of {@code timing.windowMillis()} for it
     */
    /** Packets per second the six-NF comparison offers: a load both setups can carry here, so the drop says something. */
    public static final long DEFAULT_PORT_RATE = 2_000_000;

    public record Options(int max, List<String> hops, CircleBench.Timing timing, boolean portRuns,
                          long portWarmupMillis, int portWindows, long portRate, String command) {
        public Options {
            if (max < 1 || max > 12) {
                throw new IllegalArgumentException("--max must be 1..12, got " + max);
            }
            if (hops.isEmpty()) {
                throw new IllegalArgumentException("no hop mode to measure");
            }
        }

        public static Options standard(int max, List<String> hops, String command) {
            return new Options(max, hops, new CircleBench.Timing(2000, 3, 1000), true, 3000, 3, DEFAULT_PORT_RATE, command);
        }

        public static Options quick(int max, List<String> hops, String command) {
            return new Options(max, hops, new CircleBench.Timing(400, 1, 1000), true, 1500, 1, DEFAULT_PORT_RATE, command);
        }

        /** A rough duration, for the progress line. */
        long estimatedSeconds() {
            long perInFlight = timing.warmupMillis() + timing.windows() * timing.windowMillis() + 800;
            long circles = (long) max * hops.size() * (IN_FLIGHT.size() * perInFlight + 1500);
            long ports = portRuns ? 2 * (portWarmupMillis + portWindows * timing.windowMillis() + 2000) : 0;
            return (circles + ports) / 1000;
        }
    }

    private ChainBench() {
    }

    // NF processes start as the platform starts them: from the AOT cache, made first if missing.
    private static String aotCache(PrintStream progress) {
        Optional<AotCache> cache = NfLauncher.aotCache();
        if (cache.isEmpty()) {
            return "not applicable (class path not all jars, or no cache directory)";
        }
        if (!cache.get().exists()) {
            progress.println("jnetvm bench chain: no NF AOT cache for this build; training run (a few seconds) ...");
            try {
                AotTraining.train(2000);
            } catch (Exception e) {
                progress.println("jnetvm bench chain: training failed, NFs start without the cache: " + e.getMessage());
                return "absent (training failed: " + e.getMessage() + ")";
            }
        }
        return "used (" + cache.get().file().getFileName() + ")";
    }

    public static ChainReport run(Options options, PrintStream progress) {
        long start = System.nanoTime();
        String loadStart = ChainReport.loadAverage();
        CpuShare.Sample cpuStart = CpuShare.now();
        String aot = aotCache(progress);
        progress.printf(Locale.ROOT, "jnetvm bench chain: L = 1..%d, hop %s, in flight %s, %d x %d ms windows after %d ms"
                        + " warm-up; NF AOT cache %s; about %d s%n", options.max(), String.join("+", options.hops()),
                IN_FLIGHT, options.timing().windows(), options.timing().windowMillis(), options.timing().warmupMillis(),
                aot, options.estimatedSeconds());
        List<CircleBench.Result> circles = new ArrayList<>();
        for (int length = 1; length <= options.max(); length++) {
            // Alternate which hop mode goes first, so that neither always runs right after the other.
            List<String> order = new ArrayList<>(options.hops());
            if (length % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (String hop : order) {
                circles.addAll(CircleBench.run(hop, length, IN_FLIGHT, options.timing(), progress).results());
            }
        }
        PortChainBench.Result rtc = null;
        PortChainBench.Result six = null;
        if (options.portRuns()) {
            progress.println("jnetvm bench chain: six NFs (5 x basic_monitor, bridge) behind a generator port offering "
                    + (options.portRate() == 0 ? "full speed" : options.portRate() + " packets/s"));
            rtc = PortChainBench.run(PortChainBench.Mode.RUN_TO_COMPLETION, options.portRate(), options.portWarmupMillis(),
                    options.portWindows(), options.timing().windowMillis(), progress);
            six = PortChainBench.run(PortChainBench.Mode.SIX_PROCESSES, options.portRate(), options.portWarmupMillis(),
                    options.portWindows(), options.timing().windowMillis(), progress);
        }
        return new ChainReport(options, circles, rtc, six, aot, (System.nanoTime() - start) / 1e9, loadStart,
                CpuShare.between(cpuStart, CpuShare.now()));
    }
}

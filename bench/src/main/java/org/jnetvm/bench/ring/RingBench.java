package org.jnetvm.bench.ring;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.openjdk.jmh.runner.RunnerException;

/**
 * {@code jnetvm bench ring}: runs DPDK's ring_perf_autotest and the JNetVM JMH ring
 * benchmarks alternately (DPDK, JNetVM, DPDK, JNetVM, ...) so that a slow phase of the
 * machine (vCPU placement, a noisy neighbour) hits both sides, and reports the medians.
 * Progress goes to {@code progress}; the caller prints the returned report. One thread.
 */
public final class RingBench {

    /** What to run. {@code tscGhz} overrides detection when not null. */
    public record Options(int repetitions, JmhRingRun.Settings jmh, Double tscGhz, boolean skipDpdk) {
    }

    private RingBench() {
    }

    public static RingBenchReport run(Options options, PrintStream progress)
            throws IOException, InterruptedException, RunnerException {
        long start = System.nanoTime();
        Optional<Path> dpdkTest = options.skipDpdk() ? Optional.empty() : DpdkRingPerf.find();
        String dpdkNote = null;
        if (!options.skipDpdk() && dpdkTest.isEmpty()) {
            dpdkNote = "dpdk-test not found (Debian package dpdk-dev): run bin/jnetvm setup; DPDK figures are null";
            progress.println("jnetvm bench ring: " + dpdkNote);
        }
        TscFrequency tsc = options.tscGhz() != null
                ? new TscFrequency(options.tscGhz(), "--tsc-ghz")
                : TscFrequency.detect().orElse(null);
        Optional<TscFrequency> ealTsc = Optional.empty();
        if (tsc == null && dpdkTest.isPresent()) {
            progress.println("jnetvm bench ring: no TSC frequency in sysfs or /proc/cpuinfo; asking DPDK's EAL");
            ealTsc = TscFrequency.fromDpdkOutput(DpdkRingPerf.run(dpdkTest.get()));
            tsc = ealTsc.orElse(null);
        }
        if (tsc == null) {
            throw new IllegalStateException("cannot find the TSC frequency (no /sys/devices/system/cpu/cpu0/tsc_freq_khz,"
                    + " no 'cpu MHz' in /proc/cpuinfo): pass it with --tsc-ghz");
        }
        progress.printf(Locale.ROOT, "jnetvm bench ring: TSC %.4f GHz from %s; %d repetitions, about %d s%n",
                tsc.ghz(), tsc.source(), options.repetitions(),
                options.repetitions() * (options.jmh().estimatedMillis() + (dpdkTest.isPresent() ? 4000 : 0)) / 1000);

        RingBenchReport report = new RingBenchReport(tsc.ghz(), tsc.source());
        String twoCoreSection = null;
        Map<String, Double> alloc = new LinkedHashMap<>();
        for (int rep = 1; rep <= options.repetitions(); rep++) {
            if (dpdkTest.isPresent()) {
                String output = DpdkRingPerf.run(dpdkTest.get());
                DpdkRingPerf.Figures figures = DpdkRingPerf.parse(output);
                report.addDpdk(figures.cyclesPerElement());
                twoCoreSection = figures.twoCoreSection();
                if (ealTsc.isEmpty()) {
                    ealTsc = TscFrequency.fromDpdkOutput(output);
                }
                progress.printf(Locale.ROOT, "[%d/%d] DPDK   %s%n", rep, options.repetitions(),
                        brief(figures.cyclesPerElement()));
            }
            Map<String, JmhRingRun.CaseResult> run = JmhRingRun.run(options.jmh(), tsc.ghz());
            report.addJnetvmDetails(run);
            run.forEach((k, c) -> {
                if (c.allocBytesPerOp() != null) {
                    alloc.merge(k, c.allocBytesPerOp(), Math::max);
                }
            });
            Map<String, Double> cycles = new LinkedHashMap<>();
            run.forEach((k, c) -> cycles.put(k, c.cyclesPerElement()));
            progress.printf(Locale.ROOT, "[%d/%d] JNetVM %s%n", rep, options.repetitions(), brief(cycles));
        }
        if (twoCoreSection != null && !twoCoreSection.equals("two physical cores")) {
            dpdkNote = "DPDK found no two physical cores; its two-core figures are from '" + twoCoreSection + "'";
        }
        if (dpdkNote != null) {
            report.dpdkNote(dpdkNote);
        }
        report.put("repetitions", options.repetitions());
        report.put("capacity", RingBenchCases.CAPACITY);
        report.put("nproc", Runtime.getRuntime().availableProcessors());
        ealTsc.ifPresent(t -> report.put("dpdk_eal_tsc_ghz", t.ghz()));
        report.put("jmh", Map.of("warmup", options.jmh().warmupIterations() + " x " + options.jmh().warmupMillis() + " ms",
                "measurement", options.jmh().measurementIterations() + " x " + options.jmh().measurementMillis() + " ms",
                "forks_per_case_per_repetition", 1));
        if (!alloc.isEmpty()) {
            report.put("gc_alloc_rate_norm_bytes_per_op_max", alloc);
        }
        report.put("duration_s", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        return report;
    }

    private static String brief(Map<String, Double> cycles) {
        StringBuilder sb = new StringBuilder();
        cycles.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%.2f ", k, v)));
        return sb.toString().trim();
    }
}

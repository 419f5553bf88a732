package org.jnetvm.cli;

import java.util.concurrent.Callable;

import org.jnetvm.bench.ring.JmhRingRun;
import org.jnetvm.bench.ring.RingBench;
import org.jnetvm.bench.ring.RingBenchReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnetvm bench ring}: the SPSC ring against DPDK's rte_ring, measured in the same run. */
@Command(name = "ring", mixinStandardHelpOptions = true,
        description = {
                "Measure the SPSC index ring (JMH) and DPDK's rte_ring (dpdk-test ring_perf_autotest),"
                        + " alternating DPDK and JNetVM runs, and compare the medians in TSC cycles per element.",
                "",
                "Cases: bulk enqueue+dequeue of 8 and 32 indices on one thread (spsc_bulk8_1core,"
                        + " spsc_bulk32_1core), and a producer and a consumer thread on two cores"
                        + " (spsc_bulk8_2core, spsc_bulk32_2core; the figure is producer + consumer"
                        + " cycles per element, as DPDK prints it). Ring capacity 4096 as DPDK's test.",
                "Ratio = JNetVM / DPDK; targets: <= 1.0 for spsc_bulk32_2core, <= 1.5 elsewhere.",
                "Needs two CPUs; close other busy programs. A default run takes about 3.5 minutes."
        },
        footer = {"", "Example: bin/jnetvm bench ring --quick --json"})
final class RingBenchCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Option(names = {"-n", "--repetitions"}, paramLabel = "N",
            description = "Alternating DPDK/JNetVM runs; medians are reported (default: 5, or 3 with --quick).")
    Integer repetitions;

    @Option(names = "--quick", description = "Shorter JMH iterations (2 x 0.5 s warmup, 3 x 0.5 s measurement"
            + " instead of 3 x 1 s and 5 x 1 s): about a minute in all; noisier.")
    boolean quick;

    @Option(names = "--gc", description = "Add JMH's GC profiler and report bytes allocated per operation"
            + " (gc.alloc.rate.norm, expected ~0).")
    boolean gc;

    @Option(names = "--no-dpdk", description = "Measure JNetVM only.")
    boolean noDpdk;

    @Option(names = "--tsc-ghz", paramLabel = "GHZ",
            description = "TSC frequency to convert ns into cycles (default: from sysfs tsc_freq_khz, else /proc/cpuinfo).")
    Double tscGhz;

    @Override
    public Integer call() throws Exception {
        int reps = repetitions != null ? repetitions : quick ? 3 : 5;
        if (reps < 1) {
            throw new IllegalArgumentException("--repetitions must be at least 1, got " + reps);
        }
        if (tscGhz != null && !(tscGhz > 0)) {
            throw new IllegalArgumentException("--tsc-ghz must be positive, got " + tscGhz);
        }
        JmhRingRun.Settings settings = (quick ? JmhRingRun.Settings.quick() : JmhRingRun.Settings.standard())
                .withGcProfiler(gc);
        RingBenchReport report = RingBench.run(new RingBench.Options(reps, settings, tscGhz, noDpdk), System.err);
        System.out.print(report.table());
        if (json) {
            System.out.println(report.json());
        }
        System.out.flush();
        return 0;
    }
}

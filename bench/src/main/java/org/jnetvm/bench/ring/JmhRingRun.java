package org.jnetvm.bench.ring;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link SpscRingOneCoreBench} and {@link SpscRingTwoCoreBench} once (one JMH fork per
 * case) through JMH's Runner API and converts the scores to cycles per element. The forks
 * use this JVM's java binary and class path ({@code java.class.path}), plus
 * {@code --enable-native-access=ALL-UNNAMED}. Called from one thread at a time.
 */
public final class JmhRingRun {

    /** JMH iteration settings. */
    public record Settings(int warmupIterations, long warmupMillis, int measurementIterations, long measurementMillis,
            boolean gcProfiler) {

        /** Default: 3 x 1 s warmup, 5 x 1 s measurement per case. */
        public static Settings standard() {
            return new Settings(3, 1000, 5, 1000, false);
        }

        /** --quick: 2 x 0.5 s warmup, 3 x 0.5 s measurement per case. */
        public static Settings quick() {
            return new Settings(2, 500, 3, 500, false);
        }

        public Settings withGcProfiler(boolean on) {
            return new Settings(warmupIterations, warmupMillis, measurementIterations, measurementMillis, on);
        }

        /** Rough wall time of one run of the four cases, JVM starts included. */
        public long estimatedMillis() {
            return 4 * (warmupIterations * warmupMillis + measurementIterations * measurementMillis + 1200);
        }
    }

    /**
     * One case of one run. For one core {@code nsPerElement} is ns per enqueue+dequeue pair
     * divided by the burst; for two cores it is the producer thread's ns per element plus the
     * consumer thread's (DPDK's convention), and the failure ratios are retried bulk calls
     * per successful one.
     */
    public record CaseResult(String key, double nsPerElement, double cyclesPerElement, Double producerNsPerElement,
            Double consumerNsPerElement, Double fullRetriesPerBulk, Double emptyRetriesPerBulk,
            Double allocBytesPerOp) {
    }

    private JmhRingRun() {
    }

    /** Runs all four cases; blocks for about {@link Settings#estimatedMillis()}. */
    public static Map<String, CaseResult> run(Settings settings, double tscGhz) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + SpscRingOneCoreBench.class.getName().replace(".", "\\.") + "\\.")
                .include("^" + SpscRingTwoCoreBench.class.getName().replace(".", "\\.") + "\\.")
                .param("burst", RingBenchCases.BURSTS.stream().map(String::valueOf).toArray(String[]::new))
                .param("capacity", String.valueOf(RingBenchCases.CAPACITY))
                .forks(1)
                .warmupIterations(settings.warmupIterations())
                .warmupTime(TimeValue.milliseconds(settings.warmupMillis()))
                .measurementIterations(settings.measurementIterations())
                .measurementTime(TimeValue.milliseconds(settings.measurementMillis()))
                .timeUnit(TimeUnit.NANOSECONDS)
                .jvmArgs("-Xms256m", "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow") // JMH 1.37 uses Unsafe: no warning per fork
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        if (settings.gcProfiler()) {
            options.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, CaseResult> byKey = new LinkedHashMap<>();
        for (RunResult result : results) {
            CaseResult c = convert(result, tscGhz);
            byKey.put(c.key(), c);
        }
        Map<String, CaseResult> ordered = new LinkedHashMap<>();
        for (String key : RingBenchCases.KEYS) {
            CaseResult c = byKey.get(key);
            if (c == null) {
                throw new IllegalStateException("JMH returned no result for " + key + "; got " + byKey.keySet());
            }
            ordered.put(key, c);
        }
        return ordered;
    }

    private static CaseResult convert(RunResult result, double tscGhz) {
        String benchmark = result.getParams().getBenchmark();
        int burst = Integer.parseInt(result.getParams().getParam("burst"));
        Map<String, Result> secondary = result.getSecondaryResults();
        Double alloc = secondary.entrySet().stream()
                .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm"))
                .map(e -> e.getValue().getScore()).findFirst().orElse(null);
        if (benchmark.startsWith(SpscRingOneCoreBench.class.getName())) {
            double ns = result.getPrimaryResult().getScore() / burst;
            return new CaseResult(RingBenchCases.key(burst, 1), ns, ns * tscGhz, null, null, null, null, alloc);
        }
        double producer = score(secondary, "produce") / burst;
        double consumer = score(secondary, "consume") / burst;
        double enqueued = score(secondary, "enqueued");
        double dequeued = score(secondary, "dequeued");
        double full = score(secondary, "enqueueFull") / Math.max(1.0, enqueued / burst);
        double empty = score(secondary, "dequeueEmpty") / Math.max(1.0, dequeued / burst);
        double ns = producer + consumer;
        return new CaseResult(RingBenchCases.key(burst, 2), ns, ns * tscGhz, producer, consumer, full, empty, alloc);
    }

    private static double score(Map<String, Result> secondary, String label) {
        Result r = secondary.get(label);
        if (r == null) {
            throw new IllegalStateException("JMH result has no '" + label + "'; it has " + secondary.keySet());
        }
        return r.getScore();
    }
}

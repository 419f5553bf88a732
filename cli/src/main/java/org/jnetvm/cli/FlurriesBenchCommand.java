package org.jnetvm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.jnetvm.bench.flurries.FlurriesBench;
import org.jnetvm.bench.flurries.FlurriesScale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jnetvm bench flurries}: per-flow NF activations per second, end to end, and throughput as the NFs sharing the
 * cores grow, hybrid against polling and platform threads.
 */
@Command(name = "flurries", mixinStandardHelpOptions = true,
        description = {"Flurries' activations per second: a generator whose every packet is a new UDP flow (it cycles"
                + " through a million), a per-flow service whose N instances are virtual threads of one NF host in"
                + " small slots (each flow binds an idle instance at entry and gives it back 1 ms after its last"
                + " packet), then a latency probe.",
                "Prints flows activated per second (each on its own instance, its first packet delivered), the"
                        + " activation latency p50/p99 (RX to the probe) and new flows refused for want of an idle"
                        + " instance (pool_full).",
                "Then (part scale) throughput and p50/p99 with 10, 100, 1,000, 10,000 and 50,000 NFs of one service"
                        + " in one NF host, a full-speed generator spread over all of them, three ways: hybrid (virtual"
                        + " threads that sleep, woken in batches), polling (the same, never sleeping) and platform"
                        + " threads (the same NFs, a platform thread each). ~15 minutes for every count.",
                "Not measured yet: the web-traffic case with wrk (docs/status.md)."},
        footer = {"", "Example: bin/jnetvm bench flurries --json",
                "         bin/jnetvm bench flurries --part activations --instances 800 --rate 200000 --seconds 10",
                "         bin/jnetvm bench flurries --part activations --wake-window-us 0   # woken one by one",
                "         bin/jnetvm bench flurries --part scale --counts 10,10000 --modes hybrid,polling"})
final class FlurriesBenchCommand implements Callable<Integer> {

    @Option(names = "--instances", defaultValue = "500", paramLabel = "N",
            description = "Instances in the per-flow pool, 1..60000 (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--rate", defaultValue = "150000", paramLabel = "PPS",
            description = "New flows (packets) per second the generator offers; 0 for as fast as it goes (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--wake-window-us", defaultValue = "200", paramLabel = "US",
            description = "The hosted NFs' wake-up window: woken in their host's batches at most this late (or when"
                    + " 32 packets wait); 0 wakes each by its packet (default ${DEFAULT-VALUE}).")
    int wakeWindowUs;

    @Option(names = "--part", defaultValue = "all", paramLabel = "PART",
            description = "activations, scale or all (default ${DEFAULT-VALUE}).")
    String part;

    @Option(names = "--counts", split = ",", paramLabel = "N,...",
            description = "Part scale: NFs per run, 1..60000 each (default 10,100,1000,10000,50000).")
    List<Integer> counts;

    @Option(names = "--modes", split = ",", paramLabel = "MODE,...",
            description = "Part scale: hybrid, polling, platform-threads (default all three).")
    List<String> modes;

    @Mixin
    TimedRunOptions run = new TimedRunOptions();

    @Override
    public Integer call() {
        BenchSupport.quiet();
        if (!run.check("flurries")) {
            return 2;
        }
        if (instances < 1 || instances > 60_000 || rate < 0 || wakeWindowUs < 0 || wakeWindowUs > 100_000) {
            System.err.println("bench flurries: --instances 1..60000, --rate 0 or more, --wake-window-us 0..100000");
            return 2;
        }
        if (!List.of("activations", "scale", "all").contains(part)) {
            System.err.println("bench flurries: --part " + part + ": activations, scale or all");
            return 2;
        }
        List<Integer> scaleCounts = counts == null ? FlurriesScale.COUNTS : counts;
        if (scaleCounts.stream().anyMatch(n -> n < 1 || n > 60_000)) {
            System.err.println("bench flurries: --counts " + scaleCounts + ": each 1..60000");
            return 2;
        }
        List<FlurriesScale.Mode> scaleModes;
        try {
            scaleModes = modes == null ? List.of(FlurriesScale.Mode.values())
                    : modes.stream().map(FlurriesScale.Mode::of).distinct().toList();
        } catch (IllegalArgumentException e) {
            System.err.println("bench flurries: --modes " + e.getMessage());
            return 2;
        }
        FlurriesBench.Settings d = FlurriesBench.Settings.defaults();
        FlurriesBench.Result activations = null;
        if (!part.equals("scale")) {
            activations = FlurriesBench.run(
                    new FlurriesBench.Settings(instances, rate, wakeWindowUs, d.warmupMillis(), run.millis()), System.err);
            System.out.print(FlurriesBench.table(activations));
        }
        List<FlurriesScale.Run> scale = List.of();
        if (!part.equals("activations")) {
            scale = FlurriesScale.runAll(scaleModes, scaleCounts, d.warmupMillis(), run.millis(), System.err);
            System.out.print(FlurriesScale.table(scale));
        }
        if (run.json) {
            System.out.println(FlurriesBench.json(activations, scale));
        }
        System.out.flush();
        return 0;
    }
}

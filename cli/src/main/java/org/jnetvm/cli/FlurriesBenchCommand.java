package org.jnetvm.cli;

import java.util.concurrent.Callable;
import org.jnetvm.bench.flurries.FlurriesBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jnetvm bench flurries}: per-flow NF activations per second, end to end. */
@Command(name = "flurries", mixinStandardHelpOptions = true,
        description = {"Flurries' activations per second: a generator whose every packet is a new UDP flow (it cycles"
                + " through a million), a per-flow service whose N instances are virtual threads of one NF host in"
                + " small slots (each flow binds an idle instance at entry and gives it back 1 ms after its last"
                + " packet), then a latency probe.",
                "Prints flows activated per second (each on its own instance, its first packet delivered), the"
                        + " activation latency p50/p99 (RX to the probe) and new flows refused for want of an idle"
                        + " instance (pool_full). Not measured yet: throughput at 10..50,000 NFs against polling and"
                        + " platform threads, and the web-traffic case (docs/status.md)."},
        footer = {"", "Example: bin/jnetvm bench flurries --json",
                "         bin/jnetvm bench flurries --instances 800 --rate 200000 --seconds 10",
                "         bin/jnetvm bench flurries --wake-window-us 0   # woken one by one"})
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
        FlurriesBench.Settings d = FlurriesBench.Settings.defaults();
        FlurriesBench.Result r = FlurriesBench.run(
                new FlurriesBench.Settings(instances, rate, wakeWindowUs, d.warmupMillis(), run.millis()), System.err);
        System.out.print(FlurriesBench.table(r));
        if (run.json) {
            System.out.println(FlurriesBench.json(r));
        }
        System.out.flush();
        return 0;
    }
}

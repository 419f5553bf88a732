package org.jnetvm.cli;

import java.util.concurrent.Callable;
import org.jnetvm.bench.soak.SoakBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnetvm bench soak}: a long run at full rate, an NF killed every few seconds and started again. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"A manager with a generator at full rate and the chain victim -> keeper of two NF processes;"
                + " the victim (simple_forward, restart: true) is killed with SIGKILL every few seconds and the manager"
                + " starts it again; the keeper (bridge) lives the whole run.",
                "Every sample period: RSS of the manager's JVM and of the keeper, the manager's heap after GC, the"
                        + " pool, the drops. At the end: packets and drops, buffers leaked once drained, the time from"
                        + " each kill until traffic flowed through the new victim (p50/p99), RSS growth per process"
                        + " (MiB/hour, least squares after warm-up)."},
        footer = {"", "Example: bin/jnetvm bench soak --json              # 10 minutes, 100 kills",
                "         bin/jnetvm bench soak --minutes 1 --kills 10"})
final class SoakBenchCommand implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "10", paramLabel = "M",
            description = "Length of the run, 0.2..1440 (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--kills", paramLabel = "N",
            description = "SIGKILLs of the victim NF, spread evenly (default: 10 a minute).")
    Integer kills;

    @Option(names = "--sample-seconds", defaultValue = "10", paramLabel = "S",
            description = "Seconds between samples, 0.5..600 (default ${DEFAULT-VALUE}).")
    double sampleSeconds;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PPS",
            description = "Packets per second the generator offers; 0: as fast as it can (default).")
    long rate;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Override
    public Integer call() {
        BenchSupport.quiet();
        if (minutes < 0.2 || minutes > 1440) {
            System.err.println("bench soak: --minutes " + minutes + " is out of range 0.2..1440");
            return 2;
        }
        if (sampleSeconds < 0.5 || sampleSeconds > 600) {
            System.err.println("bench soak: --sample-seconds " + sampleSeconds + " is out of range 0.5..600");
            return 2;
        }
        int k = kills != null ? kills : (int) Math.round(minutes * 10);
        if (k < 0 || rate < 0) {
            System.err.println("bench soak: --kills and --rate must not be negative");
            return 2;
        }
        SoakBench.Settings s = new SoakBench.Settings(Math.round(minutes * 60_000), k, Math.round(sampleSeconds * 1000), rate);
        SoakBench.Result r = SoakBench.run(s, System.err);
        System.out.print(SoakBench.table(r, s));
        if (json) {
            System.out.println(SoakBench.json(r, s));
        }
        System.out.flush();
        return r.error() != null || r.leakedBuffers() != 0 || r.failedRestarts() > 0 ? 1 : 0;
    }
}

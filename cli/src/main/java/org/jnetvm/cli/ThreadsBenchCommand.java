package org.jnetvm.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.jnetvm.bench.threads.ThreadsBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnetvm bench threads}: the manager's throughput with 1 RX + 1 TX thread against 2 + 2. */
@Command(name = "threads", mixinStandardHelpOptions = true,
        description = {"Compare the manager with 1 RX + 1 TX thread against 2 + 2.",
                "Two generator ports at full speed, one service of two bridge NFs, manager-hop mode (every packet",
                "passes an RX and a TX thread): packets sent per second with threads 1+1, then 2+2, and the ratio.",
                "More threads help only while cores are idle: the report gives the CPU count and who used the CPUs."},
        footer = {"", "Example: bin/jnetvm bench threads --json"})
final class ThreadsBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Option(names = "--warmup", defaultValue = "3000", paramLabel = "MS", description = "Warm-up per configuration (default ${DEFAULT-VALUE} ms).")
    long warmup;

    @Option(names = "--windows", defaultValue = "3", paramLabel = "N", description = "1-second measuring windows (default ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--flow-rule", description = {"RX-path runs with one flow rule that no packet matches: every packet",
            "is classified by the flow director (header parse + exact-match probe). Compare with a run without it."})
    boolean flowRule;

    @Option(names = "--rx-only", description = "Only the RX-path runs (skip the whole-path 1+1 and 2+2 runs).")
    boolean rxOnly;

    @Override
    public Integer call() {
        BenchSupport.quiet();
        System.out.printf(Locale.ROOT, "bench threads: %d CPUs%n", Runtime.getRuntime().availableProcessors());
        ThreadsBench.Result one = null;
        ThreadsBench.Result two = null;
        if (!rxOnly) {
            System.out.println("whole path: 2 generator ports -> 2 bridge NF processes -> ports, hop manager");
            one = ThreadsBench.run(1, 1, false, warmup, windows, System.out);
            two = ThreadsBench.run(2, 2, false, warmup, windows, System.out);
            System.out.printf(Locale.ROOT, "  2+2 / 1+1 = %.2f%n", ThreadsBench.ratio(one, two));
        }
        System.out.println("RX path alone: 2 generator ports, no chain (packets made, classified, dropped as no_chain)"
                + (flowRule ? ", one flow rule matching nothing (every packet probes the flow table)" : ""));
        ThreadsBench.Result rxOne = ThreadsBench.run(1, 1, true, flowRule, warmup / 3, windows, System.out);
        ThreadsBench.Result rxTwo = ThreadsBench.run(2, 1, true, flowRule, warmup / 3, windows, System.out);
        System.out.printf(Locale.ROOT, "  2 rx / 1 rx = %.2f%n", ThreadsBench.ratio(rxOne, rxTwo));
        if (rxOnly) {
            return java.util.stream.Stream.of(rxOne, rxTwo).allMatch(r -> r.error() == null) ? 0 : 1;
        }
        if (json) {
            System.out.println(ThreadsBench.json(one, two, rxOne, rxTwo, BenchSupport.commandLine(spec)));
        }
        return java.util.stream.Stream.of(one, two, rxOne, rxTwo).allMatch(r -> r.error() == null) ? 0 : 1;
    }
}

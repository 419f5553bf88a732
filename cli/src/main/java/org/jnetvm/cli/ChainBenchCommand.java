package org.jnetvm.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.jnetvm.bench.chain.ChainBench;
import org.jnetvm.bench.chain.ChainReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jnetvm bench chain}: NF chains of 1..max processes (speed_tester), and run-to-completion against processes. */
@Command(name = "chain", mixinStandardHelpOptions = true,
        description = {
                "Measure chains of NF processes the way OpenNetVM's speed_tester does: a circle of L services"
                        + " (speed_tester, then L-1 simple_forward), L = 1..max, with 8192 and 128 packets in flight,"
                        + " in each hop mode (direct: NF to NF; manager: through the manager's TX thread).",
                "Mpps = packets/s through speed_tester; M hops/s = Mpps x L; ns/hop = 1e9 / hops/s. Every 1 s window"
                        + " is reported (figures crossing two vCPUs are bimodal here), with the drops of each run.",
                "Then six NFs (5 x basic_monitor, bridge) behind a generator port at full speed: in one process"
                        + " run-to-completion (pipeline) and as six processes; generated and delivered Mpps, drop %.",
                "Anchors printed beside: OpenNetVM 73.9 Mpps self-loop (13.5 ns/hop), ~62 M hops/s with 8192 in"
                        + " flight and ~7 M hops/s with 128 for chains sharing cores.",
                "About 3 minutes (--quick: about 80 s). NF processes start from the AOT cache when it exists"
                        + " (bin/jnetvm nf-cache)."
        },
        footer = {"", "Example: bin/jnetvm bench chain --quick --json"})
final class ChainBenchCommand implements Callable<Integer> {

    /** Which hop modes to measure. */
    enum HopChoice { direct, manager, both }

    @Spec
    CommandSpec spec;

    @Option(names = "--max", defaultValue = "6", paramLabel = "L", description = "Longest chain (default ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--hop", defaultValue = "both", paramLabel = "MODE",
            description = "direct, manager or both (default ${DEFAULT-VALUE}).")
    HopChoice hop;

    @Option(names = "--quick", description = "0.4 s warm-up and one 1 s window per circle instead of 2 s and 3 x 1 s"
            + " (and 1.5 s and one window instead of 3 s and three for the six-NF comparison): noisier.")
    boolean quick;

    @Option(names = "--no-ports", description = "Skip the run-to-completion / six-process comparison.")
    boolean noPorts;

    @Option(names = "--port-rate", defaultValue = "2000000", paramLabel = "PPS",
            description = "Packets/s the generator offers in the six-NF comparison; 0 = full speed (default ${DEFAULT-VALUE}).")
    long portRate;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Override
    public Integer call() {
        BenchSupport.quiet();
        List<String> hops = switch (hop) {
            case direct -> List.of("direct");
            case manager -> List.of("manager");
            case both -> List.of("direct", "manager");
        };
        String command = BenchSupport.commandLine(spec);
        ChainBench.Options options = quick ? ChainBench.Options.quick(max, hops, command)
                : ChainBench.Options.standard(max, hops, command);
        options = new ChainBench.Options(options.max(), options.hops(), options.timing(), !noPorts,
                options.portWarmupMillis(), options.portWindows(), portRate, command);
        ChainReport report = ChainBench.run(options, System.err);
        System.out.print(report.table());
        if (json) {
            System.out.println(report.json());
        }
        System.out.flush();
        return report.failedRuns() == 0 ? 0 : 1; // drops alone are flagged in the report, not an error
    }
}

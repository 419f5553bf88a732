package org.jnetvm.cli;

import java.util.concurrent.Callable;

import org.jnetvm.bench.nfstart.NfStartBench;
import org.jnetvm.bench.nfstart.NfStartReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnetvm bench nf-start}: time from starting an NF process to its first processed packet. */
@Command(name = "nf-start", mixinStandardHelpOptions = true,
        description = {
                "Measure the time from starting an NF process (ProcessBuilder.start) to its first processed packet:"
                        + " a manager in this JVM offers 10 000 packets/s to service probe, served by a bridge NF"
                        + " started, measured and stopped N times.",
                "Runs with the JDK AOT cache (what the platform uses; made first if missing) alternate with runs"
                        + " without it. Target <= 300 ms; OpenNetVM takes about 0.5 s."
        },
        footer = {"", "Example: bin/jnetvm bench nf-start --json"})
final class NfStartBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-n", defaultValue = "10", paramLabel = "N", description = "Runs per configuration (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--no-train", description = "Do not make the AOT cache when it is missing (measure what is there).")
    boolean noTrain;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        BenchSupport.quiet();
        String command = BenchSupport.commandLine(spec);
        NfStartReport report = NfStartBench.run(new NfStartBench.Options(runs, !noTrain, true, command), System.err);
        System.out.print(report.table());
        if (json) {
            System.out.println(report.json());
        }
        System.out.flush();
        return report.cleanup() == null || report.cleanup().clean() ? 0 : 1;
    }
}

package org.jnetvm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.jnetvm.bench.chain.CpuShare;
import org.jnetvm.bench.nfs.NfSuiteBench;
import org.jnetvm.bench.nfs.NfSuiteReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnetvm bench nfs}: Mpps per NF of the suite behind the in-memory generator, 64 B and 1500 B. */
@Command(name = "nfs", mixinStandardHelpOptions = true,
        description = {"Measure what each NF of the suite costs: the NF as its own process, alone in the default chain,"
                + " behind a generator port at full speed (UDP, 256 flows), at 64 B and 1500 B frames.",
                "Mpps = packets the NF took from its ring per second (what it cannot take is dropped at entry, shown);"
                        + " ns/packet = 1000 / Mpps. bridge runs first as the baseline (an NF that only forwards).",
                "Each NF is set up so that every packet takes its full path: see docs/nfs.md. About 1 minute"
                        + " (--quick: about 40 s)."},
        footer = {"", "Example: bin/jnetvm bench nfs --json", "         bin/jnetvm bench nfs --only firewall,router --sizes 64"})
final class NfsBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Option(names = "--quick", description = "0.8 s warm-up and one 1 s window per run instead of 1.5 s and two.")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "NF",
            description = "Only these NFs (default: bridge and the whole suite).")
    List<String> only;

    @Option(names = "--sizes", split = ",", defaultValue = "64,1500", paramLabel = "BYTES",
            description = "Frame sizes, 60..2048 (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Override
    public Integer call() {
        BenchSupport.quiet();
        for (int size : sizes) {
            if (size < 60 || size > 2048) {
                System.err.println("bench nfs: --sizes " + size + " is out of range 60..2048 (the region's data room)");
                return 2;
            }
        }
        List<String> nfs = only == null ? NfSuiteBench.SUITE : only;
        for (String nf : nfs) {
            if (!NfSuiteBench.SUITE.contains(nf)) {
                System.err.println("bench nfs: no NF '" + nf + "' in the suite; choose from " + String.join(", ",
                        NfSuiteBench.SUITE));
                return 2;
            }
        }
        NfSuiteBench.Timing timing = quick ? NfSuiteBench.Timing.quick() : NfSuiteBench.Timing.standard();
        System.err.printf("bench nfs: %d NFs x %d sizes, %d CPUs%n", nfs.size(), sizes.size(),
                Runtime.getRuntime().availableProcessors());
        long start = System.nanoTime();
        CpuShare.Sample cpuBefore = CpuShare.now();
        List<NfSuiteBench.Result> results = NfSuiteBench.run(nfs, sizes, timing, System.err);
        NfSuiteReport report = new NfSuiteReport(results, sizes, timing, CpuShare.between(cpuBefore, CpuShare.now()),
                (System.nanoTime() - start) / 1e9, BenchSupport.commandLine(spec));
        System.out.print(report.table());
        if (json) {
            System.out.println(report.json());
        }
        System.out.flush();
        return report.failedRuns() == 0 ? 0 : 1;
    }
}

package org.jnetvm.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.jnetvm.bench.chain.CpuShare;
import org.jnetvm.bench.forward.ForwardBench;
import org.jnetvm.testsupport.Shell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnetvm bench forward}: JNetVM against the Linux bridge and dpdk-testpmd between two namespaces. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Forward between two network namespaces, through the same two veth pairs, one after the other:",
                "the Linux bridge, dpdk-testpmd (io mode, two net_af_packet devices) and JNetVM (two af_packet",
                "ports, a chain of one bridge NF). Each carries an iperf3 TCP transfer (Gbit/s) and a 64-byte UDP",
                "flood (datagrams/s received, % lost) from namespace A to B. Prints each and JNetVM's ratios.",
                "Needs root (namespaces, AF_PACKET) and iperf3 and dpdk-testpmd (bin/jnetvm setup installs them).",
                "Offloads are off on every veth end for all three forwarders."},
        footer = {"", "Example: bin/jnetvm bench forward --json"})
final class ForwardBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Also print the result as one JSON object on the last line "
            + "(keys bridge, testpmd, jnetvm, ratio_vs_testpmd, ratio_vs_bridge).")
    boolean json;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "Length of each iperf3 run, 1..60 (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "Run only these of bridge, testpmd, jnetvm (comma-separated; default all three).")
    java.util.List<String> only;

    @Option(names = "--nf", defaultValue = "inline", paramLabel = "WHERE",
            description = "Where JNetVM's bridge NF runs: process (its own JVM), thread (a thread of the manager's"
                    + " JVM) or inline (on the manager's RX thread, run to completion); default ${DEFAULT-VALUE}.")
    String nf;

    @Option(names = "--rx-threads", defaultValue = "2", paramLabel = "N",
            description = "JNetVM's RX threads, 1..8 (default ${DEFAULT-VALUE}): the two ports' receivers (N/2 fanout"
                    + " queues each, at least one) are dealt over them; inline, each runs its own bridge instance.")
    int rxThreads;

    @Override
    public Integer call() {
        if (seconds < 1 || seconds > 60) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seconds must be 1..60, not " + seconds);
        }
        if (rxThreads < 1 || rxThreads > 8) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rx-threads must be 1..8, not "
                    + rxThreads);
        }
        java.util.Set<String> forwarders = new java.util.LinkedHashSet<>(only == null ? ForwardBench.Options.ALL : only);
        for (String f : forwarders) {
            if (!ForwardBench.Options.ALL.contains(f)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--only: '" + f
                        + "' is not one of " + String.join(", ", ForwardBench.Options.ALL));
            }
        }
        if (!Shell.isRoot()) {
            System.err.println("bench forward: needs root (network namespaces, veth pairs, AF_PACKET sockets)");
            return 2;
        }
        BenchSupport.quiet();
        System.out.printf(Locale.ROOT, "bench forward: %d CPUs%n", Runtime.getRuntime().availableProcessors());
        if (!ForwardBench.Options.PLACEMENTS.contains(nf)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--nf: '" + nf + "' is not one of "
                    + String.join(", ", ForwardBench.Options.PLACEMENTS));
        }
        var options = new ForwardBench.Options(seconds, forwarders, nf, rxThreads);
        System.out.println("JNetVM: " + ForwardBench.describe(options));
        ForwardBench.Result r = ForwardBench.run(options, System.out);
        ForwardBench.printRatios(r, System.out);
        System.out.println(CpuShare.describe(r.jnetvm().cpu()) + " (JNetVM's run)");
        if (json) {
            System.out.println(ForwardBench.json(r, options, BenchSupport.commandLine(spec)));
        }
        return java.util.stream.Stream.of(r.bridge(), r.testpmd(), r.jnetvm())
                .allMatch(f -> f.error() == null || f.error().startsWith("skipped")) ? 0 : 1;
    }
}

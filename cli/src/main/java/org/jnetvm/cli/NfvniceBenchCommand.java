package org.jnetvm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.jnetvm.bench.nfvnice.NfvniceBench;
import org.jnetvm.bench.nfvnice.NfvniceIsolation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnetvm bench nfvnice}: three NFs sharing a CPU, in one chain or three; kernel scheduler vs shares vs backpressure. */
@Command(name = "nfvnice", mixinStandardHelpOptions = true,
        description = {"NFVnice's experiment: three busy NFs of low, medium and high cost per packet"
                + " (default 400, 900, 1800 ns), every thread of each NF process pinned to one CPU, in one chain"
                + " (case 'chain') or in a chain each with equal offered load (case 'separate'), behind a generator"
                + " that offers more than they can carry.",
                "Modes: kernel, kernel_batch, kernel_rr (no shares, no backpressure; CFS, SCHED_BATCH, SCHED_RR with"
                        + " a 100 ms slice), shares (cpu.shares by rate x cost), shares_backpressure (and chain-entry"
                        + " drops when an NF's ring passes 80 %%).",
                "Case 'isolation': one iperf3 TCP flow shares an NF with ten UDP floods that also cross a costly NF,"
                        + " between two network namespaces through two af_packet ports; TCP Gbit/s per mode, and"
                        + " TCP alone as the baseline.",
                "Reports goodput (packets out of the port after the chain), wasted work (%% of the NFs' work spent on packets"
                        + " dropped further down), Jain's index of each NF's throughput against its demand, and each NF's CPU share."
                        + " Needs taskset and, for the shares runs, a writable cpu cgroup controller. About two and a half minutes for everything."},
        footer = {"", "Example: bin/jnetvm bench nfvnice --json", "         bin/jnetvm bench nfvnice --only separate --modes kernel,shares --cpu 0"})
final class NfvniceBenchCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    @Option(names = "--cpu", defaultValue = "-1", paramLabel = "N",
            description = "The CPU the three NFs share (default: the last one).")
    int cpu;

    @Option(names = "--rate", defaultValue = "400000", paramLabel = "PPS",
            description = "Packets per second offered to each chain (default ${DEFAULT-VALUE}; the separate case offers three times that).")
    long rate;

    @Option(names = "--work", split = ",", defaultValue = "400,900,1800", paramLabel = "NS",
            description = "Busy work per packet of the low, medium and high NF in ns (default ${DEFAULT-VALUE}).")
    List<Long> work;

    @Option(names = "--only", split = ",", paramLabel = "CASE",
            description = "Cases to run: chain, separate, isolation (default: all three).")
    List<String> only = List.of("chain", "separate", "isolation");

    @Option(names = "--seconds", defaultValue = "4", paramLabel = "S",
            description = "Seconds of TCP per isolation run, 2..60 (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Modes to run (default: all): kernel, kernel_batch, kernel_rr, shares, shares_backpressure,"
                    + " shares_backpressure_ecn (the isolation case only: the generator's packets are not ECN-capable).")
    List<String> modes = List.of("kernel", "kernel_batch", "kernel_rr", "shares", "shares_backpressure",
            "shares_backpressure_ecn");

    @Override
    public Integer call() {
        BenchSupport.quiet();
        int cpus = Runtime.getRuntime().availableProcessors();
        int chosen = cpu < 0 ? cpus - 1 : cpu;
        if (chosen >= cpus) {
            System.err.println("bench nfvnice: --cpu " + cpu + " does not exist; this machine has CPUs 0.." + (cpus - 1));
            return 2;
        }
        if (work.size() != 3 || work.stream().anyMatch(w -> w < 0 || w > 1_000_000)) {
            System.err.println("bench nfvnice: --work takes three costs in ns, 0..1000000 each, e.g. 400,900,1800");
            return 2;
        }
        if (rate < 1000 || rate > 100_000_000) {
            System.err.println("bench nfvnice: --rate " + rate + " is out of range 1000..100000000 pps");
            return 2;
        }
        List<NfvniceBench.Topology> topologies = new java.util.ArrayList<>();
        for (String name : only) {
            var t = java.util.Arrays.stream(NfvniceBench.Topology.values()).filter(x -> x.key.equals(name)).findFirst();
            if (t.isEmpty()) {
                System.err.println("bench nfvnice: --only " + name + " is not a case; the cases are chain, separate, isolation");
                return 2;
            }
            topologies.add(t.get());
        }
        List<NfvniceBench.Mode> chosenModes = new java.util.ArrayList<>();
        for (String name : modes) {
            var m = java.util.Arrays.stream(NfvniceBench.Mode.values()).filter(x -> x.key.equals(name)).findFirst();
            if (m.isEmpty()) {
                System.err.println("bench nfvnice: --modes " + name + " is not a mode; the modes are kernel, kernel_batch,"
                        + " kernel_rr, shares, shares_backpressure, shares_backpressure_ecn");
                return 2;
            }
            chosenModes.add(m.get());
        }
        NfvniceBench.Settings defaults = NfvniceBench.Settings.standard(chosen);
        NfvniceBench.Settings s = new NfvniceBench.Settings(work.stream().mapToLong(Long::longValue).toArray(), rate,
                chosen, defaults.warmupMillis(), defaults.windowMillis(), topologies, chosenModes);
        if (seconds < 2 || seconds > 60) {
            System.err.println("bench nfvnice: --seconds " + seconds + " is out of range 2..60");
            return 2;
        }
        List<NfvniceBench.Run> runs = NfvniceBench.run(s, System.err);
        List<NfvniceIsolation.Result> isolation = topologies.contains(NfvniceBench.Topology.ISOLATION)
                ? NfvniceIsolation.run(chosenModes, chosen, seconds, System.err) : List.of();
        if (!runs.isEmpty()) {
            System.out.print(NfvniceBench.table(runs, s));
        }
        if (!isolation.isEmpty()) {
            System.out.print(NfvniceIsolation.table(isolation));
        }
        if (json) {
            System.out.println(NfvniceBench.json(runs, isolation, s));
        }
        System.out.flush();
        return runs.stream().anyMatch(r -> r.error() != null) || isolation.stream().anyMatch(r -> r.error() != null) ? 1 : 0;
    }
}

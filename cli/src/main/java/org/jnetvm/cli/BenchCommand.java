package org.jnetvm.cli;

import picocli.CommandLine.Command;

/** {@code jnetvm bench ...}: reproducible speed figures, each against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and compare it with a baseline measured in the same run.",
        subcommands = {RingBenchCommand.class, ChainBenchCommand.class, NfStartBenchCommand.class, ThreadsBenchCommand.class,
                ForwardBenchCommand.class, NfsBenchCommand.class, NfvniceBenchCommand.class, SoakBenchCommand.class,
                WakeupBenchCommand.class, FlurriesBenchCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package org.jnetvm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jnetvm} command: entry point of {@code bin/jnetvm} for everything that runs on
 * the JVM. {@code setup}, {@code test} and {@code build} are handled by the shell launcher
 * before a JVM starts, and are listed here only so that {@code --help} shows them.
 */
@Command(
        name = "jnetvm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "JNetVM: network functions in Java over a zero-copy shared-memory packet pool.",
        subcommands = {
                DemoCommand.class,
                ManagerCommand.class,
                NfCommand.class,
                NfCacheCommand.class,
                BenchCommand.class,
                StatsCommand.class,
                RegionCommand.class,
                CommandLine.HelpCommand.class
        },
        footerHeading = "%nCommands run by the launcher itself:%n",
        footer = {
                "  setup   install the system packages tests and benchmarks need, reserve huge pages",
                "  test    run setup if something is missing, then the whole test suite",
                "  build   build the project (./mvnw package -DskipTests)",
                "",
                "Start with: bin/jnetvm demo"
        })
public final class JNetVm implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new JNetVm())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cl, parseResult) -> {
                    cl.getErr().println("jnetvm " + cl.getCommandName() + ": " + ex.getMessage());
                    return 1;
                });
    }
}

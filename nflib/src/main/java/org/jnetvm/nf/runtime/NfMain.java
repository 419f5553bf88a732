package org.jnetvm.nf.runtime;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.jnetvm.nf.NetworkFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of an NF process: {@code jnetvm nf NAME [options]}. The NF object is the
 * picocli command (its own {@code @Option}s), with the platform's options mixed in, so
 * {@code --help} shows both. Exit codes: 0 after a clean stop, 1 when the manager refuses
 * the NF or cannot be reached, 2 for bad options (also those its init hook refuses).
 */
public final class NfMain {
    /** Socket used when neither --manager nor JNETVM_MANAGER is given. */
    public static final String DEFAULT_SOCKET = "/tmp/jnetvm-jnetvm.sock";

    /** The options every NF takes. */
    @Command(mixinStandardHelpOptions = true)
    public static final class PlatformOptions {
        @Option(names = "--service", paramLabel = "SERVICE",
                description = "Service to serve, by name or id (default: the NF's name).")
        String service;

        @Option(names = "--instance", defaultValue = "-1", paramLabel = "ID",
                description = "Instance id to take; -1 for any free one (default).")
        int instance;

        @Option(names = "--manager", paramLabel = "SOCKET",
                description = "The manager's control socket (default: $JNETVM_MANAGER, else " + DEFAULT_SOCKET + ").")
        Path socket;

        @Option(names = "--burst", defaultValue = "32", description = "Packets per burst (default ${DEFAULT-VALUE}).")
        int burst;

        @Option(names = HOST_OPTION, defaultValue = "0", paramLabel = "N",
                description = "Run N instances of the NF in this process, each a virtual thread with its own NF slot"
                        + " (an NF host, 1.." + MAX_HOSTED + "); 0: one NF, the process's own (default).")
        int host;

        @Option(names = WAKE_THRESHOLD_OPTION, defaultValue = "1", paramLabel = "PACKETS",
                description = "With --host: wake a sleeping NF at once when its ring holds this many packets; fewer wait"
                        + " for the host's window (Flurries' batched wake-up). 1: the first packet wakes it (default).")
        int wakeThreshold;

        @Option(names = WAKE_WINDOW_OPTION, defaultValue = "1000", paramLabel = "MICROS",
                description = "With --host and a wake threshold over 1: how long a packet that found its NF asleep waits"
                        + " at most, 1..100000 (default ${DEFAULT-VALUE}).")
        long wakeWindowMicros;
    }

    /** The options of batched wake-up in an NF host (the manager adds them for {@code nfs[].wake}). */
    public static final String WAKE_THRESHOLD_OPTION = "--wake-threshold";
    public static final String WAKE_WINDOW_OPTION = "--wake-window-us";

    /** The option that makes an NF process an NF host (the manager adds it for {@code nfs[].host}). */
    public static final String HOST_OPTION = "--host";

    /** The most NFs one host runs: the region's NF slots bound it first in practice. */
    public static final int MAX_HOSTED = 65_536;

    private NfMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs an NF process; returns its exit code. */
    public static int run(String[] args) {
        NfCatalog catalog = NfCatalog.load();
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: jnetvm nf NAME [options]   (NAME --help for its options)\nNFs: "
                    + String.join(", ", catalog.names().keySet()));
            return args.length > 0 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2;
        }
        Configured configured;
        try {
            configured = configure(catalog, args[0], Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println("jnetvm nf: " + e.getMessage());
            return 2;
        } catch (CommandLine.ParameterException e) {
            System.err.println("jnetvm nf " + args[0] + ": " + e.getMessage());
            e.getCommandLine().usage(System.err);
            return 2;
        }
        if (configured.cli().isUsageHelpRequested()) {
            configured.cli().usage(System.out);
            return 0;
        }
        if (configured.cli().isVersionHelpRequested()) {
            configured.cli().printVersionHelp(System.out);
            return 0;
        }
        int hosted = configured.platform().host;
        if (hosted < 0 || hosted > MAX_HOSTED) {
            System.err.println("jnetvm nf " + args[0] + ": --host " + hosted + " is out of range 0.." + MAX_HOSTED);
            return 2;
        }
        PlatformOptions p = configured.platform();
        if (p.wakeThreshold < 1 || p.wakeWindowMicros < 1 || p.wakeWindowMicros > 100_000) {
            System.err.println("jnetvm nf " + args[0] + ": " + WAKE_THRESHOLD_OPTION + " " + p.wakeThreshold + " "
                    + WAKE_WINDOW_OPTION + " " + p.wakeWindowMicros + ": expected a threshold of 1 or more and a window"
                    + " of 1..100000 us");
            return 2;
        }
        if (hosted == 0 && p.wakeThreshold > 1) {
            System.err.println("jnetvm nf " + args[0] + ": " + WAKE_THRESHOLD_OPTION + " needs " + HOST_OPTION
                    + " N: an NF process of its own sleeps on its own doorbell, which the first packet rings");
            return 2;
        }
        if (hosted > 0) {
            String[] nfArgs = Arrays.copyOfRange(args, 1, args.length);
            Path defaultSocket = Path.of(System.getenv().getOrDefault("JNETVM_MANAGER", DEFAULT_SOCKET));
            // Every instance its own NF object, parsed from the same options: NFs keep state per instance.
            return NfHost.run(hosted, i -> i == 0 ? configured.nf() : configure(catalog, args[0], nfArgs).nf(),
                    configured.settings(defaultSocket), p.wakeThreshold, p.wakeWindowMicros * 1_000L, System.err);
        }
        return launch(configured);
    }

    /** An NF with its options parsed. */
    public record Configured(NetworkFunction nf, String name, PlatformOptions platform, CommandLine cli) {
        /** The session settings these options give, with {@code defaultSocket} when --manager is absent. */
        public NfSession.Settings settings(Path defaultSocket) {
            Path socket = platform.socket != null ? platform.socket : defaultSocket;
            return new NfSession.Settings(socket, platform.service != null ? platform.service : name,
                    platform.instance, name, platform.burst);
        }
    }

    /**
     * Makes the NF called {@code name} and parses {@code args} into it and the platform's
     * options: the one parser for NF processes and in-process NFs alike.
     *
     * @throws IllegalArgumentException       when there is no such NF
     * @throws CommandLine.ParameterException when an option is wrong
     */
    public static Configured configure(NfCatalog catalog, String name, String... args) {
        NetworkFunction nf = catalog.create(name);
        String kind = catalog.nameOf(nf);
        PlatformOptions platform = new PlatformOptions();
        CommandLine cli = new CommandLine(nf.getClass().isAnnotationPresent(Command.class) ? nf : new Plain())
                .setCommandName("jnetvm nf " + kind)
                .addMixin("platform", platform);
        cli.parseArgs(args);
        return new Configured(nf, kind, platform, cli);
    }

    private static int launch(Configured c) {
        String name = c.name();
        Path defaultSocket = Path.of(System.getenv().getOrDefault("JNETVM_MANAGER", DEFAULT_SOCKET));
        NfSession session;
        try {
            session = NfSession.open(c.nf(), c.settings(defaultSocket));
        } catch (Exception e) {
            System.err.println("jnetvm nf " + name + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            session.requestStop();
            try {
                finished.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "jnetvm-nf-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.run();
            return 0;
        } catch (IllegalArgumentException e) {
            // The NF refused its options or files in its init hook: the message says what to fix.
            System.err.println("jnetvm nf " + name + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("jnetvm nf " + name + ": " + e);
            return 1;
        } finally {
            session.close();
            finished.countDown();
        }
    }

    /** Command object for NF classes without picocli annotations. */
    @Command
    private static final class Plain implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }
}

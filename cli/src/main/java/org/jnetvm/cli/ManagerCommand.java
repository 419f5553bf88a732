package org.jnetvm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigException;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.ManagerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnetvm manager}: runs a manager until Ctrl-C (or --duration). */
@Command(name = "manager", mixinStandardHelpOptions = true,
        description = {"Run a manager (region, ports, RX/TX threads, control socket, the NFs its config lists).",
                "It creates the shared-memory region, opens the ports, starts the RX/TX threads,",
                "listen for NFs on the control socket, and start the NFs the config lists.",
                "Without --config: one generator port and an empty default chain."},
        footer = {"", "An example config with every field explained: manager/src/main/resources/org/jnetvm/manager/config/example.yaml"})
final class ManagerCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML config file.")
    Path config;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS",
            description = "Stop after this many seconds (default: run until Ctrl-C).")
    double duration;

    @Option(names = "--view", description = "Show the live view (per-NF rates, drops, queues) once a second.")
    boolean view;

    @Override
    public Integer call() throws Exception {
        ManagerConfig cfg;
        try {
            cfg = config == null ? ConfigLoader.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println("jnetvm manager: " + e.getMessage());
            return 2;
        }
        return runManager(cfg, duration, view, "jnetvm manager");
    }

    /** Starts a manager, shows the view if asked, and stops on Ctrl-C or after {@code seconds}; shared with demo. */
    static int runManager(ManagerConfig cfg, double seconds, boolean view, String title) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Manager manager = Manager.start(cfg)) {
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jnetvm-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                LiveView live = view ? new LiveView(title, System.out) : null;
                long deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
                if (!view) {
                    System.out.println(title + ": running; control socket " + cfg.controlSocket() + ", region "
                            + manager.region().path() + (seconds > 0 ? "; stopping in " + seconds + " s" : "; Ctrl-C stops"));
                }
                while (!stop.await(view ? 1000 : Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS)) {
                    if (live != null) {
                        live.show(manager.stats());
                    }
                    if (!manager.healthy()) {
                        System.err.println(title + ": a data-plane thread failed (see the log); stopping");
                        return 1;
                    }
                    if (System.nanoTime() >= deadline) {
                        break;
                    }
                }
                if (live != null) {
                    live.show(manager.stats());
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down: the hook waits for us
                }
            }
        } finally {
            stopped.countDown();
        }
        System.out.println(title + ": stopped");
        return 0;
    }
}

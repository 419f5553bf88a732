package org.jnetvm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigException;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.ApiConfig;
import org.jnetvm.manager.config.ManagerConfig;
import org.jnetvm.ops.api.ApiServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnetvm manager}: runs a manager until Ctrl-C (or --duration). */
@Command(name = "manager", mixinStandardHelpOptions = true,
        description = {"Run a manager (region, ports, RX/TX threads, control socket, the NFs its config lists).",
                "It creates the shared-memory region, opens the ports, starts the RX/TX threads,",
                "listen for NFs on the control socket, and start the NFs the config lists.",
                "It also serves the REST API, the live dashboard and Prometheus /metrics (api: in the config;",
                "http://127.0.0.1:8080/ by default).",
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

    @Option(names = "--api-port", paramLabel = "PORT",
            description = "Serve the REST API and dashboard on this port instead of api.port (0 = any free port).")
    Integer apiPort;

    @Option(names = "--no-api", description = "Do not serve the REST API, dashboard and metrics (api.enabled: false).")
    boolean noApi;

    @Override
    public Integer call() throws Exception {
        ManagerConfig cfg;
        try {
            cfg = config == null ? ConfigLoader.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println("jnetvm manager: " + e.getMessage());
            return 2;
        }
        return runManager(withApiOptions(cfg, apiPort, noApi), duration, view, "jnetvm manager");
    }

    /** {@code cfg} with the command line's --api-port and --no-api applied; shared with demo. */
    static ManagerConfig withApiOptions(ManagerConfig cfg, Integer apiPort, boolean noApi) {
        ApiConfig api = cfg.api();
        if (apiPort != null) {
            if (apiPort < 0 || apiPort > 65_535) {
                throw new CommandLine.ParameterException(new CommandLine(new ManagerCommand()),
                        "--api-port " + apiPort + " is not a TCP port; use 0..65535 (0 = any free port)");
            }
            api = new ApiConfig(api.enabled(), api.bind(), apiPort, api.token());
        }
        if (noApi) {
            api = new ApiConfig(false, api.bind(), api.port(), api.token());
        }
        return cfg.withApi(api);
    }

    /** Starts a manager, shows the view if asked, and stops on Ctrl-C or after {@code seconds}; shared with demo. */
    static int runManager(ManagerConfig cfg, double seconds, boolean view, String title) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Manager manager = Manager.start(cfg);
             ApiServer api = cfg.api().enabled() ? ApiServer.start(manager, cfg.api()) : null) {
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
                LiveView live = view ? new LiveView(title + (api != null ? "  dashboard " + api.url() : ""), System.out)
                        : null;
                long deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
                if (api != null) {
                    System.out.println(title + ": dashboard " + api.url() + "  (REST " + api.url() + "api/v1, metrics "
                            + api.url() + "metrics)");
                }
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

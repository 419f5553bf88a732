package org.jnetvm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.ManagerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnetvm demo}: the README's first command. A manager with a generator port and a chain
 * of example NFs, each its own process (basic_monitor, then simple_forward to bridge, which
 * sends packets back out of the port), and a live view once a second.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a manager, a generator port and a chain of three NF processes; show live figures.",
                "Packets go basic_monitor -> simple_forward (the default chain), which hands them to bridge by TONF;",
                "each NF is its own JVM process. The view shows per-NF rates, every hop with its rate, drops by",
                "reason, queue occupancy and the pool audit, once a second; the same live figures, the graph of",
                "hops and NF controls are on the dashboard it prints (http://127.0.0.1:8080/).",
                "Ctrl-C stops it cleanly."})
final class DemoCommand implements Callable<Integer> {
    static final String CONFIG = "/org/jnetvm/cli/demo.yaml";

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "Stop after this many seconds (default: until Ctrl-C).")
    double duration;

    @Option(names = "--rate", defaultValue = "200000", description = "Generator packets per second (default ${DEFAULT-VALUE}; 0 = as fast as possible).")
    long rate;

    @Option(names = "--in-process", description = "Run the NFs inside the manager's JVM instead of as processes.")
    boolean inProcess;

    @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the dashboard and REST API on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
    int apiPort;

    @Override
    public Integer call() throws Exception {
        String yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream(CONFIG)) {
            if (in == null) {
                throw new IOException("demo config " + CONFIG + " missing from the class path (broken build?)");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${rate}", Long.toString(rate))
                    .replace("${inProcess}", Boolean.toString(inProcess));
        }
        ManagerConfig cfg = ManagerCommand.withApiOptions(ConfigLoader.parse(yaml, "demo.yaml"), apiPort, false);
        return ManagerCommand.runManager(cfg, duration, true, "jnetvm demo");
    }
}

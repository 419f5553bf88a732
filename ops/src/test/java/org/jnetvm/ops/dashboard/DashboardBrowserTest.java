package org.jnetvm.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ApiConfig;
import org.jnetvm.manager.e2e.TestManagers;
import org.jnetvm.ops.api.ApiServer;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: Debian's headless chromium, driven by playwright-core (src/test/browser, installed
 * by {@code bin/jnetvm setup} with {@code npm ci}), loads the page while a generator port feeds a chain, and checks
 * that the charts' numbers move and match the REST counters, that the page's controls work, and saves a screenshot
 * to {@code target/dashboard.png}.
 */
class DashboardBrowserTest {
    static final int RATE = 20_000;
    static final Path BROWSER_TEST = Path.of(System.getProperty("basedir", "."), "src", "test", "browser");

    @Test
    void theDashboardShowsLiveNumbersThatMatchTheRestCounters() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium: run bin/jnetvm setup").isExecutable();
        assertThat(BROWSER_TEST.resolve("node_modules/playwright-core/package.json"))
                .as("playwright-core: run bin/jnetvm setup (npm ci in %s)", BROWSER_TEST).exists();
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 8192}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: 64}
                services:
                  - {id: 1, name: monitor}
                  - {id: 2, name: fwd}
                  - {id: 3, name: out}
                  - {id: 4, name: acct, perFlow: {idleMs: 5000}}
                chains:
                  default: [monitor, fwd]
                  named:
                    direct: [out]
                    perflow: [acct, out]
                nfs:
                  - {nf: basic_monitor, service: monitor, inProcess: true, args: [--interval, "0"]}
                  - {nf: simple_forward, service: fwd, inProcess: true, args: [--dest, out]}
                  - {nf: bridge, service: out, inProcess: true}
                  - {nf: flow_counter, service: acct, inProcess: true, instances: 4}
                flows:
                  rules:
                    - {protocol: udp, srcPort: 1030-1031, chain: perflow}
                """.formatted(RATE);
        Path screenshot = Path.of(System.getProperty("basedir", "."), "target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        try (Manager manager = TestManagers.start("browser", config);
             // events five times a second instead of once: the same page, a shorter test
             ApiServer server = ApiServer.start(manager, ApiConfig.loopbackAnyPort(), Duration.ofMillis(200))) {
            TestManagers.await("traffic", Duration.ofSeconds(20), () -> manager.stats().ports().getFirst().txPackets() > 0);
            Process node = new ProcessBuilder("node", "dashboard.test.mjs", server.url(), screenshot.toAbsolutePath().toString(),
                    Integer.toString(RATE))
                    .directory(BROWSER_TEST.toFile()).redirectErrorStream(true).start();
            try {
                boolean ended = node.waitFor(90, TimeUnit.SECONDS);
                String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                System.out.println(output);
                assertThat(ended).as("the node script ends by itself").isTrue();
                assertThat(node.exitValue()).as("node said:%n%s", output).isZero();
                assertThat(output).contains("dashboard test: ok", "lie between two REST reads", "chart grew",
                        "pause from the page", "the TONF hop fwd->out", "a flow rule's hop ports in->out",
                        "per-flow pool acct");
            } finally {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
            }
            byte[] png = Files.readAllBytes(screenshot);
            assertThat(png.length).as("screenshot size").isGreaterThan(20_000);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }
}

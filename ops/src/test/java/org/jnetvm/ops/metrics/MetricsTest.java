package org.jnetvm.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.e2e.TestManagers;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus exposition passes {@code promtool check metrics} (Debian's prometheus package, installed by
 * {@code bin/jnetvm setup}) and carries the port, service, instance and reason labels with the live counts.
 */
class MetricsTest {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void theExpositionPassesPromtoolAndCarriesEveryLabel() throws Exception {
        assertThat(PROMTOOL).as("promtool (Debian package prometheus): run bin/jnetvm setup").isExecutable();
        // "lost" has no NF: the chain's second hop counts no_instance drops, so a drop reason has a count.
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 4096}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 10000, size: 64, flows: 8}
                services:
                  - {id: 1, name: mon}
                  - {id: 2, name: lost}
                chains:
                  default: [mon, lost]
                nfs:
                  - {nf: basic_monitor, service: mon, inProcess: true, args: [--interval, "0"], instances: 2}
                """;
        try (Manager manager = TestManagers.start("metrics", config)) {
            TestManagers.await("no_instance drops", Duration.ofSeconds(20),
                    () -> manager.stats().drops().get(DropReason.NO_INSTANCE) > 100);
            String text = PrometheusText.write(manager.stats());

            Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(promtool.exitValue()).as("promtool said:%n%s%nof:%n%s", said, text).isZero();
            assertThat(said).as("lint findings").isBlank();

            assertThat(text).contains("jnetvm_port_rx_packets_total{port=\"gen0\",kind=\"generator\"} ",
                    "jnetvm_nf_rx_packets_total{service=\"mon\",instance=\"0\",slot=",
                    "jnetvm_nf_rx_packets_total{service=\"mon\",instance=\"1\",slot=",
                    "jnetvm_port_drops_total{port=\"gen0\",reason=\"malformed\"} 0",
                    "jnetvm_nf_state{service=\"mon\",instance=\"0\",slot=\"0\",nf=\"basic_monitor\",state=\"running\"} 1",
                    "jnetvm_pool_capacity_buffers 4096",
                    "jnetvm_nf_cost_seconds{service=\"mon\",instance=\"0\",slot=",
                    "jnetvm_nf_rx_refused_total{service=\"mon\"",
                    "jnetvm_nf_cpu_share{service=\"mon\"",
                    "jnetvm_chain_backpressure{chain=\"default\"} 0",
                    "jnetvm_chain_backpressure_drops_total{chain=\"default\"} 0");
            long dropped = sample(text, "jnetvm_drops_total{reason=\"no_instance\"}");
            assertThat(dropped).isGreaterThan(100);
            long byNfs = text.lines().filter(l -> l.startsWith("jnetvm_nf_drops_total{") && l.contains("reason=\"no_instance\""))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
            // (the totals and the NF rows are read one after the other while packets flow: no order between them)
            assertThat(byNfs).as("the NFs that could not hand packets on count them").isPositive();
        }
    }

    @Test
    void labelValuesAreEscaped() throws IOException, InterruptedException {
        var nf = new org.jnetvm.core.stats.StatsSnapshot.Nf(0, "we\"ird\\nf\n", 1, "svc", 0, 1, "running", 1, 1, 0, 0,
                0, 0, 0, 0, 0, 0, 0, java.util.Map.of(), 16);
        var snapshot = new org.jnetvm.core.stats.StatsSnapshot(0, java.util.List.of(nf), java.util.List.of(),
                java.util.Map.of(DropReason.NF_DROP, 0L), new org.jnetvm.core.pool.PoolAudit(1, 1, 0, 0), 16, java.util.List.of(),
                java.util.List.of(), java.util.List.of());
        String text = PrometheusText.write(snapshot);
        assertThat(text).contains("nf=\"we\\\"ird\\\\nf\\n\"");
        assertPromtoolAccepts(text);
    }

    @Test
    void aPerFlowServiceIsExportedAsItsPoolNotItsNfs() throws IOException, InterruptedException {
        var shared = new org.jnetvm.core.stats.StatsSnapshot.Nf(0, "bridge", 1, "out", 0, 1, "running", 7, 7, 0, 0,
                0, 0, 0, 0, 0, 0, 0, java.util.Map.of(), 16);
        var perFlow = new org.jnetvm.core.stats.StatsSnapshot.Nf(1, "flow_counter", 2, "acct", 0, 1, "running", 3, 3, 0, 0,
                0, 0, 0, 0, 0, 0, 0, java.util.Map.of(), 16);
        var pool = new org.jnetvm.core.stats.StatsSnapshot.FlowPool(2, "acct", 10, 3, 7, 41, 38, 2, 1);
        var snapshot = new org.jnetvm.core.stats.StatsSnapshot(0, java.util.List.of(shared, perFlow), java.util.List.of(),
                java.util.Map.of(DropReason.POOL_FULL, 2L), new org.jnetvm.core.pool.PoolAudit(1, 1, 0, 0), 16,
                java.util.List.of(), java.util.List.of(), java.util.List.of(pool));
        String text = PrometheusText.write(snapshot);
        assertThat(text).contains("jnetvm_nf_rx_packets_total{service=\"out\"").doesNotContain("service=\"acct\",instance");
        assertThat(sample(text, "jnetvm_flow_pool_activations_total{service=\"acct\"}")).isEqualTo(41);
        assertThat(sample(text, "jnetvm_flow_pool_ended_total{service=\"acct\"}")).isEqualTo(38);
        assertThat(sample(text, "jnetvm_flow_pool_full_total{service=\"acct\"}")).isEqualTo(2);
        assertThat(sample(text, "jnetvm_flow_pool_failed_total{service=\"acct\"}")).isEqualTo(1);
        assertThat(sample(text, "jnetvm_flow_pool_instances{service=\"acct\",state=\"live\"}")).isEqualTo(3);
        assertThat(sample(text, "jnetvm_flow_pool_instances{service=\"acct\",state=\"idle\"}")).isEqualTo(7);
        assertPromtoolAccepts(text);
    }

    private static void assertPromtoolAccepts(String text) throws IOException, InterruptedException {
        Path file = Files.createTempFile("jnetvm-metrics", ".txt");
        try {
            Files.writeString(file, text);
            Process promtool = new ProcessBuilder("sh", "-c", PROMTOOL + " check metrics < " + file).redirectErrorStream(true).start();
            String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(promtool.exitValue()).as(said).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long sample(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToLong(l -> Long.parseLong(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series));
    }
}

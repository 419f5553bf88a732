package org.jnetvm.bench.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The nfs bench's machinery, once, short: a real manager and a real NF process per run. */
class NfSuiteBenchTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void measuresTheBaselineAndAnNfAndReportsThemAsTableAndJson() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        NfSuiteBench.Timing timing = new NfSuiteBench.Timing(400, 1, 400);
        List<NfSuiteBench.Result> results = NfSuiteBench.run(List.of("bridge", "firewall"), List.of(64), timing,
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        String log = progress.toString(StandardCharsets.UTF_8);
        assertThat(results).hasSize(2);
        for (NfSuiteBench.Result r : results) {
            assertThat(r.error()).as(log).isNull();
            assertThat(r.mpps()).as(log).isPositive();
            assertThat(r.generatedMpps()).as("the generator offers at least what the NF takes").isGreaterThanOrEqualTo(r.mpps() * 0.9);
            assertThat(r.drops().keySet()).as("entry drops only (ring_full, or backpressure once the chain is throttled), and chain_end for what the firewall passes")
                    .isSubsetOf("ring_full", "backpressure", "chain_end");
        }
        assertThat(results.get(1).drops()).as("the firewall's last rule allows the generator's traffic").containsKey("chain_end");

        NfSuiteReport report = new NfSuiteReport(results, List.of(64), timing, Map.of(), 3.0, "test");
        assertThat(report.table()).contains("bridge (base)", "firewall", "64 B: Mpps");
        JsonNode json = new ObjectMapper().readTree(report.json());
        assertThat(json.at("/mpps/firewall/64").asDouble()).isEqualTo(Math.round(results.get(1).mpps() * 1000) / 1000.0);
        assertThat(json.at("/samples").size()).isEqualTo(2);
        assertThat(report.failedRuns()).isZero();
    }
}

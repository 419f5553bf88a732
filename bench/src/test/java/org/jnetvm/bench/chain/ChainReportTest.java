package org.jnetvm.bench.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/** The report's JSON and table from made-up results (no processes). */
class ChainReportTest {

    private static ChainReport report() {
        ChainBench.Options options = new ChainBench.Options(2, List.of("direct", "manager"),
                new CircleBench.Timing(1000, 3, 1000), true, 3000, 3, 2_000_000, "bin/jnetvm bench chain --max 2");
        List<CircleBench.Result> circles = new ArrayList<>();
        for (String hop : List.of("direct", "manager")) {
            double scale = hop.equals("direct") ? 1 : 0.5;
            circles.add(new CircleBench.Result(hop, 1, 8192, List.of(50 * scale, 40 * scale, 60 * scale), 0, Map.of(), 8192, null));
            circles.add(new CircleBench.Result(hop, 1, 128, List.of(20 * scale, 20 * scale, 20 * scale), 0, Map.of(), 128, null));
            circles.add(new CircleBench.Result(hop, 2, 8192, List.of(10 * scale, 30 * scale, 20 * scale), 3,
                    Map.of("ring_full", 3L), 8189, null));
            circles.add(CircleBench.Result.failed(hop, 2, 128, "the NF in slot 1 received no packet"));
        }
        PortChainBench.Result rtc = new PortChainBench.Result(PortChainBench.Mode.RUN_TO_COMPLETION, 2, 20_000_000,
                4_000_000, 16_000_000, Map.of("ring_full", 16_000_000L), List.of(new double[] {10, 2, 8}), null);
        return new ChainReport(options, circles, rtc, null, "absent", 12.5, "0.10 0.20 0.30",
                Map.of("own_pct", 90.0, "other_pct", 5.0, "steal_pct", 1.0));
    }

    @Test
    void jsonHasTheFiguresKeyedByChainLengthForBothHopModes() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report().json());

        assertThat(json.at("/mpps/1").asDouble()).isEqualTo(50.0);
        assertThat(json.at("/ns_per_hop/1").asDouble()).isEqualTo(20.0);
        assertThat(json.at("/mpps/2").asDouble()).isEqualTo(20.0);
        assertThat(json.at("/ns_per_hop/2").asDouble()).isEqualTo(25.0);
        assertThat(json.at("/mpps_128/1").asDouble()).isEqualTo(20.0);
        assertThat(json.at("/ns_per_hop_128/1").asDouble()).isEqualTo(50.0);
        assertThat(json.at("/mpps_128/2").isNull()).isTrue();
        assertThat(json.at("/manager_hop/mpps/1").asDouble()).isEqualTo(25.0);
        assertThat(json.at("/manager_hop/ns_per_hop_128/1").asDouble()).isEqualTo(100.0);
        assertThat(json.at("/drops/8192/2").asLong()).isEqualTo(3);
        assertThat(json.get("samples")).hasSize(8);
        assertThat(json.at("/samples/2/windows_mpps")).hasSize(3);
        assertThat(json.at("/samples/2/flagged").asBoolean()).isTrue();
        assertThat(json.at("/samples/2/bimodal").asBoolean()).isTrue();
        assertThat(json.at("/run_to_completion/mpps_in").asDouble()).isEqualTo(10.0);
        assertThat(json.at("/run_to_completion/mpps_out").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/run_to_completion/drop_pct").asDouble()).isEqualTo(80.0);
        assertThat(json.get("six_processes").isNull()).isTrue();
        assertThat(json.at("/machine/nproc").asInt()).isPositive();
        assertThat(json.at("/machine/cpu_model").asText()).isNotEmpty();
        assertThat(json.get("command").asText()).isEqualTo("bin/jnetvm bench chain --max 2");
        assertThat(json.at("/anchors/onvm_self_loop_mpps").asDouble()).isEqualTo(73.9);
        assertThat(json.at("/machine/cpu_share/other_pct").asDouble()).isEqualTo(5.0);
    }

    @Test
    void tableListsEveryWindowAndMarksDropsFailuresAndBimodalRuns() {
        ChainReport report = report();
        String table = report.table();

        assertThat(table).contains("[50.00 40.00 60.00]", "[10.00 30.00 20.00] ~", "FAILED: the NF in slot 1",
                "OpenNetVM 73.9 Mpps", "run-to-completion", "2.00x", "other programs 5 %");
        assertThat(report.flaggedRuns()).isEqualTo(4);
        assertThat(report.failedRuns()).isEqualTo(2);
    }
}

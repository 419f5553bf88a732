package org.jnetvm.bench.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/** The report from fixed numbers: medians, ratios, and the JSON line's required keys. */
class RingBenchReportTest {

    private static Map<String, Double> run(double a, double b, double c, double d) {
        return Map.of("spsc_bulk8_1core", a, "spsc_bulk32_1core", b, "spsc_bulk8_2core", c, "spsc_bulk32_2core", d);
    }

    private static RingBenchReport report() {
        RingBenchReport r = new RingBenchReport(2.6, "test");
        r.addJnetvm(run(4.0, 1.2, 11.0, 3.0));
        r.addJnetvm(run(5.0, 1.0, 12.0, 20.0)); // a slow outlier must not move the median much
        r.addJnetvm(run(4.5, 1.1, 10.0, 2.5));
        r.addDpdk(run(2.0, 1.25, 8.0, 4.0));
        r.addDpdk(run(2.2, 1.30, 7.0, 30.0));
        r.addDpdk(run(2.1, 1.35, 9.0, 5.0));
        return r;
    }

    @Test
    void mediansAndRatios() {
        RingBenchReport r = report();
        assertThat(r.jnetvmMedian("spsc_bulk32_2core")).isEqualTo(3.0);
        assertThat(r.dpdkMedian("spsc_bulk32_2core")).isEqualTo(5.0);
        assertThat(r.ratio("spsc_bulk32_2core")).isCloseTo(0.6, within(1e-12));
        assertThat(RingBenchReport.median(List.of(1.0, 4.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(RingBenchReport.target("spsc_bulk32_2core")).isEqualTo(1.0);
        assertThat(RingBenchReport.target("spsc_bulk8_1core")).isEqualTo(1.5);
    }

    @Test
    void jsonIsOneLineWithTheRequiredKeys() throws Exception {
        String json = report().json();
        assertThat(json).doesNotContain("\n");
        JsonNode root = new ObjectMapper().readTree(json);
        for (String group : List.of("jnetvm_cycles_per_elem", "dpdk_cycles_per_elem", "ratio")) {
            assertThat(root.has(group)).as(group).isTrue();
            for (String key : List.of("spsc_bulk8_1core", "spsc_bulk32_1core", "spsc_bulk8_2core", "spsc_bulk32_2core")) {
                assertThat(root.get(group).get(key).isNumber()).as(group + "." + key).isTrue();
            }
        }
        assertThat(root.get("ratio").get("spsc_bulk8_1core").asDouble()).isCloseTo(4.5 / 2.1, within(1e-3));
        assertThat(root.get("runs").get("dpdk").get("spsc_bulk32_2core")).hasSize(3);
        assertThat(root.get("tsc_ghz").asDouble()).isEqualTo(2.6);
    }

    @Test
    void withoutDpdkTheDpdkFieldsAreNull() throws Exception {
        RingBenchReport r = new RingBenchReport(2.6, "test");
        r.addJnetvm(run(4.0, 1.2, 11.0, 3.0));
        r.dpdkNote("dpdk-test not found: run bin/jnetvm setup");
        JsonNode root = new ObjectMapper().readTree(r.json());
        assertThat(root.get("jnetvm_cycles_per_elem").get("spsc_bulk32_1core").asDouble()).isEqualTo(1.2);
        assertThat(root.get("dpdk_cycles_per_elem").get("spsc_bulk32_1core").isNull()).isTrue();
        assertThat(root.get("ratio").get("spsc_bulk32_1core").isNull()).isTrue();
        assertThat(r.table()).contains("run bin/jnetvm setup");
    }
}

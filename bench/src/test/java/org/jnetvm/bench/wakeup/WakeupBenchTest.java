package org.jnetvm.bench.wakeup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wakeup bench's machinery, short: a real NF host of 16 NFs, both modes, the probe's latencies, table and JSON. */
class WakeupBenchTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void runsBothModesThroughARealHostAndReportsTableAndJson() throws Exception {
        WakeupBench.Settings s = new WakeupBench.Settings(List.of(new WakeupBench.Case(16, 5_000)), 500, 1000);
        List<WakeupBench.Run> runs = WakeupBench.run(s, System.out);
        assertThat(runs).extracting(WakeupBench.Run::mode).containsExactly("per_packet", "batched");
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.packets()).as("%s: packets through the probe", r.mode()).isPositive();
            assertThat(r.hostCpu()).as("%s: the host used some CPU", r.mode()).isPositive();
            assertThat(r.wakeupsPerPacket()).as("%s: NFs slept between packets at 300 pps each", r.mode()).isPositive();
            assertThat(r.p50Us()).isPositive().isLessThanOrEqualTo(r.p99Us());
        });
        assertThat(WakeupBench.table(runs)).contains("per_packet", "batched", "16 NFs, 5000 pps: host CPU x");
        JsonNode json = new ObjectMapper().readTree(WakeupBench.json(runs));
        assertThat(json.at("/runs/batched/16/wakeups_per_packet").asDouble())
                .isEqualTo(Math.round(runs.get(1).wakeupsPerPacket() * 1000) / 1000.0);
        assertThat(json.at("/batched/threshold").asInt()).isEqualTo(WakeupBench.BATCH_THRESHOLD);
    }
}

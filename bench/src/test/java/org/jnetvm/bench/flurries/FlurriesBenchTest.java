package org.jnetvm.bench.flurries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark's machinery, short: a real NF host of per-flow instances, every packet a new flow. */
class FlurriesBenchTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyPacketIsANewFlowOnItsOwnInstanceAndTheFiguresReachTheJson() throws Exception {
        FlurriesBench.Result r = FlurriesBench.run(new FlurriesBench.Settings(64, 2_000, 200, 500, 1000), System.out);
        assertThat(r.activations()).as("flows activated while measuring").isPositive();
        assertThat(r.activationsPerS()).as("2,000 new flows/s offered, 64 instances recycled every few ms")
                .isGreaterThan(500);
        assertThat(r.p50Us()).isPositive().isLessThanOrEqualTo(r.p99Us());
        assertThat(r.otherDrops()).as("nothing lost but for want of an instance").isZero();
        JsonNode json = new ObjectMapper().readTree(FlurriesBench.json(r));
        assertThat(json.get("activations_per_s").asLong()).isEqualTo(Math.round(r.activationsPerS()));
        assertThat(json.has("activation_p99_us")).isTrue();
        assertThat(FlurriesBench.table(r)).contains("activations/s", "pool_full/s");
    }
}

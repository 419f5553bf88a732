package org.jnetvm.bench.flurries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jnetvm.manager.Manager;
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

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theScalePartRunsTheSameNfsThreeWaysAndReportsEachInTheJson() throws Exception {
        List<FlurriesScale.Run> runs = FlurriesScale.runAll(List.of(FlurriesScale.Mode.values()), List.of(10), 300, 700,
                System.out);
        assertThat(runs).hasSize(3);
        for (FlurriesScale.Run run : runs) {
            assertThat(run.skipped()).as("%s ran", run.mode()).isNull();
            assertThat(run.mpps()).as("%s carried packets through 10 NFs to the probe", run.mode()).isPositive();
            assertThat(run.p50Us()).isPositive().isLessThanOrEqualTo(run.p99Us());
        }
        JsonNode json = new ObjectMapper().readTree(FlurriesBench.json(null, runs));
        for (FlurriesScale.Mode mode : FlurriesScale.Mode.values()) {
            FlurriesScale.Run run = runs.stream().filter(r -> r.mode() == mode).findFirst().orElseThrow();
            assertThat(json.at("/mpps/" + mode.key + "/10").asDouble()).isEqualTo(Math.round(run.mpps() * 1000) / 1000.0);
            assertThat(json.at("/p99_us/" + mode.key + "/10").asLong()).isEqualTo(Math.round(run.p99Us()));
        }
        assertThat(json.at("/hybrid_vs_fewest/10").asDouble()).isEqualTo(1.0);
        assertThat(json.has("activations_per_s")).as("no activations part was run").isFalse();
        assertThat(FlurriesScale.table(runs)).contains("hybrid Mpps", "polling Mpps", "platform_threads Mpps");
    }

    @Test
    void aScaleRunThatCannotBeMadeIsSkippedWithItsReason() throws Exception {
        FlurriesScale.Run skipped = new FlurriesScale.Run(FlurriesScale.Mode.POLLING, 50_000, 0, 0, 0, 0, "",
                "50,000 platform threads do not fit");
        FlurriesScale.Run hybrid = new FlurriesScale.Run(FlurriesScale.Mode.HYBRID, 50_000, 0.5, 10, 20, 3, "", null);
        JsonNode json = new ObjectMapper().readTree(FlurriesBench.json(null, List.of(hybrid, skipped)));
        assertThat(json.at("/mpps/polling/50000").isNull()).isTrue();
        assertThat(json.at("/skipped/polling~150000").asText()).contains("do not fit");
        assertThat(FlurriesScale.table(List.of(hybrid, skipped))).contains("skipped");
        assertThat(FlurriesScale.cannotRun(FlurriesScale.Mode.HYBRID, 1_000)).isNull();
        assertThat(FlurriesScale.cannotRun(FlurriesScale.Mode.PLATFORM_THREADS, 1_000)).isNull();
        int tooMany = 10_000_000;
        String why = Manager.openFilesLimit() < tooMany + Manager.FILES_BESIDE_NFS
                ? "ulimit -n" // each NF a control connection: a file descriptor in the manager
                : null;
        if (why != null) {
            assertThat(FlurriesScale.cannotRun(FlurriesScale.Mode.HYBRID, tooMany)).contains(why);
        }
        assertThat(FlurriesScale.cannotRun(FlurriesScale.Mode.PLATFORM_THREADS, tooMany))
                .contains(why != null ? why : "pid_max");
    }
}

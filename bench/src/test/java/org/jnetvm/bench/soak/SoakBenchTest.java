package org.jnetvm.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The soak bench, shortened: one minute at full rate, ten SIGKILLs of the victim NF, the books checked. */
class SoakBenchTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aMinuteWithTenKillsLosesNoBufferAndEveryPacketIsCounted() throws Exception {
        SoakBench.Settings s = new SoakBench.Settings(60_000, 10, 5_000, 0);
        SoakBench.Result r = SoakBench.run(s, System.out);
        System.out.print(SoakBench.table(r, s));
        assertThat(r.error()).isNull();
        assertThat(r.kills()).isEqualTo(10);
        assertThat(r.failedRestarts()).as("every kill followed by traffic through a new victim").isZero();
        assertThat(r.restartNanos()).hasSize(10);
        assertThat(r.leakedBuffers()).as("in flight once drained").isZero();
        assertThat(r.packets()).as("traffic flowed").isPositive();
        long dropped = r.drops().values().stream().mapToLong(Long::longValue).sum();
        assertThat(r.packets() + dropped).as("every generated packet out or counted").isEqualTo(r.generated());
        assertThat(r.drops()).as("killed NFs: their rings' packets (nf_dead), full rings, and the gap before the"
                        + " new victim registers (no_instance)")
                .containsKey("nf_dead");
        assertThat(r.drops().keySet()).isSubsetOf("nf_dead", "ring_full", "no_instance", "backpressure");
        assertThat(r.samples()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(r.samples()).allSatisfy(x -> assertThat(x.managerRssKib()).isPositive());

        JsonNode json = new ObjectMapper().readTree(SoakBench.json(r, s));
        assertThat(json.at("/leaked_buffers").asInt()).isZero();
        assertThat(json.at("/kills").asInt()).isEqualTo(10);
        assertThat(json.at("/restart_p99_ms").asDouble()).isPositive();
        assertThat(json.at("/rss_growth_mib_per_h").has("manager")).isTrue();
        assertThat(json.at("/rss_growth_second_half_mib_per_h").has("keeper")).as("the fit after a long warm-up").isTrue();
        assertThat(json.has("code_cache_growth_mib_per_h")).as("the JIT code cache part of the manager's growth").isTrue();
        assertThat(json.at("/drops/nf_dead").asLong()).isEqualTo(r.drops().get("nf_dead"));
    }

    @Test
    void rssGrowthIsTheLeastSquaresSlopeAfterWarmUp() {
        // 1 MiB more every 10 s after a warm-up jump: 360 MiB/h; the warm-up sample is left out.
        List<SoakBench.Sample> samples = List.of(
                new SoakBench.Sample(0, 10_000, 1, 0, 0, 0, 0, 0, 0),
                new SoakBench.Sample(10_000, 100_000, 1, 0, 0, 0, 0, 0, 0),
                new SoakBench.Sample(20_000, 101_024, 1, 0, 0, 0, 0, 0, 0),
                new SoakBench.Sample(30_000, 102_048, 1, 0, 0, 0, 0, 0, 0));
        assertThat(SoakBench.growthMibPerHour(samples, 10_000, SoakBench.Sample::managerRssKib))
                .isCloseTo(360.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(SoakBench.growthMibPerHour(samples, 10_000, SoakBench.Sample::keeperRssKib)).isZero();
        assertThat(SoakBench.growthMibPerHour(samples.subList(0, 1), 0, SoakBench.Sample::managerRssKib)).isNaN();
    }

    @Test
    void theSecondHalfFitLeavesOutAWarmUpThatLastsHalfTheRun() {
        // Growing 1 MiB every 10 s for 30 s, then flat for 30 s: the second half's slope is 0.
        List<SoakBench.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i <= 6; i++) {
            samples.add(new SoakBench.Sample(i * 10_000L, 100_000 + Math.min(i, 3) * 1024L, 1, 0, 0, 0, 0, 0, 0));
        }
        assertThat(SoakBench.secondHalfGrowthMibPerHour(samples)).containsEntry("manager", 0.0).containsEntry("keeper", 0.0);
        assertThat(SoakBench.growthMibPerHour(samples, 0, SoakBench.Sample::managerRssKib)).isPositive();
    }
}

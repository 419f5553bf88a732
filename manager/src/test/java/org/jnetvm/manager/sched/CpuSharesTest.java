package org.jnetvm.manager.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CpuSharesTest {

    @Property
    void aboveTheFloorSharesAreProportionalToWeightAndAverageNfShare(@ForAll @Size(min = 1, max = 32) double[] raw) {
        double[] weights = Arrays.stream(raw).map(w -> Math.abs(w) % 1e12 + 1e6).toArray(); // all loaded
        int[] shares = CpuShares.shares(weights);
        double sum = Arrays.stream(weights).sum();
        int n = weights.length;
        for (int i = 0; i < n; i++) {
            double exact = CpuShares.FLOOR_SHARE + n * (CpuShares.NF_SHARE - CpuShares.FLOOR_SHARE) * weights[i] / sum;
            assertThat((double) shares[i]).isCloseTo(exact, within(0.5));
            assertThat(shares[i]).isGreaterThanOrEqualTo(CpuShares.FLOOR_SHARE);
        }
        assertThat((double) Arrays.stream(shares).sum()).isCloseTo((double) n * CpuShares.NF_SHARE, within(n / 2.0 + 0.5));
    }

    @Test
    void twiceTheCostOrTheLoadOrThePriorityIsTwiceThePartAboveTheFloor() {
        double base = CpuShares.weight(1, 200_000, 100_000);
        double[] weights = {base, CpuShares.weight(1, 400_000, 100_000), CpuShares.weight(1, 200_000, 200_000),
                CpuShares.weight(2, 200_000, 100_000)};
        int[] shares = CpuShares.shares(weights);
        int floor = CpuShares.FLOOR_SHARE;
        for (int k = 1; k < 4; k++) {
            assertThat(shares[k] - floor).isCloseTo(2 * (shares[0] - floor), within(1)); // rounding
        }
    }

    @Test
    void idleNfsKeepTheFloorAndAllIdleGetTheDefault() {
        assertThat(CpuShares.shares(new double[] {0, CpuShares.weight(1, 1000, 10)}))
                .containsExactly(CpuShares.FLOOR_SHARE, CpuShares.FLOOR_SHARE + 2 * (CpuShares.NF_SHARE - CpuShares.FLOOR_SHARE));
        assertThat(CpuShares.shares(new double[] {0, 0})).containsExactly(CpuShares.NF_SHARE, CpuShares.NF_SHARE);
        assertThat(CpuShares.weight(1, 0, 1e6)).as("not measured yet").isZero();
    }

    @Property
    void onlyAMoveOfMoreThanOneThirtySecondIsWritten(@ForAll @IntRange(min = 2, max = 262_144) int old,
                                                     @ForAll @DoubleRange(min = 0.5, max = 2) double factor) {
        int now = (int) Math.round(old * factor);
        assertThat(CpuShares.changed(old, now)).isEqualTo(Math.abs(now - old) * 32L > old);
        assertThat(CpuShares.changed(0, now)).as("never written").isTrue();
    }

    @Test
    void cgroupV2WeightsFollowSystemdsMapping() {
        CpuController v2 = new CpuController(java.nio.file.Path.of("/x"), 2);
        assertThat(v2.value(2)).isEqualTo(1);
        assertThat(v2.value(262_144)).isEqualTo(10_000);
        assertThat(v2.value(1024)).isEqualTo(39);
        assertThat(new CpuController(java.nio.file.Path.of("/x"), 1).value(1)).isEqualTo(2);
    }

    @Test
    void theSharesPeriodStretchesWithThousandsOfNfsOnly() {
        long tenMs = 10_000_000L;
        assertThat(ShareScheduler.sharesPeriod(tenMs, 0)).isEqualTo(tenMs);
        assertThat(ShareScheduler.sharesPeriod(tenMs, 512)).isEqualTo(tenMs);
        assertThat(ShareScheduler.sharesPeriod(tenMs, 10_000))
                .as("10,000 NFs: 51,200 visits a second at most").isBetween(190_000_000L, 200_000_000L);
    }
}

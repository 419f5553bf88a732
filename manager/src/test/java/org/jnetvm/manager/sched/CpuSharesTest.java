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
    void sharesAreProportionalToWeightAndSumToTheCores(
            @ForAll @Size(min = 1, max = 32) double[] raw, @ForAll @IntRange(min = 1, max = 64) int cores) {
        double[] weights = Arrays.stream(raw).map(w -> Math.abs(w) % 1e12 + 1e6).toArray(); // all loaded
        int[] shares = CpuShares.shares(weights, cores);
        double sum = Arrays.stream(weights).sum();
        for (int i = 0; i < weights.length; i++) {
            double exact = cores * 1024.0 * weights[i] / sum;
            assertThat((double) shares[i]).isCloseTo(Math.clamp(exact, 2, 262_144), within(0.5 + (exact < 2 ? 2 : 0)));
        }
    }

    @Test
    void twiceTheCostOrTheLoadOrThePriorityIsTwiceTheShare() {
        double base = CpuShares.weight(1, 200_000, 100_000);
        double[] weights = {base, CpuShares.weight(1, 400_000, 100_000), CpuShares.weight(1, 200_000, 200_000),
                CpuShares.weight(2, 200_000, 100_000)};
        int[] shares = CpuShares.shares(weights, 2);
        assertThat(shares[1]).isCloseTo(2 * shares[0], within(1)); // rounding
        assertThat(shares[2]).isCloseTo(2 * shares[0], within(1)); // rounding
        assertThat(shares[3]).isCloseTo(2 * shares[0], within(1)); // rounding
        assertThat(Arrays.stream(shares).sum()).isBetween(2047, 2049);
    }

    @Test
    void idleNfsGetTheMinimumAndAllIdleGetTheDefault() {
        assertThat(CpuShares.shares(new double[] {0, CpuShares.weight(1, 1000, 10)}, 4)).containsExactly(2, 4096);
        assertThat(CpuShares.shares(new double[] {0, 0}, 4)).containsExactly(1024, 1024);
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
}

package org.jnetvm.manager.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The elastic pool's sizing, pass by pass, on a made-up clock. */
class PoolSizerTest {
    private static final long PASS = TimeUnit.MILLISECONDS.toNanos(10);

    @Test
    void asksForTheMinimumIdleThenForTheRateOfNewFlowsNeverPastTheMaximum() {
        PoolSizer sizer = new PoolSizer(4, 100);
        assertThat(sizer.decide(0, 2, 0, 0)).as("below minIdle").isEqualTo(4);
        assertThat(sizer.decide(PASS, 2, 0, 0)).as("asked, not arrived").isZero();
        for (int i = 0; i < 4; i++) {
            sizer.arrived();
        }
        // 10,000 new flows a second for a second: 100 ms of them is 1,000, capped by the maximum.
        long demand = 0;
        int asked = 0;
        int instances = 6;
        for (long t = 2 * PASS; t <= TimeUnit.SECONDS.toNanos(1); t += PASS) {
            demand += 100;
            int change = sizer.decide(t, instances, 0, demand);
            assertThat(change).isNotNegative();
            asked += change;
            assertThat(instances + sizer.pending()).isLessThanOrEqualTo(100);
        }
        assertThat(asked).isEqualTo(100 - 6);
    }

    @Test
    void givesBackIdleInstancesAboveTheTargetOnlyAfterTheyStayedIdle() {
        PoolSizer sizer = new PoolSizer(8, 500);
        long t = 0;
        assertThat(sizer.decide(t, 300, 300, 0)).isZero();
        long shrinkAfter = TimeUnit.MILLISECONDS.toNanos(PoolSizer.SHRINK_AFTER_MILLIS);
        for (t = PASS; t < shrinkAfter; t += PASS) {
            assertThat(sizer.decide(t, 300, 300, 0)).as("not yet").isZero();
        }
        assertThat(sizer.decide(shrinkAfter + PASS, 300, 300, 0)).as("down to minIdle").isEqualTo(-(300 - 8));
        assertThat(sizer.decide(shrinkAfter + 2 * PASS, 8, 8, 0)).isZero();
    }

    @Test
    void forgetsInstancesThatNeverArrived() {
        PoolSizer sizer = new PoolSizer(10, 50);
        assertThat(sizer.decide(0, 1, 0, 0)).isEqualTo(10);
        long timeout = TimeUnit.MILLISECONDS.toNanos(PoolSizer.SPAWN_TIMEOUT_MILLIS);
        assertThat(sizer.decide(timeout / 2, 1, 0, 0)).isZero();
        assertThat(sizer.decide(timeout + PASS, 1, 0, 0)).as("asked again").isEqualTo(10);
    }
}

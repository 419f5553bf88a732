package org.jnetvm.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QuiescenceTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aManagerThreadPassesByLoopingOrBySleepingOnItsDoorbell() throws Exception {
        try (Region region = Region.create(TestRegions.small("grace").nfSlots(2).threadCount(2).build())) {
            ThreadTable threads = new ThreadTable(region);
            threads.open(0, ThreadDescriptor.KIND_TX, "tx0");
            threads.loopCount(0, 7);
            Quiescence grace = new Quiescence(region).begin(-1, -1);
            assertThat(grace.passed()).as("awake, still in the loop it was in").isFalse();
            threads.loopCount(0, 8);
            assertThat(grace.passed()).as("a new loop").isTrue();

            grace.begin(-1, -1);
            assertThat(grace.passed()).isFalse();
            Doorbell doorbell = new Doorbell(region.segment(), threads.doorbellOffset(0));
            Thread sleeper = Thread.ofPlatform().start(() -> doorbell.sleep(() -> false, TimeUnit.SECONDS.toNanos(30)));
            while (!threads.sleeping(0)) {
                Thread.onSpinWait();
            }
            assertThat(threads.loopCount(0)).isEqualTo(8);
            assertThat(grace.passed()).as("asleep on its doorbell: between loops").isTrue();
            doorbell.ring();
            sleeper.join();
            assertThat(threads.sleeping(0)).isFalse();
            assertThat(grace.begin(-1, -1).passed()).as("awake again, same loop count").isFalse();
        }
    }
}

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

    @Test
    void theNfsOfADeadProcessAreNotWaitedFor() {
        try (Region region = Region.create(TestRegions.small("gracepid").nfSlots(3).threadCount(1).build())) {
            NfTable nfs = new NfTable(region);
            nfs.claim(0, 1, 0, 4242, "hosted-a");
            nfs.claim(1, 1, 1, 4242, "hosted-b");
            nfs.claim(2, 1, 2, 777, "other");
            for (int s = 0; s < 3; s++) {
                nfs.state(s, NfState.RUNNING);
            }
            Quiescence grace = new Quiescence(region).begin(0, -1, 4242);
            assertThat(grace.watched(1)).as("same dead process").isFalse();
            assertThat(grace.watched(2)).isTrue();
            assertThat(grace.passed()).as("the live NF has not looped").isFalse();
            nfs.loopCount(2, nfs.loopCount(2) + 1);
            assertThat(grace.passed()).isTrue();
            assertThat(new Quiescence(region).begin(0, -1).watched(1)).as("without a dead pid").isTrue();
        }
    }
}

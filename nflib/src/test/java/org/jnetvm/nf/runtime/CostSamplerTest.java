package org.jnetvm.nf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CostSamplerTest {

    @Property
    void aValueFallsInABucketWhoseBoundsHoldIt(@ForAll @LongRange(min = 4, max = 1L << 39) long picos) {
        int b = CostSampler.bucket(picos);
        assertThat(CostSampler.lowerBound(b)).isLessThanOrEqualTo(picos);
        assertThat(CostSampler.lowerBound(b + 1)).isGreaterThan(picos);
        assertThat((double) CostSampler.lowerBound(b + 1) / CostSampler.lowerBound(b))
                .as("a quarter octave").isLessThanOrEqualTo(1.25);
    }

    @Test
    void oneBurstInSixtyFourIsTimed() {
        CostSampler sampler = new CostSampler();
        int timed = 0;
        for (int i = 0; i < 64 * 100; i++) {
            timed += sampler.sampleNext() ? 1 : 0;
        }
        assertThat(timed).isEqualTo(100);
    }

    @Test
    void theMedianIgnoresASlowBurstAndFollowsAChangeOfCost() {
        CostSampler sampler = new CostSampler();
        assertThat(sampler.medianPicos()).isZero();
        for (int i = 0; i < 100; i++) {
            sampler.record(32 * 200, 32); // 200 ns a packet
        }
        sampler.record(1_000_000, 32); // one preempted burst: 31 us a packet
        long median = sampler.medianPicos();
        assertThat(median).isBetween(180_000L, 220_000L);

        long after = 0;
        for (int i = 0; i < 4 * CostSampler.WINDOW; i++) {
            after = sampler.record(32 * 1000, 32); // the NF's work grew to 1 us a packet
        }
        assertThat(after).isBetween(900_000L, 1_100_000L);
    }
}

package org.jnetvm.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FlowLeaseTest {

    @Property
    void aLeaseGivesBackItsSlotAndGeneration(@ForAll @IntRange(min = 0, max = FlowLease.MAX_SLOT) int slot,
                                             @ForAll @IntRange(min = 0, max = 100_000) int generation) {
        int lease = FlowLease.of(slot, generation);
        assertThat(lease).isNotEqualTo(FlowLease.NONE);
        assertThat(FlowLease.slot(lease)).isEqualTo(slot);
        assertThat(FlowLease.generation(lease)).isEqualTo(generation % FlowLease.GENERATIONS);
    }

    @Property
    void generationsCompareAroundTheCircle(@ForAll @IntRange(min = 0, max = 4095) int current,
                                           @ForAll @IntRange(min = 1, max = 2047) int ahead) {
        int later = (current + ahead) % FlowLease.GENERATIONS;
        assertThat(FlowLease.compare(later, current)).isEqualTo(ahead);
        assertThat(FlowLease.compare(current, later)).isEqualTo(-ahead);
        assertThat(FlowLease.compare(current, current)).isZero();
        assertThat(FlowLease.next(FlowLease.GENERATIONS - 1)).isZero();
    }

    @Test
    void noLeaseHasNoSlotAndASlotOutOfRangeIsRefused() {
        assertThat(FlowLease.slot(FlowLease.NONE)).isEqualTo(-1);
        assertThat(FlowLease.describe(FlowLease.NONE)).isEqualTo("none");
        assertThat(FlowLease.describe(FlowLease.of(12, 3))).isEqualTo("slot 12, flow 3");
        assertThatThrownBy(() -> FlowLease.of(FlowLease.MAX_SLOT + 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of a lease's range");
    }
}

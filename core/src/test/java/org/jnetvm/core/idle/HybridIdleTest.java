package org.jnetvm.core.idle;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The poll-then-sleep policy adapts its polling budget to how long its sleeps turn out. */
class HybridIdleTest {

    @Test
    void polls_its_budget_then_sleeps_and_long_sleeps_shrink_the_budget() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Doorbell.LENGTH, 128);
            Doorbell.format(word, 0);
            HybridIdle idle = new HybridIdle(new Doorbell(word, 0), () -> false, 2_000_000); // 2 ms: a "long" sleep
            int budget = idle.pollBudget();
            int polls = 0;
            while (!idle.idle(0)) {
                polls++;
            }
            assertThat(polls).as("empty polls before the first sleep").isEqualTo(budget - 1);
            assertThat(idle.pollBudget()).as("a sleep that lasted its whole timeout halves the budget").isEqualTo(budget / 2);
            for (int i = 0; i < 20; i++) {
                while (!idle.idle(0)) {
                    // poll down to the next sleep
                }
            }
            assertThat(idle.pollBudget()).isEqualTo(HybridIdle.MIN_BUDGET);
        }
    }
}

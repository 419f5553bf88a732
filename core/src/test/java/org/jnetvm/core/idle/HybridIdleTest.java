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

    @Test
    void a_hosted_nf_polls_a_few_times_then_sleeps_and_does_not_adapt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Doorbell.LENGTH, 128);
            Doorbell.format(word, 0);
            Doorbell bell = new Doorbell(word, 0);
            bell.parkInstead(); // as a hosted NF does: a park, not a futex-wait
            HybridIdle idle = HybridIdle.hosted(bell, () -> false, 200_000); // 0.2 ms: a "short" sleep
            for (int round = 0; round < 5; round++) {
                idle.idle(1); // the packet it was woken for
                int polls = 0;
                while (!idle.idle(0)) {
                    polls++;
                }
                assertThat(polls).as("round %d: empty polls before the sleep", round).isEqualTo(HybridIdle.HOSTED_POLLS - 1);
            }
            assertThat(idle.pollBudget()).as("short sleeps do not make a hosted NF poll longer")
                    .isEqualTo(HybridIdle.HOSTED_POLLS);
            assertThat(idle.sleeps()).isEqualTo(5);
            // Each of those sleeps ran to its timeout: with nothing found since, the next empty look sleeps at once.
            assertThat(idle.idle(0)).as("woken by its timeout, it sleeps again without polling").isTrue();
            assertThat(idle.sleeps()).isEqualTo(6);
        }
    }

    @Test
    void work_found_right_after_arming_skips_the_sleep() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Doorbell.LENGTH, 128);
            Doorbell.format(word, 0);
            AtomicBoolean work = new AtomicBoolean(true);
            HybridIdle idle = new HybridIdle(new Doorbell(word, 0), work::get, 1_000_000_000L);
            for (int i = 0; i < 3 * idle.pollBudget(); i++) {
                assertThat(idle.idle(0)).as("work appeared while arming: no sleep").isFalse();
            }
            assertThat(idle.sleeps()).isZero();
            assertThat(word.get(java.lang.foreign.ValueLayout.JAVA_INT, Doorbell.STATE_OFFSET))
                    .as("the doorbell is left awake").isEqualTo(Doorbell.AWAKE);
        }
    }

    @Test
    void short_sleeps_grow_the_budget_long_ones_shrink_it_within_bounds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Doorbell.LENGTH, 128);
            HybridIdle idle = new HybridIdle(new Doorbell(word, 0), () -> false, 1_000_000);
            int budget = idle.pollBudget();
            idle.adapt(10_000);          // woken after 10 µs: polling longer would have caught it
            assertThat(idle.pollBudget()).isEqualTo(budget * 2);
            idle.adapt(200_000);         // in between: keep
            assertThat(idle.pollBudget()).isEqualTo(budget * 2);
            idle.adapt(5_000_000);       // 5 ms of silence: sleep sooner next time
            assertThat(idle.pollBudget()).isEqualTo(budget);
            for (int i = 0; i < 40; i++) {
                idle.adapt(1_000);
            }
            assertThat(idle.pollBudget()).isEqualTo(HybridIdle.MAX_BUDGET);
            for (int i = 0; i < 40; i++) {
                idle.adapt(50_000_000);
            }
            assertThat(idle.pollBudget()).isEqualTo(HybridIdle.MIN_BUDGET);
        }
    }
}

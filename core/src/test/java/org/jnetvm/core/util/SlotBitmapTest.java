package org.jnetvm.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SlotBitmapTest {

    @Test
    void drainVisitsTheSetSlotsOnceLowestFirstAndLeavesItClear() {
        try (Arena arena = Arena.ofConfined()) {
            int slots = 200;
            MemorySegment memory = arena.allocate(64 + SlotBitmap.length(slots), 64);
            assertThat(SlotBitmap.words(slots)).isEqualTo(4);
            assertThat(SlotBitmap.any(memory, 64, 4)).isFalse();
            for (int slot : new int[] {199, 0, 63, 64, 130, 63}) {
                SlotBitmap.set(memory, 64, slot);
            }
            assertThat(memory.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).as("nothing written before the base").isZero();
            assertThat(SlotBitmap.any(memory, 64, 4)).isTrue();
            List<Integer> visited = new ArrayList<>();
            assertThat(SlotBitmap.drain(memory, 64, 4, visited::add)).isEqualTo(5);
            assertThat(visited).containsExactly(0, 63, 64, 130, 199);
            assertThat(SlotBitmap.any(memory, 64, 4)).isFalse();
            SlotBitmap.set(memory, 64, 5);
            SlotBitmap.clear(memory, 64, 4);
            assertThat(SlotBitmap.drain(memory, 64, 4, visited::add)).isZero();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBitSetWhileTheConsumerDrainsIsVisitedByTheNextDrain() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            int slots = 128;
            int words = SlotBitmap.words(slots);
            MemorySegment memory = arena.allocate(SlotBitmap.length(slots), 64);
            AtomicIntegerArray visits = new AtomicIntegerArray(slots);
            int rounds = 20_000;
            Thread[] producers = new Thread[4];
            for (int p = 0; p < producers.length; p++) {
                int slot = 1 + p * 37;
                // Sets its bit, then waits for the visit before setting it again: a lost bit hangs it (the timeout).
                producers[p] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < rounds; i++) {
                        SlotBitmap.set(memory, 0, slot);
                        while (visits.get(slot) <= i) {
                            Thread.yield();
                        }
                    }
                });
            }
            while (Arrays.stream(producers).anyMatch(Thread::isAlive)) {
                SlotBitmap.drain(memory, 0, words, visits::incrementAndGet);
                Thread.yield();
            }
            for (Thread t : producers) {
                t.join();
            }
            for (int p = 0; p < producers.length; p++) {
                assertThat(visits.get(1 + p * 37)).as("visits of producer %d's slot", p).isEqualTo(rounds);
            }
            assertThat(SlotBitmap.any(memory, 0, words)).isFalse();
        }
    }
}

package org.jnetvm.core.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an MPMC ring lets the manager repair after a producer or consumer was killed between its
 * claiming CAS and its slot stores. The dead party is played by writing its half-done state into
 * the ring's memory directly: a claim is a move of a position, a publish one slot word.
 * ReclaimerKillTest kills real processes.
 */
class MpmcRingRecoveryTest {
    private static final int CAPACITY = 8;
    private static final long JOURNAL = 0;
    private static final long COUNT = 8;
    private static final long INTO = 64;
    private static final long RING = 1024;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment memory = arena.allocate(RING + 4096, 64);
    private final MpmcRing ring = MpmcRing.format(memory, RING, CAPACITY);

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void slotsADeadConsumerClaimedButNeverReleasedAreFreedAndTheRingFillsAgain() {
        assertThat(ring.enqueueBulk(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8)).isEqualTo(8);
        // A consumer claims 1..3 (its CAS on the consumer position) and dies before releasing them.
        memory.set(JAVA_INT, RING + RingDescriptor.CONSUMER_POSITION_OFFSET, 3);
        assertThat(ring.enqueueBulk(new int[] {9}, 0, 1)).as("the next lap's slot still says full").isZero();

        int limit = ring.consumerPosition();
        assertThat(ring.releaseAbandonedBelow(limit)).isEqualTo(3);
        assertThat(ring.releaseAbandonedBelow(limit)).as("idempotent").isZero();
        assertThat(ring.enqueueBulk(new int[] {9, 10, 11}, 0, 3)).isEqualTo(3);
        assertThat(drain()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void aDeadConsumersClaimThatItsCountDoesNotCoverIsRecognisedWhileItsSlotsAreUnreleased() {
        assertThat(ring.enqueueBulk(new int[] {1, 2, 3, 4}, 0, 4)).isEqualTo(4);
        memory.set(JAVA_INT, COUNT, 5);
        assertThat(ring.dequeueBurstInto(INTO, 2, COUNT, 5, JOURNAL)).isEqualTo(2);
        assertThat(memory.get(JAVA_LONG, JOURNAL)).as("idle once the count is stored").isZero();
        // It claims 3 and 4 (the CAS) and dies before storing its count and releasing them: its journal says taking.
        long journal = MpmcRing.journal(MpmcRing.JOURNAL_TAKING, 7 | 2 << 15, 2);
        memory.set(JAVA_INT, RING + RingDescriptor.CONSUMER_POSITION_OFFSET, 4);
        assertThat(ring.settleDeadConsumer(journal)).as("claimed, unreleased").isTrue();
        assertThat(ring.settleDeadConsumer(MpmcRing.journal(MpmcRing.JOURNAL_TAKING, 7, 4)))
                .as("a position the consumer position has not passed").isFalse();
        int limit = ring.consumerPosition();
        assertThat(ring.releaseAbandonedBelow(limit)).isEqualTo(2);
        assertThat(ring.settleDeadConsumer(journal)).as("released: another consumer's claim").isFalse();
    }

    @Test
    void aJournaledEnqueueSaysClaimedWithItsTagAndPosition() {
        assertThat(ring.enqueueBulk(new int[] {1, 2}, 0, 2)).isEqualTo(2);
        assertThat(ring.enqueueBulkJournaled(new int[] {3, 4, 5}, 0, 3, JOURNAL, 12345)).isEqualTo(3);
        long word = memory.get(JAVA_LONG, JOURNAL);
        assertThat(MpmcRing.journalState(word)).isEqualTo(MpmcRing.JOURNAL_CLAIMED);
        assertThat(MpmcRing.journalTag(word)).isEqualTo(12345);
        assertThat((int) word).as("claimed from position 2").isEqualTo(2);
        assertThatThrownBy(() -> ring.enqueueBulkJournaled(new int[] {6}, 0, 1, JOURNAL, -1))
                .hasMessageContaining("journal tag -1");
    }

    @Test
    void aDeadProducersClaimedButUnpublishedSlotsGetItsValues() {
        assertThat(ring.enqueueBulk(new int[] {1}, 0, 1)).isEqualTo(1);
        // It claims 3 slots from position 1 (says so in its journal), publishes the first, dies.
        int position = ring.producerPosition();
        long journal = MpmcRing.journal(MpmcRing.JOURNAL_CLAIMED, 7, position);
        memory.set(JAVA_INT, RING + RingDescriptor.PRODUCER_POSITION_OFFSET, position + 3);
        publish(position, 20);

        assertThat(ring.settleDeadProducer(journal, new int[] {20, 21, 22}, 3, 1_000_000)).isTrue();
        assertThat(drain()).containsExactly(1, 20, 21, 22);
    }

    @Test
    void anIntentWithoutAClaimLeavesTheEntriesWithTheCaller() {
        int position = ring.producerPosition();
        long journal = MpmcRing.journal(MpmcRing.JOURNAL_INTENT, 7, position);
        assertThat(ring.settleDeadProducer(journal, new int[] {20, 21}, 2, 1_000_000)).isFalse();
        assertThat(ring.size()).isZero();

        // Another producer won that position and published: the dead one's CAS failed.
        assertThat(ring.enqueueBulk(new int[] {5, 6}, 0, 2)).isEqualTo(2);
        assertThat(ring.settleDeadProducer(journal, new int[] {20, 21}, 2, 1_000_000)).isFalse();
        assertThat(drain()).containsExactly(5, 6);
        assertThat(ring.settleDeadProducer(0L, new int[] {20}, 1, 1_000_000)).as("idle").isFalse();
    }

    @Test
    void anIntentWhoseSlotStaysClaimedAndUnpublishedWasTheDeadProducersClaim() {
        int position = ring.producerPosition();
        long journal = MpmcRing.journal(MpmcRing.JOURNAL_INTENT, 7, position);
        memory.set(JAVA_INT, RING + RingDescriptor.PRODUCER_POSITION_OFFSET, position + 2); // won, died at once
        assertThat(ring.settleDeadProducer(journal, new int[] {20, 21}, 2, 1_000_000)).isTrue();
        assertThat(drain()).containsExactly(20, 21);
    }

    @Test
    void aDequeueIntoMemoryStoresTheCountRightAfterItsClaim() {
        assertThat(ring.enqueueBulk(new int[] {1, 2, 3}, 0, 3)).isEqualTo(3);
        memory.set(JAVA_INT, COUNT, 5);
        assertThat(ring.dequeueBurstInto(INTO, 8, COUNT, 5)).isEqualTo(3);
        assertThat(memory.get(JAVA_INT, COUNT)).isEqualTo(8);
        assertThat(new int[] {memory.get(JAVA_INT, INTO), memory.get(JAVA_INT, INTO + 4), memory.get(JAVA_INT, INTO + 8)})
                .containsExactly(1, 2, 3);
        assertThat(ring.dequeueBurstInto(INTO, 8, COUNT, 0)).as("empty: the count is left alone").isZero();
        assertThat(memory.get(JAVA_INT, COUNT)).isEqualTo(8);
    }

    private void publish(int position, int value) {
        long slot = RING + RingDescriptor.ENTRIES_OFFSET + (long) (position & (CAPACITY - 1)) * RingDescriptor.MPMC_ENTRY_SIZE;
        memory.set(JAVA_LONG, slot, (long) (position + 1) << 32 | value);
    }

    private java.util.List<Integer> drain() {
        int[] out = new int[CAPACITY];
        int n = ring.dequeueBurst(out, 0, CAPACITY);
        return java.util.Arrays.stream(out, 0, n).boxed().toList();
    }
}

package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.util.Align;

/**
 * Layout of one per-thread pool cache slot in the region's POOL_CACHES area. The cache's
 * contents live in shared memory, not on the owner's heap, so that an audit from any process
 * can count them and the manager can return them to the pool when the owner dies.
 *
 * <pre>
 *   0            8               16         20          24                 32              40            128
 *   +------------+---------------+----------+-----------+------------------+---------------+-------------+--------------------------+
 *   | owner pid  | owner thread  | count    | drop      | spill journal    | drop counters | (reserved)  | entries:                 |
 *   | 0 = free   | id            |          | pending   | MpmcRing journal | address of    |             | int[2 * capacity]        |
 *   | CAS claims | informative   | one word, release-   | tag: n | base    | the owner's   |             | only the owner touches   |
 *   |            |               | stored as a whole    |                  | block         |             |                          |
 *   +------------+---------------+----------------------+------------------+---------------+-------------+--------------------------+
 * </pre>
 * (count is the word's low half: offset 16 on a little-endian machine, 20 on a big-endian one.)
 *
 * <p>The journal is the free ring's producer journal ({@link MpmcRing#enqueueBulkJournaled}) for a
 * spill in progress, its tag the spill's size and its first entry ({@code base}, the count once the
 * spill has given them up), or its consumer journal for a refill in progress (taking: the number
 * claimed and the count before). Idle (0) between them.
 *
 * <p>Drop pending: a free of dropped buffers ({@link PoolCache#freeDropped}) raises the count and
 * names the drop in the same store, then adds it to the owner's drop counter, then clears it; so a
 * manager finding a dead owner's pending drop knows those buffers are counted in the cache, and
 * adds them to the counter unless the counter already shows the value the drop names:
 * <pre>
 *   bit 31     30..26    25..15       14..0
 *   +--------+---------+------------+--------------------------------------+
 *   | armed  | reason  | n (< 2048) | the counter's value after, low bits  |
 *   +--------+---------+------------+--------------------------------------+
 * </pre>
 */
public final class PoolCacheDescriptor {
    public static final int OWNER_PID_OFFSET = 0;
    public static final int OWNER_THREAD_OFFSET = 8;
    /** The count and a drop pending, one long stored as a whole. */
    public static final int COUNT_WORD_OFFSET = 16;
    /** The count alone: the count word's low half. */
    public static final int COUNT_OFFSET =
            COUNT_WORD_OFFSET + (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : Integer.BYTES);
    public static final int SPILL_JOURNAL_OFFSET = 24;
    /** Where the owner's drop counters start (one long per {@code DropReason}), for a drop pending at its death. */
    public static final int DROP_COUNTERS_OFFSET = 32;
    /** The most buffers one pending drop names. */
    public static final int DROP_MAX = (1 << 11) - 1;
    public static final int ENTRIES_OFFSET = Align.FALSE_SHARING_PAD;

    private static final int SPILL_FIELD_BITS = 15;
    private static final int SPILL_FIELD_MASK = (1 << SPILL_FIELD_BITS) - 1;

    private PoolCacheDescriptor() {
    }

    /** Slots of entries for a cache of {@code capacity}: it refills up to capacity + a request. */
    public static int entrySlots(int capacity) {
        return 2 * capacity;
    }

    public static long slotLength(int capacity) {
        return Align.up(ENTRIES_OFFSET + (long) entrySlots(capacity) * Integer.BYTES, Align.FALSE_SHARING_PAD);
    }

    /** The journal tag of a spill of {@code count} entries from entry {@code base} on (both below 2^15). */
    public static int spillTag(int count, int base) {
        return count << SPILL_FIELD_BITS | base;
    }

    /** The number of entries of the spill a journal word describes. */
    public static int spillCount(long journal) {
        return MpmcRing.journalTag(journal) >>> SPILL_FIELD_BITS & SPILL_FIELD_MASK;
    }

    /** The first entry of the spill a journal word describes. */
    public static int spillBase(long journal) {
        return MpmcRing.journalTag(journal) & SPILL_FIELD_MASK;
    }

    private static final int DROP_ARMED = 1 << 31;
    private static final int DROP_EXPECTED_MASK = (1 << 15) - 1;

    /** The count word of {@code count} buffers and {@code dropPending} ({@link #dropPending}, or 0 for none). */
    public static long countWord(int count, int dropPending) {
        return (long) dropPending << 32 | (count & 0xFFFF_FFFFL);
    }

    /** The count a count word holds. */
    public static int count(long countWord) {
        return (int) countWord;
    }

    /** The drop pending a count word holds, 0 if none. */
    public static int dropPending(long countWord) {
        return (int) (countWord >>> 32);
    }

    /** A pending drop of {@code n} (1..{@link #DROP_MAX}) under reason {@code reason} that makes the counter {@code after}. */
    public static int dropPending(int reason, int n, long after) {
        return DROP_ARMED | (reason & 31) << 26 | (n & DROP_MAX) << 15 | (int) (after & DROP_EXPECTED_MASK);
    }

    public static boolean dropArmed(int pending) {
        return (pending & DROP_ARMED) != 0;
    }

    public static int dropReason(int pending) {
        return pending >>> 26 & 31;
    }

    public static int dropCount(int pending) {
        return pending >>> 15 & DROP_MAX;
    }

    /** Whether a counter at {@code value} already holds the pending drop (its single writer added it). */
    public static boolean dropCounted(int pending, long value) {
        return (value & DROP_EXPECTED_MASK) == (pending & DROP_EXPECTED_MASK);
    }

    /** Marks the slot at {@code offset} free and empty. */
    public static void format(MemorySegment segment, long offset) {
        segment.set(JAVA_LONG, offset + OWNER_PID_OFFSET, 0L);
        segment.set(JAVA_LONG, offset + OWNER_THREAD_OFFSET, 0L);
        segment.set(JAVA_LONG, offset + COUNT_WORD_OFFSET, 0L);
        segment.set(JAVA_LONG, offset + SPILL_JOURNAL_OFFSET, MpmcRing.JOURNAL_IDLE);
        segment.set(JAVA_LONG, offset + DROP_COUNTERS_OFFSET, -1L);
    }
}

package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.util.Align;

/**
 * Layout of one per-thread pool cache slot in the region's POOL_CACHES area. The cache's
 * contents live in shared memory, not on the owner's heap, so that an audit from any process
 * can count them and the manager can return them to the pool when the owner dies.
 *
 * <pre>
 *   0            8               16         20          24                 32            128
 *   +------------+---------------+----------+-----------+------------------+-------------+----------------------------+
 *   | owner pid  | owner thread  | count    | (pad)     | spill journal    | (reserved)  | entries: int[2 * capacity] |
 *   | 0 = free   | id            | release- |           | MpmcRing journal |             | only the owner touches     |
 *   | CAS claims | informative   | stored   |           | tag: n | base    |             |                            |
 *   +------------+---------------+----------+-----------+------------------+-------------+----------------------------+
 * </pre>
 *
 * <p>The journal is the free ring's producer journal ({@link MpmcRing#enqueueBulkJournaled}) for a
 * spill in progress, its tag the spill's size and its first entry ({@code base}, the count once the
 * spill has given them up), or its consumer journal for a refill in progress (taking: the number
 * claimed and the count before). Idle (0) between them.
 */
public final class PoolCacheDescriptor {
    public static final int OWNER_PID_OFFSET = 0;
    public static final int OWNER_THREAD_OFFSET = 8;
    public static final int COUNT_OFFSET = 16;
    public static final int SPILL_JOURNAL_OFFSET = 24;
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

    /** Marks the slot at {@code offset} free and empty. */
    public static void format(MemorySegment segment, long offset) {
        segment.set(JAVA_LONG, offset + OWNER_PID_OFFSET, 0L);
        segment.set(JAVA_LONG, offset + OWNER_THREAD_OFFSET, 0L);
        segment.set(JAVA_INT, offset + COUNT_OFFSET, 0);
        segment.set(JAVA_LONG, offset + SPILL_JOURNAL_OFFSET, MpmcRing.JOURNAL_IDLE);
    }
}

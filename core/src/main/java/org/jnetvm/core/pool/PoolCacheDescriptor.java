package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.util.Align;

/**
 * Layout of one per-thread pool cache slot in the region's POOL_CACHES area. The cache's
 * contents live in shared memory, not on the owner's heap, so that an audit from any process
 * can count them and the manager can return them to the pool when the owner dies.
 *
 * <pre>
 *   0            8               16         20                       128
 *   +------------+---------------+----------+------------------------+----------------------------+
 *   | owner pid  | owner thread  | count    | (reserved)             | entries: int[2 * capacity] |
 *   | 0 = free   | id            | release- |                        | only the owner touches     |
 *   | CAS claims | informative   | stored   |                        |                            |
 *   +------------+---------------+----------+------------------------+----------------------------+
 * </pre>
 */
public final class PoolCacheDescriptor {
    public static final int OWNER_PID_OFFSET = 0;
    public static final int OWNER_THREAD_OFFSET = 8;
    public static final int COUNT_OFFSET = 16;
    public static final int ENTRIES_OFFSET = Align.FALSE_SHARING_PAD;

    private PoolCacheDescriptor() {
    }

    /** Slots of entries for a cache of {@code capacity}: it refills up to capacity + a request. */
    public static int entrySlots(int capacity) {
        return 2 * capacity;
    }

    public static long slotLength(int capacity) {
        return Align.up(ENTRIES_OFFSET + (long) entrySlots(capacity) * Integer.BYTES, Align.FALSE_SHARING_PAD);
    }

    /** Marks the slot at {@code offset} free and empty. */
    public static void format(MemorySegment segment, long offset) {
        segment.set(JAVA_LONG, offset + OWNER_PID_OFFSET, 0L);
        segment.set(JAVA_LONG, offset + OWNER_THREAD_OFFSET, 0L);
        segment.set(JAVA_INT, offset + COUNT_OFFSET, 0);
    }
}

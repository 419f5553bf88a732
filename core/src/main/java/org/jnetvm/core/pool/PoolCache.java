package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.ring.MpmcRing;

/**
 * One thread's cache of free buffers, kept in a slot of shared memory
 * ({@link PoolCacheDescriptor}). Allocation takes from the top of the cache and refills it
 * from the free ring in one burst when it runs low; freeing pushes onto the cache and spills
 * back to the ring in one burst past 1.5 × capacity (DPDK's mempool cache policy). Freshly
 * freed buffers are reused first, while they are still in the CPU cache.
 *
 * <p>An uncached one ({@link PacketPool#uncached()}) has no slot and keeps nothing: every alloc and
 * free goes to the free ring in one bulk operation. What the thousands of NFs in small NF slots use,
 * which would otherwise each hold a slot of the bounded POOL_CACHES area and up to 1.5 x capacity
 * buffers apiece.
 *
 * <p>Not thread-safe: exactly one thread uses a cache. Close it to return its buffers.
 */
public final class PoolCache implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final PacketPool pool;
    private final MpmcRing freeRing;
    private final MemorySegment segment;
    private final long slot;
    private final long entries;
    private final long countAddress;
    private final int capacity;
    private final int flushThreshold;
    private final int[] scratch;
    private int length;
    private boolean closed;

    PoolCache(PacketPool pool, long slot, int capacity) {
        this.pool = pool;
        this.freeRing = pool.freeRing();
        this.segment = pool.segment();
        this.slot = slot;
        this.entries = slot + PoolCacheDescriptor.ENTRIES_OFFSET;
        this.countAddress = slot + PoolCacheDescriptor.COUNT_OFFSET;
        this.capacity = capacity;
        this.flushThreshold = capacity + capacity / 2;
        this.scratch = new int[PoolCacheDescriptor.entrySlots(capacity)];
        this.length = 0;
        if (slot >= 0) {
            INT.setRelease(segment, countAddress, 0);
        }
    }

    public PacketPool pool() {
        return pool;
    }

    /** Buffers the cache holds now. */
    public int cached() {
        return length;
    }

    /**
     * Allocates exactly {@code count} buffers into {@code dst[offset ..]}, or none when the
     * pool cannot supply that many; returns count or 0.
     */
    public int alloc(int[] dst, int offset, int count) {
        if (count <= 0) {
            return 0;
        }
        if (count > capacity) {
            // Too big for the cache: straight from the ring, with this cache's buffers
            // returned first when the ring alone is short.
            int got = freeRing.dequeueBulk(dst, offset, count);
            if (got == 0 && length > 0) {
                flush();
                got = freeRing.dequeueBulk(dst, offset, count);
            }
            return got;
        }
        if (length < count) {
            int want = capacity + count - length;
            int got = freeRing.dequeueBurst(scratch, 0, want);
            MemorySegment.copy(scratch, 0, segment, JAVA_INT, entries + (long) length * Integer.BYTES, got);
            length += got;
            if (length < count) {
                INT.setRelease(segment, countAddress, length);
                return 0;
            }
        }
        length -= count;
        MemorySegment.copy(segment, JAVA_INT, entries + (long) length * Integer.BYTES, dst, offset, count);
        INT.setRelease(segment, countAddress, length);
        return count;
    }

    /** Frees {@code count} buffers from {@code src[offset ..]}. */
    public void free(int[] src, int offset, int count) {
        if (count <= 0) {
            return;
        }
        if (count > capacity) {
            pool.free(src, offset, count);
            return;
        }
        if (length + count > flushThreshold) {
            int keep = capacity - count;
            spill(length - keep);
        }
        MemorySegment.copy(src, offset, segment, JAVA_INT, entries + (long) length * Integer.BYTES, count);
        length += count;
        INT.setRelease(segment, countAddress, length);
    }


    // Moves the top n entries to the free ring.
    private void spill(int n) {
        if (n <= 0) {
            return;
        }
        length -= n;
        MemorySegment.copy(segment, JAVA_INT, entries + (long) length * Integer.BYTES, scratch, 0, n);
        INT.setRelease(segment, countAddress, length);
        pool.free(scratch, 0, n);
    }

    /** Returns every cached buffer to the free ring. */
    public void flush() {
        spill(length);
    }

    /** Flushes and gives the slot back. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (slot < 0) {
            return; // uncached: nothing held, no slot
        }
        flush();
        LONG.setRelease(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET, 0L);
    }
}

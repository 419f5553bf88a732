package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.LongPredicate;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.ring.MpmcRing;

/**
 * The packet buffer pool of a region: fixed-size buffers addressed by 32-bit index, a shared
 * free list ({@link MpmcRing}) and per-thread caches ({@link PoolCache}) so that the free list
 * is touched once per burst, not once per packet (DPDK's mempool cache).
 *
 * <p>One {@code PacketPool} per process and region; it is thread-safe. Each thread that
 * allocates or frees in the data plane takes its own cache with {@link #newCache()}.
 */
public final class PacketPool {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final Region region;
    private final MemorySegment segment;
    private final RegionLayout layout;
    private final MpmcRing freeRing;
    private final long bufferArea;

    public PacketPool(Region region) {
        this.region = region;
        this.segment = region.segment();
        this.layout = region.layout();
        this.freeRing = MpmcRing.attach(segment, layout.area(AreaKind.FREE_RING).offset());
        this.bufferArea = layout.area(AreaKind.BUFFERS).offset();
    }

    public Region region() {
        return region;
    }

    public MemorySegment segment() {
        return segment;
    }

    /** Number of buffers. */
    public int size() {
        return layout.bufferCount();
    }

    public int bufferStride() {
        return layout.bufferStride();
    }

    public int dataRoom() {
        return layout.dataRoom();
    }

    public int headroom() {
        return layout.headroom();
    }

    /** Offset of buffer 0 in the region's segment. */
    public long bufferArea() {
        return bufferArea;
    }

    /** Offset in the segment of buffer {@code index}'s first byte (its metadata). */
    public long bufferAddress(int index) {
        return bufferArea + (long) index * layout.bufferStride();
    }

    /** A new metadata flyweight over this pool's buffers, for one thread's use. */
    public PacketMeta newMeta() {
        return new PacketMeta(segment, bufferArea, layout.bufferStride(), layout.headroom());
    }

    MpmcRing freeRing() {
        return freeRing;
    }

    /**
     * Claims a cache slot in shared memory for the calling thread.
     *
     * @throws IllegalStateException when all slots are taken (raise the region's cacheCount)
     */
    public PoolCache newCache() {
        long pid = ProcessHandle.current().pid();
        for (int i = 0; i < layout.cacheCount(); i++) {
            long slot = layout.cacheOffset(i);
            if ((long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET) == 0
                    && LONG.compareAndSet(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET, 0L, pid)) {
                segment.set(JAVA_LONG, slot + PoolCacheDescriptor.OWNER_THREAD_OFFSET, Thread.currentThread().threadId());
                return new PoolCache(this, slot, layout.cacheCapacity());
            }
        }
        throw new IllegalStateException("all " + layout.cacheCount() + " pool caches of region " + region.name()
                + " are taken; create the region with a larger cacheCount");
    }

    /**
     * A cache that keeps nothing and takes no slot: its allocs and frees go straight to the free
     * ring, one bulk operation per burst. For NFs in small NF slots, thousands of which would not fit
     * in the POOL_CACHES area (and would each hold buffers there).
     */
    public PoolCache uncached() {
        return new PoolCache(this, -1, 0);
    }

    /** Allocates exactly {@code count} buffers straight from the free ring, or none; returns count or 0. */
    public int allocBulk(int[] dst, int offset, int count) {
        return freeRing.dequeueBulk(dst, offset, count);
    }

    /**
     * Frees buffers straight into the free ring.
     *
     * <p>The ring has exactly one slot per buffer, so it cannot overflow unless a buffer is freed
     * twice. It can still refuse a bulk for a moment: a consumer that has claimed slots of the
     * previous lap marks them free only after copying their values out (Vyukov's algorithm), and
     * a producer that reaches such a slot must wait. So a refusal is retried while the ring holds
     * fewer than all the buffers, and reported as a double free only when it would hold more.
     */
    public void free(int[] src, int offset, int count) {
        if (freeRing.enqueueBulk(src, offset, count) == count) {
            return;
        }
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (freeRing.enqueueBulk(src, offset, count) != count) {
            if (freeRing.size() + count > layout.bufferCount()) {
                throw new IllegalStateException("free ring of region " + region.name()
                        + " is full: a buffer was freed twice");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("free ring of region " + region.name() + " refused " + count
                        + " buffers for 1 s with room for them: a consumer died between claiming and releasing slots");
            }
            Thread.onSpinWait();
        }
    }

    /** Counts free, cached and in-flight buffers now. */
    public PoolAudit audit() {
        int cached = 0;
        for (int i = 0; i < layout.cacheCount(); i++) {
            long slot = layout.cacheOffset(i);
            if ((long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET) != 0) {
                cached += (int) INT.getAcquire(segment, slot + PoolCacheDescriptor.COUNT_OFFSET);
            }
        }
        int free = freeRing.size();
        int total = layout.bufferCount();
        return new PoolAudit(total, free, cached, total - free - cached);
    }

    /**
     * Returns to the free ring the contents of every cache whose owner process is dead, and
     * frees those slots. The manager calls this after it detects a dead NF.
     *
     * @return buffers returned
     */
    public int reclaimCaches(LongPredicate ownerDead) {
        int returned = 0;
        int[] scratch = new int[PoolCacheDescriptor.entrySlots(layout.cacheCapacity())];
        for (int i = 0; i < layout.cacheCount(); i++) {
            long slot = layout.cacheOffset(i);
            long owner = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET);
            if (owner != 0 && ownerDead.test(owner)) {
                int count = Math.clamp((int) INT.getAcquire(segment, slot + PoolCacheDescriptor.COUNT_OFFSET),
                        0, scratch.length);
                MemorySegment.copy(segment, JAVA_INT, slot + PoolCacheDescriptor.ENTRIES_OFFSET, scratch, 0, count);
                free(scratch, 0, count);
                returned += count;
                PoolCacheDescriptor.format(segment, slot);
            }
        }
        return returned;
    }
}

package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.util.Counters;

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
    // How long an unpublished slot named by a dead spiller's intent must stay so to count as its claim.
    private static final long SETTLE_WAIT_NANOS = 100_000_000L;

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
        free(src, offset, count, -1, 0);
    }

    /**
     * {@link #free(int[], int, int)} that keeps a producer journal at {@code journalAddress}
     * ({@link MpmcRing#enqueueBulkJournaled}), or none when it is negative: what a pool cache's
     * spill uses, so that a kill in the middle leaves the manager able to tell which buffers got home.
     */
    void free(int[] src, int offset, int count, long journalAddress, int tag) {
        if (enqueue(src, offset, count, journalAddress, tag) == count) {
            return;
        }
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (enqueue(src, offset, count, journalAddress, tag) != count) {
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

    private int enqueue(int[] src, int offset, int count, long journalAddress, int tag) {
        return journalAddress < 0 ? freeRing.enqueueBulk(src, offset, count)
                : freeRing.enqueueBulkJournaled(src, offset, count, journalAddress, tag);
    }

    /** The free ring's consumer position now: read it before a grace period, for {@link #reclaimCaches(LongPredicate, int)}. */
    public int freeRingConsumerPosition() {
        return freeRing.consumerPosition();
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
     * frees those slots. The manager calls this after it detects a dead NF, before it scans for
     * buffers stamped with the dead NF's id: every buffer a cache counts is stamped with the pool's
     * id here first, so that none is returned twice (a cache may hold buffers still stamped with
     * its owner, see {@link PoolCache}). A spill or a refill the owner died in is settled from its
     * journal. For a region no live process consumes from (tests); the manager uses the overload.
     *
     * @return buffers returned
     */
    public int reclaimCaches(LongPredicate ownerDead) {
        return reclaimCaches(ownerDead, freeRing.consumerPosition());
    }

    /**
     * {@link #reclaimCaches(LongPredicate)} for a region with live consumers: {@code consumerPosition} is the free
     * ring's consumer position read before a grace period that every live consumer has passed since
     * ({@link #freeRingConsumerPosition}). Below it, slots a dead process claimed and never released are freed
     * ({@link MpmcRing#releaseAbandonedBelow}: else the ring could never hold all its buffers again), after the
     * refills they belong to have been settled ({@link MpmcRing#settleDeadConsumer} reads them unreleased).
     *
     * @return buffers returned
     */
    public int reclaimCaches(LongPredicate ownerDead, int consumerPosition) {
        // Which dead refills' claims happened, read while their slots are still unreleased.
        Map<Long, Boolean> refills = new HashMap<>();
        for (int i = 0; i < layout.cacheCount(); i++) {
            long slot = layout.cacheOffset(i);
            long owner = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET);
            long journal = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.SPILL_JOURNAL_OFFSET);
            if (owner != 0 && ownerDead.test(owner) && MpmcRing.journalState(journal) == MpmcRing.JOURNAL_TAKING) {
                refills.put(slot, freeRing.settleDeadConsumer(journal));
            }
        }
        freeRing.releaseAbandonedBelow(consumerPosition);
        int returned = 0;
        int slots = PoolCacheDescriptor.entrySlots(layout.cacheCapacity());
        int[] scratch = new int[slots];
        PacketMeta meta = newMeta();
        for (int i = 0; i < layout.cacheCount(); i++) {
            long slot = layout.cacheOffset(i);
            long owner = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.OWNER_PID_OFFSET);
            if (owner == 0 || !ownerDead.test(owner)) {
                continue;
            }
            long entries = slot + PoolCacheDescriptor.ENTRIES_OFFSET;
            long countWord = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.COUNT_WORD_OFFSET);
            int count = Math.clamp(PoolCacheDescriptor.count(countWord), 0, slots);
            returned += returnEntries(entries, 0, count, scratch, meta);
            settleDrop(slot, PoolCacheDescriptor.dropPending(countWord));
            long journal = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.SPILL_JOURNAL_OFFSET);
            long state = MpmcRing.journalState(journal);
            int n = PoolCacheDescriptor.spillCount(journal);
            int base = PoolCacheDescriptor.spillBase(journal);
            // A count other than the journal's base: the move it names is covered by the count (a spill that had
            // not given its entries up yet, a refill that had stored its count), so they were returned above.
            if (state != MpmcRing.JOURNAL_IDLE && count == base && base + n <= slots) {
                if (state == MpmcRing.JOURNAL_TAKING) {
                    // Killed in a refill between its claim and its count: the claimed buffers are in its entries.
                    if (refills.getOrDefault(slot, false)) {
                        returned += returnEntries(entries, base, n, scratch, meta);
                    }
                } else {
                    // Killed in a spill: the ring tells whether its entries got there.
                    MemorySegment.copy(segment, JAVA_INT, entries + (long) base * Integer.BYTES, scratch, 0, n);
                    if (!freeRing.settleDeadProducer(journal, scratch, n, SETTLE_WAIT_NANOS)) {
                        returned += returnEntries(entries, base, n, scratch, meta);
                    }
                }
            }
            PoolCacheDescriptor.format(segment, slot);
        }
        return returned;
    }

    // A dead owner's drop that the count already covers: added to its counter unless the counter shows it. The
    // counters' address comes from the dead process's slot: used only if it is a long inside the region.
    private void settleDrop(long slot, int pending) {
        if (!PoolCacheDescriptor.dropArmed(pending)) {
            return;
        }
        long counters = (long) LONG.getAcquire(segment, slot + PoolCacheDescriptor.DROP_COUNTERS_OFFSET);
        long counter = counters + (long) PoolCacheDescriptor.dropReason(pending) * Long.BYTES;
        if (counters < 0 || counter % Long.BYTES != 0 || counter > segment.byteSize() - Long.BYTES) {
            return;
        }
        if (!PoolCacheDescriptor.dropCounted(pending, Counters.get(segment, counter))) {
            Counters.add(segment, counter, PoolCacheDescriptor.dropCount(pending));
        }
    }

    // Frees entries [from, from + n) of a dead cache, stamped as the pool's.
    private int returnEntries(long entries, int from, int n, int[] scratch, PacketMeta meta) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int index = segment.get(JAVA_INT, entries + (long) (from + i) * Integer.BYTES);
            if (index >= 0 && index < layout.bufferCount()) {
                meta.wrap(index).owner(PacketMeta.OWNER_POOL);
                scratch[k++] = index;
            }
        }
        free(scratch, 0, k);
        return k;
    }
}

package org.jnetvm.core.pool;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.util.Counters;

/**
 * One thread's cache of free buffers, kept in a slot of shared memory
 * ({@link PoolCacheDescriptor}). Allocation takes from the top of the cache and refills it
 * from the free ring in one burst when it runs low; freeing pushes onto the cache and spills
 * back to the ring in one burst past 1.5 × capacity (DPDK's mempool cache policy). Freshly
 * freed buffers are reused first, while they are still in the CPU cache.
 *
 * <h2>Killed at any instruction, losing no buffer</h2>
 * The owner's process can be killed by SIGKILL anywhere in here, and the manager must then find
 * every buffer it held exactly once: those stamped with the owner's id (its hands, its rings),
 * those the cache's shared count covers, and those of a spill under way. So every move keeps a
 * buffer covered by one of them until the next one covers it, and the manager returns the counted
 * ones first, restamping them as the pool's ({@link PacketPool#reclaimCaches}), so a buffer both
 * counted and still stamped is not returned twice:
 * <ul>
 * <li>alloc stamps the new owner on the buffers while the count still covers them, then lowers it;</li>
 * <li>free copies the buffers in, raises the count, then stamps the pool's id on them (so a live
 *     owner's cache holds only buffers stamped as the pool's, which no scan by id touches);</li>
 * <li>a refill dequeues straight into the shared entries, the ring keeping the journal (taking, from
 *     its position) and storing the new count the instant after its claim
 *     ({@link MpmcRing#dequeueBurstInto(long, int, long, int, long)}): the manager tells from the
 *     ring whether a claim the count does not cover yet happened;</li>
 * <li>a spill arms the spill journal, lowers the count and enqueues with the ring keeping the journal
 *     ({@link MpmcRing#enqueueBulkJournaled}): the manager settles with the ring which of them
 *     got there.</li>
 * </ul>
 * A free of dropped buffers names the drop in the same store that raises the count, so the drop's
 * counter is settled too ({@link #freeDropped}).
 * Left: two consumers killed at the same instant racing for the same free-ring position (both
 * journals name it; one claim is returned twice).
 *
 * <p>An uncached one ({@link PacketPool#uncached()}) has no slot and keeps nothing: every alloc and
 * free goes to the free ring in one bulk operation. What the thousands of NFs in small NF slots use,
 * which would otherwise each hold a slot of the bounded POOL_CACHES area and up to 1.5 x capacity
 * buffers apiece. It has nowhere to keep a journal: a kill between its ring operation and its
 * stamps loses that burst.
 *
 * <p>Not thread-safe: exactly one thread uses a cache. Close it to return its buffers.
 */
public final class PoolCache implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final PacketPool pool;
    private final MpmcRing freeRing;
    private final MemorySegment segment;
    private final PacketMeta meta;
    private final long slot;
    private final long entries;
    private final long countAddress;
    private final long countWordAddress;
    private long dropCounters = -1; // what the slot says the owner's drop counters are
    private final long journalAddress;
    private final int capacity;
    private final int flushThreshold;
    private final int[] scratch;
    private int length;
    private boolean closed;

    PoolCache(PacketPool pool, long slot, int capacity) {
        this.pool = pool;
        this.freeRing = pool.freeRing();
        this.segment = pool.segment();
        this.meta = pool.newMeta();
        this.slot = slot;
        this.entries = slot + PoolCacheDescriptor.ENTRIES_OFFSET;
        this.countAddress = slot + PoolCacheDescriptor.COUNT_OFFSET;
        this.countWordAddress = slot + PoolCacheDescriptor.COUNT_WORD_OFFSET;
        this.journalAddress = slot + PoolCacheDescriptor.SPILL_JOURNAL_OFFSET;
        this.capacity = capacity;
        this.flushThreshold = capacity + capacity / 2;
        this.scratch = new int[Math.max(1, PoolCacheDescriptor.entrySlots(capacity))];
        this.length = 0;
        if (slot >= 0) {
            LONG.setRelease(segment, journalAddress, MpmcRing.JOURNAL_IDLE);
            LONG.setRelease(segment, countWordAddress, 0L);
        }
    }

    public PacketPool pool() {
        return pool;
    }

    /** Buffers the cache holds now. */
    public int cached() {
        return length;
    }

    /** {@link #alloc(int[], int, int, IntConsumer)} that stamps nothing. */
    public int alloc(int[] dst, int offset, int count) {
        return alloc(dst, offset, count, null);
    }

    /**
     * Allocates exactly {@code count} buffers into {@code dst[offset ..]}, or none when the
     * pool cannot supply that many; returns count or 0. {@code stamp} (if not null) is called for
     * each buffer before the cache lets go of it: where the new owner writes its id.
     */
    public int alloc(int[] dst, int offset, int count, IntConsumer stamp) {
        if (count <= 0) {
            return 0;
        }
        if (slot < 0) {
            int got = freeRing.dequeueBulk(dst, offset, count);
            for (int i = 0; stamp != null && i < got; i++) {
                stamp.accept(dst[offset + i]);
            }
            return got;
        }
        if (count > capacity) {
            return allocInChunks(dst, offset, count, stamp);
        }
        if (length < count) {
            int want = capacity + count - length;
            length += freeRing.dequeueBurstInto(entries + (long) length * Integer.BYTES, want, countAddress, length,
                    journalAddress);
            if (length < count) {
                return 0;
            }
        }
        int from = length - count;
        for (int i = 0; i < count; i++) {
            int index = segment.get(JAVA_INT, entries + (long) (from + i) * Integer.BYTES);
            if (stamp != null) {
                stamp.accept(index);
            }
            dst[offset + i] = index;
        }
        length = from;
        INT.setRelease(segment, countAddress, length);
        return count;
    }

    private int allocInChunks(int[] dst, int offset, int count, IntConsumer stamp) {
        for (int done = 0; done < count; ) {
            int n = Math.min(capacity, count - done);
            if (alloc(dst, offset + done, n, stamp) != n) {
                free(dst, offset, done);
                return 0;
            }
            done += n;
        }
        return count;
    }

    /** Frees {@code count} buffers from {@code src[offset ..]}. */
    public void free(int[] src, int offset, int count) {
        if (count <= 0) {
            return;
        }
        if (slot < 0) {
            for (int i = 0; i < count; i++) {
                meta.wrap(src[offset + i]).owner(PacketMeta.OWNER_POOL);
            }
            pool.free(src, offset, count);
            return;
        }
        push(src, offset, count, -1, -1);
    }

    /**
     * Frees {@code count} dropped buffers and adds them to the drop counter of {@code reason} in the block at
     * {@code dropCounters} (the caller's own, single-writer counters): a kill anywhere in here leaves each buffer
     * counted once, as this drop or (not yet freed, still stamped with its owner's id) as the reclaimer's
     * {@code nf_dead}. The count and the drop it names are one store ({@link PoolCacheDescriptor}, drop pending), the
     * counter is added right after it, and the manager adds a dead owner's pending drop its counter does not show.
     * Uncached, the buffers go to the ring first and are counted after: a kill between the two loses the count.
     */
    public void freeDropped(int[] src, int offset, int count, int reason, long dropCounters) {
        if (count <= 0) {
            return;
        }
        long counter = dropCounters + (long) reason * Long.BYTES;
        if (slot < 0) {
            free(src, offset, count);
            Counters.add(segment, counter, count);
            return;
        }
        if (dropCounters != this.dropCounters) {
            LONG.setRelease(segment, slot + PoolCacheDescriptor.DROP_COUNTERS_OFFSET, dropCounters);
            this.dropCounters = dropCounters;
        }
        push(src, offset, count, reason, counter);
    }

    // Pushes buffers onto the cache in chunks it can hold, spilling first as needed; reason >= 0: a drop, named in
    // the count word's store and added to counter before the name is cleared (see freeDropped).
    private void push(int[] src, int offset, int count, int reason, long counter) {
        for (int done = 0; done < count; ) {
            int n = Math.min(Math.min(capacity, PoolCacheDescriptor.DROP_MAX), count - done);
            if (length + n > flushThreshold) {
                spill(length - (capacity - n));
            }
            MemorySegment.copy(src, offset + done, segment, JAVA_INT, entries + (long) length * Integer.BYTES, n);
            length += n;
            if (reason >= 0) {
                long after = Counters.get(segment, counter) + n;
                LONG.setRelease(segment, countWordAddress,
                        PoolCacheDescriptor.countWord(length, PoolCacheDescriptor.dropPending(reason, n, after)));
                Counters.add(segment, counter, n);
            } else {
                INT.setRelease(segment, countAddress, length);
            }
            for (int i = 0; i < n; i++) {
                meta.wrap(src[offset + done + i]).owner(PacketMeta.OWNER_POOL);
            }
            if (reason >= 0) {
                LONG.setRelease(segment, countWordAddress, PoolCacheDescriptor.countWord(length, 0));
            }
            done += n;
        }
    }

    // Moves the top n entries to the free ring (the order of the steps: class comment).
    private void spill(int n) {
        if (n <= 0) {
            return;
        }
        int base = length - n;
        MemorySegment.copy(segment, JAVA_INT, entries + (long) base * Integer.BYTES, scratch, 0, n);
        int tag = PoolCacheDescriptor.spillTag(n, base);
        LONG.setRelease(segment, journalAddress,
                MpmcRing.journal(MpmcRing.JOURNAL_INTENT, tag, freeRing.producerPosition()));
        length = base;
        INT.setRelease(segment, countAddress, base);
        pool.free(scratch, 0, n, journalAddress, tag);
        LONG.setRelease(segment, journalAddress, MpmcRing.JOURNAL_IDLE);
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

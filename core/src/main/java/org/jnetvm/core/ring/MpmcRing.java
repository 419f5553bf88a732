package org.jnetvm.core.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.jnetvm.core.ring.RingDescriptor.CONSUMER_POSITION_OFFSET;
import static org.jnetvm.core.ring.RingDescriptor.ENTRIES_OFFSET;
import static org.jnetvm.core.ring.RingDescriptor.KIND_MPMC;
import static org.jnetvm.core.ring.RingDescriptor.MPMC_ENTRY_SIZE;
import static org.jnetvm.core.ring.RingDescriptor.PRODUCER_POSITION_OFFSET;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Multi-producer, multi-consumer ring of buffer indices in shared memory (layout:
 * {@link RingDescriptor}, 8-byte slots). Used where several threads or processes feed or
 * drain one ring: the pool's free list, the manager's inbox.
 *
 * <h2>Algorithm</h2>
 * Dmitry Vyukov's bounded MPMC queue, extended to bursts. Every slot holds a 32-bit
 * <em>sequence</em> next to its 32-bit value, in one 64-bit word that is read and written
 * atomically. For the slot of position {@code p}:
 * <ul>
 * <li>{@code seq == p}: free, a producer claiming {@code p} may fill it;</li>
 * <li>{@code seq == p + 1}: full, a consumer claiming {@code p} may take it;</li>
 * <li>anything else: the slot belongs to another lap, the caller's view of the positions is
 *     stale (or the ring is full/empty).</li>
 * </ul>
 * A producer reads the producer position, counts how many consecutive slots from there are
 * free (up to the burst), then claims them with one CAS on the producer position, then
 * publishes each slot by writing {@code value | (p + 1) << 32} with release. A consumer
 * counts consecutive full slots, copies their values, claims them with one CAS on the
 * consumer position, and frees each by writing {@code (p + capacity) << 32} with release,
 * which is the "free" sequence of the same slot one lap later.
 *
 * <h2>Why this and not DPDK's head/tail MPMC</h2>
 * DPDK's MP ring makes every producer wait for earlier producers to move the shared tail, so
 * a producer that dies between claim and publish blocks the ring forever. Here a slot's
 * state lives in the slot: a dead producer leaves only its own claimed slots unpublished,
 * and {@link #unblock} can mark exactly those as skipped once the owner is known dead.
 *
 * <h2>Producer journal: surviving a producer killed mid-enqueue</h2>
 * A pool cache that spills buffers into the free ring must leave, if its process is killed at any
 * instruction, enough for the manager to tell which buffers reached the ring. So
 * {@link #enqueueBulkJournaled} writes a 64-bit journal word in the same memory: {@code INTENT}
 * with the position just before each claiming CAS, {@code CLAIMED} with it just after a CAS that
 * won. {@link #settleDeadProducer} reads it back: nothing claimed (the caller still holds the
 * entries), or claimed slots, of which it publishes those the producer did not. Between "claimed" and "published" is exactly the
 * state Vyukov's slots cannot show (a claimed slot still says "free for this position"); the
 * journal is what shows it.
 * <pre>
 *   63 62 61                        32 31                            0
 *   +-----+----------------------------+-------------------------------+
 *   |state| caller's tag (30 bits)     | position of the claim         |
 *   +-----+----------------------------+-------------------------------+
 *   state: 0 idle, 1 intent (about to CAS at position), 2 claimed (won at position)
 * </pre>
 *
 * <h2>Memory ordering</h2>
 * Slot words are read with acquire and written with release, so a consumer that sees
 * {@code seq == p + 1} also sees the value, and a producer that sees {@code seq == p} sees
 * the consumer's read completed. A slot's state is checked before the CAS that claims it;
 * that is safe because only the claimant of position {@code p} can change a slot whose
 * sequence says {@code p}, and nobody can have claimed {@code p} while the CAS still finds
 * the position at its old value.
 *
 * <h2>Threads</h2>
 * Any number of threads in any number of processes may enqueue and dequeue concurrently.
 */
public final class MpmcRing implements IndexRing {

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    /** Value a consumer skips: written by {@link #unblock} into slots a dead producer never filled. */
    public static final int SKIPPED = -1;
    /**
     * Flag on the value of a claimed slot whose value a hand-off producer has written but not
     * yet published; values (buffer indices) must stay below it.
     */
    public static final int WRITTEN = 1 << 30;

    /** Journal state: nothing in flight. */
    public static final long JOURNAL_IDLE = 0L;
    /** Journal state: about to claim at the word's position (or has, and died before saying so). */
    public static final long JOURNAL_INTENT = 1L << 62;
    /** Journal state: claimed slots from the word's position on, publishing them. */
    public static final long JOURNAL_CLAIMED = 2L << 62;
    /** Journal state of a consumer ({@link #dequeueBurstInto}): about to claim at the word's position, or claimed. */
    public static final long JOURNAL_TAKING = 3L << 62;
    private static final long JOURNAL_STATE_MASK = 3L << 62;
    /** Largest tag a journal word carries. */
    public static final int JOURNAL_TAG_MAX = (1 << 30) - 1;

    private final MemorySegment segment;
    private final long producerPositionAddress;
    private final long consumerPositionAddress;
    private final long entriesAddress;
    private final int capacity;
    private final int mask;

    private MpmcRing(MemorySegment segment, long offset, int capacity) {
        this.segment = segment;
        this.producerPositionAddress = offset + PRODUCER_POSITION_OFFSET;
        this.consumerPositionAddress = offset + CONSUMER_POSITION_OFFSET;
        this.entriesAddress = offset + ENTRIES_OFFSET;
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    /** Writes an empty ring at {@code offset}; only the creator of the memory calls this. */
    public static MpmcRing format(MemorySegment segment, long offset, int capacity, int initialPosition) {
        checkMpmcCapacity(capacity);
        RingDescriptor.writeHeader(segment, offset, KIND_MPMC, capacity);
        long entries = offset + ENTRIES_OFFSET;
        for (int i = 0; i < capacity; i++) {
            int position = initialPosition + i;
            segment.set(JAVA_LONG, entries + (long) (position & (capacity - 1)) * MPMC_ENTRY_SIZE, free(position));
        }
        RingDescriptor.publish(segment, offset, initialPosition);
        return new MpmcRing(segment, offset, capacity);
    }

    public static MpmcRing format(MemorySegment segment, long offset, int capacity) {
        return format(segment, offset, capacity, 0);
    }

    /** Attaches to a ring that {@link #format} wrote, possibly in another process. */
    public static MpmcRing attach(MemorySegment segment, long offset) {
        int capacity = RingDescriptor.validate(segment, offset, KIND_MPMC);
        checkMpmcCapacity(capacity);
        return new MpmcRing(segment, offset, capacity);
    }

    // With one slot, "full for position p" (seq p+1) and "free for position p+1" (seq p+1)
    // would be the same word: the sequence scheme needs at least two slots.
    private static void checkMpmcCapacity(int capacity) {
        RingDescriptor.checkCapacity(capacity);
        if (capacity < 2) {
            throw new IllegalArgumentException("MPMC ring capacity must be at least 2, got " + capacity);
        }
    }

    private static long free(int position) {
        return (long) position << 32;
    }

    // Claimed by a producer, value written, not yet published: consumers and producers see it
    // as claimed (sequence == position); only unblock looks at the value.
    private static long written(int position, int value) {
        return (long) position << 32 | ((value | WRITTEN) & 0xFFFF_FFFFL);
    }

    private static long full(int position, int value) {
        return (long) (position + 1) << 32 | (value & 0xFFFF_FFFFL);
    }

    private static int sequence(long word) {
        return (int) (word >>> 32);
    }

    private long slotAddress(int position) {
        return entriesAddress + (long) (position & mask) * MPMC_ENTRY_SIZE;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int enqueueBulk(int[] src, int offset, int count) {
        return enqueue(src, offset, count, true, null, -1, 0);
    }

    @Override
    public int enqueueBurst(int[] src, int offset, int count) {
        return enqueue(src, offset, count, false, null, -1, 0);
    }

    /**
     * {@link #enqueueBulk} that keeps the producer journal at {@code journalAddress} (in this
     * ring's memory) with {@code tag}: the word says intent before each claim and claimed after
     * the one that wins. The caller sets the word back to {@link #JOURNAL_IDLE} when it no longer
     * needs it; {@link #settleDeadProducer} reads it when the producer died.
     */
    public int enqueueBulkJournaled(int[] src, int offset, int count, long journalAddress, int tag) {
        if (tag < 0 || tag > JOURNAL_TAG_MAX) {
            throw new IllegalArgumentException("journal tag " + tag + " outside 0.." + JOURNAL_TAG_MAX);
        }
        return enqueue(src, offset, count, true, null, journalAddress, tag);
    }

    /** The journal word for {@code state}, {@code tag} and {@code position}. */
    public static long journal(long state, int tag, int position) {
        return state | (long) tag << 32 | (position & 0xFFFF_FFFFL);
    }

    /** The state bits of a journal word. */
    public static long journalState(long word) {
        return word & JOURNAL_STATE_MASK;
    }

    /** The caller's tag in a journal word. */
    public static int journalTag(long word) {
        return (int) (word >>> 32) & JOURNAL_TAG_MAX;
    }

    /**
     * {@link #enqueueBurst(int[], int, int)} that calls {@code handOff} for each entry between
     * claiming its slot and publishing it. Only for a ring with exactly one consumer (an NF's
     * rx ring): it then checks just the last slot of the burst for room, because a single
     * consumer frees slots in position order.
     */
    public int enqueueBurst(int[] src, int offset, int count, HandOff handOff) {
        return enqueue(src, offset, count, false, handOff, -1, 0);
    }

    @Override
    public int dequeueBulk(int[] dst, int offset, int count) {
        return dequeue(dst, offset, 0, count, true, -1, 0, -1);
    }

    @Override
    public int dequeueBurst(int[] dst, int offset, int count) {
        return dequeue(dst, offset, 0, count, false, -1, 0, -1);
    }

    /**
     * {@link #dequeueBurst} into this ring's own memory: the values go to the ints at
     * {@code dstAddress} before the claim, and right after the claiming CAS the int at
     * {@code countAddress} is set to {@code countBase} + the number taken, before anything else.
     * A pool cache refills itself this way, so that its shared count covers the buffers the
     * instant they leave the ring (a process killed in between loses nothing but that one store).
     */
    public int dequeueBurstInto(long dstAddress, int count, long countAddress, int countBase) {
        return dequeue(null, 0, dstAddress, count, false, countAddress, countBase, -1);
    }

    /**
     * {@link #dequeueBurstInto(long, int, long, int)} that keeps a consumer journal at {@code journalAddress}: before
     * its claiming CAS, {@link #JOURNAL_TAKING} with the position and the tag {@code countBase | taken << 15}
     * ({@code countBase} below 2^15), back to idle once the count is stored. A consumer killed between its CAS and
     * that store leaves the journal and its claimed slots unreleased, which {@link #settleDeadConsumer} recognises.
     */
    public int dequeueBurstInto(long dstAddress, int count, long countAddress, int countBase, long journalAddress) {
        return dequeue(null, 0, dstAddress, count, false, countAddress, countBase, journalAddress);
    }

    /**
     * Whether the claim a dead consumer's taking journal names happened: the consumer position has passed its
     * position and the slot there is still full and unreleased (a claimant releases only after storing its count,
     * so a released one was another consumer's). Call after the grace period, before {@link #releaseAbandonedBelow}.
     */
    public boolean settleDeadConsumer(long journalWord) {
        int position = (int) journalWord;
        return journalState(journalWord) == JOURNAL_TAKING && consumerPosition() - position > 0
                && sequence((long) LONG.getAcquire(segment, slotAddress(position))) == position + 1;
    }

    private int enqueue(int[] src, int offset, int count, boolean bulk, HandOff handOff, long journal, int tag) {
        if (count <= 0) {
            return 0;
        }
        while (true) {
            final int position = (int) INT.getAcquire(segment, producerPositionAddress);
            int free = 0;
            int lag = 0;
            if (handOff != null && sequence((long) LONG.getAcquire(segment, slotAddress(position + count - 1)))
                    == position + count - 1) {
                // Hand-off rings have one consumer, which frees slots in position order with
                // release: if the burst's last slot is free, every slot before it is too.
                free = count;
            }
            while (free < count) {
                long word = (long) LONG.getAcquire(segment, slotAddress(position + free));
                lag = sequence(word) - (position + free);
                if (lag != 0) {
                    break;
                }
                free++;
            }
            if (free < count && (bulk || free == 0)) {
                if (lag > 0) {
                    continue; // another producer moved on: our position is stale
                }
                return 0; // the slot still holds last lap's entry: full
            }
            if (journal >= 0) {
                LONG.setRelease(segment, journal, journal(JOURNAL_INTENT, tag, position)); // before the CAS
            }
            if (INT.compareAndSet(segment, producerPositionAddress, position, position + free)) {
                if (journal >= 0) {
                    LONG.setRelease(segment, journal, journal(JOURNAL_CLAIMED, tag, position));
                }
                if (handOff != null) {
                    publishHandingOff(src, offset, position, free, handOff);
                    return free;
                }
                for (int i = 0; i < free; i++) {
                    LONG.setRelease(segment, slotAddress(position + i), full(position + i, src[offset + i]));
                }
                return free;
            }
        }
    }

    // Per entry: write the value into the claimed slot (still marked claimed), hand off, publish.
    // A producer that dies anywhere in here leaves each slot either claimed-empty (its buffer
    // still stamped with the producer's id) or written (value recoverable): unblockBelow tells them apart.
    private void publishHandingOff(int[] src, int offset, int position, int count, HandOff handOff) {
        for (int i = 0; i < count; i++) {
            long address = slotAddress(position + i);
            int value = src[offset + i];
            LONG.setOpaque(segment, address, written(position + i, value));
            VarHandle.storeStoreFence();
            handOff.beforePublish(value);
            LONG.setRelease(segment, address, full(position + i, value));
        }
    }

    private int dequeue(int[] dst, int offset, long dstAddress, int count, boolean bulk, long countAddress,
                        int countBase, long journal) {
        if (count <= 0) {
            return 0;
        }
        while (true) {
            final int position = (int) INT.getAcquire(segment, consumerPositionAddress);
            int taken = 0;
            int skipped = 0;
            int lag = 0;
            // Scan at most count published slots; skipped slots are claimed too but not returned.
            while (taken < count) {
                long word = (long) LONG.getAcquire(segment, slotAddress(position + taken + skipped));
                lag = sequence(word) - (position + taken + skipped + 1);
                if (lag != 0) {
                    break;
                }
                int value = (int) word;
                if (value == SKIPPED) {
                    skipped++;
                } else if (dst != null) {
                    dst[offset + taken++] = value;
                } else {
                    segment.set(JAVA_INT, dstAddress + (long) taken++ * Integer.BYTES, value);
                }
            }
            int claimed = taken + skipped;
            if (taken < count && (bulk || claimed == 0)) {
                if (lag > 0) {
                    continue; // another consumer moved on: our position is stale
                }
                return 0; // empty, or fewer than a bulk's worth published
            }
            if (journal >= 0) {
                LONG.setRelease(segment, journal, journal(JOURNAL_TAKING, countBase | taken << 15, position));
            }
            if (INT.compareAndSet(segment, consumerPositionAddress, position, position + claimed)) {
                if (countAddress >= 0) {
                    INT.setRelease(segment, countAddress, countBase + taken);
                }
                if (journal >= 0) {
                    LONG.setRelease(segment, journal, JOURNAL_IDLE);
                }
                release(position, claimed);
                return taken;
            }
        }
    }

    private void release(int position, int count) {
        for (int i = 0; i < count; i++) {
            LONG.setRelease(segment, slotAddress(position + i), free(position + i + capacity));
        }
    }

    /**
     * Marks as {@link #SKIPPED} every slot that a producer claimed but never published, so
     * that consumers can step over them. Call only when every producer that might still be
     * between claim and publish is known to be dead (the manager does, after reaping an NF);
     * a live producer's later publish into such a slot would be lost.
     *
     * @return how many slots were unblocked
     */
    public int unblock() {
        return unblockBelow((int) INT.getAcquire(segment, producerPositionAddress));
    }

    /**
     * {@link #unblock} limited to positions before {@code limit}: the producer position the
     * caller read before waiting for every live producer to finish the enqueue it was in.
     * Slots below it that are still unpublished then belong to dead producers only, so this
     * is safe while live producers keep enqueueing above it.
     *
     * @return how many slots were unblocked
     */
    public int unblockBelow(int limit) {
        return unblockBelow(limit, null);
    }

    /**
     * {@link #unblockBelow(int)} for a ring fed through {@link #enqueueBurst(int[], int, int, HandOff)}:
     * a slot whose value the dead producer had written is published (after {@code handOff}
     * stamps it for this ring's consumer) instead of skipped, so that buffer is not lost.
     *
     * @return how many slots were unblocked (skipped or published)
     */
    public int unblockBelow(int limit, HandOff handOff) {
        int consumer = (int) INT.getAcquire(segment, consumerPositionAddress);
        int unblocked = 0;
        for (int position = consumer; position - limit < 0; position++) {
            long address = slotAddress(position);
            long word = (long) LONG.getAcquire(segment, address);
            if (sequence(word) != position) {
                continue;
            }
            int value = (int) word;
            boolean written = value != 0 && value != SKIPPED && (value & WRITTEN) != 0;
            if (written && handOff != null) {
                handOff.beforePublish(value & ~WRITTEN);
            }
            long replacement = written ? full(position, value & ~WRITTEN) : full(position, SKIPPED);
            if (LONG.compareAndSet(segment, address, word, replacement)) {
                unblocked++;
            }
        }
        return unblocked;
    }

    /**
     * Settles the enqueue of {@code count} entries ({@code values[0 ..]}) that a producer, now dead,
     * left in its journal word, and says whether they are in the ring: the slots it claimed and did
     * not publish get its values published now (it had claimed exactly one slot per value, in order),
     * so either all of them are in the ring or none is (then the caller still holds them).
     *
     * <p>With an intent word the claim may or may not have happened: if the ring's producer
     * position has not passed the position, it did not; if the slot got published, another
     * producer won it (this one publishes only after writing claimed). If it stays claimed and
     * unpublished for {@code waitNanos}, a dead producer holds it, taken to be this one.
     *
     * @return true when the entries are in the ring, false when none is
     */
    public boolean settleDeadProducer(long journalWord, int[] values, int count, long waitNanos) {
        long state = journalState(journalWord);
        int position = (int) journalWord;
        if (state == JOURNAL_IDLE || state == JOURNAL_INTENT
                && (producerPosition() - position <= 0 || !staysUnpublished(position, waitNanos))) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            long address = slotAddress(position + i);
            long word = (long) LONG.getAcquire(segment, address);
            if (sequence(word) == position + i) {
                LONG.compareAndSet(segment, address, word, full(position + i, values[i]));
            }
        }
        return true;
    }

    private boolean staysUnpublished(int position, long waitNanos) {
        long deadline = System.nanoTime() + waitNanos;
        while (sequence((long) LONG.getAcquire(segment, slotAddress(position))) == position) {
            if (System.nanoTime() - deadline > 0) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * Frees the slots below {@code limit} that a consumer claimed and never released: one killed
     * between its claiming CAS and its release stores leaves slots that say "full, for last lap",
     * which the producer of the next lap would take for a full ring, for ever. {@code limit} is the
     * consumer position the caller read ({@link #consumerPosition}) before waiting until every live
     * consumer had finished the dequeue it was in: a live one must not be raced, as its late release
     * store would overwrite what a producer of the next lap published after this one's.
     *
     * @return how many slots were freed
     */
    public int releaseAbandonedBelow(int limit) {
        int released = 0;
        for (int position = limit - capacity; position - limit < 0; position++) {
            long address = slotAddress(position);
            long word = (long) LONG.getAcquire(segment, address);
            if (sequence(word) == position + 1 && LONG.compareAndSet(segment, address, word, free(position + capacity))) {
                released++;
            }
        }
        return released;
    }

    /** The consumer position now (for {@link #releaseAbandonedBelow}). */
    public int consumerPosition() {
        return (int) INT.getAcquire(segment, consumerPositionAddress);
    }

    /** The producer position now (for {@link #unblockBelow}). */
    public int producerPosition() {
        return (int) INT.getAcquire(segment, producerPositionAddress);
    }

    @Override
    public int size() {
        int producer = (int) INT.getAcquire(segment, producerPositionAddress);
        int consumer = (int) INT.getAcquire(segment, consumerPositionAddress);
        return Math.clamp(producer - consumer, 0, capacity);
    }

    @Override
    public String toString() {
        return "MpmcRing[capacity=" + capacity + ", size=" + size() + "]";
    }
}

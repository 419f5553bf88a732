package org.jnetvm.core.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.jnetvm.core.ring.RingDescriptor.CONSUMER_POSITION_OFFSET;
import static org.jnetvm.core.ring.RingDescriptor.ENTRIES_OFFSET;
import static org.jnetvm.core.ring.RingDescriptor.KIND_SPSC;
import static org.jnetvm.core.ring.RingDescriptor.PRODUCER_POSITION_OFFSET;
import static org.jnetvm.core.ring.RingDescriptor.SPSC_ENTRY_SIZE;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Single-producer, single-consumer ring of buffer indices in shared memory (layout:
 * {@link RingDescriptor}). The fast path of the data plane: every NF's rx and tx ring.
 *
 * <h2>Algorithm</h2>
 * Lamport's ring with free-running 32-bit positions, as DPDK's rte_ring in SP/SC mode.
 * The producer owns the producer position, the consumer owns the consumer position; each
 * side keeps its own position in a field and a <em>cached</em> copy of the other side's.
 * The producer computes free space from its cache, and only when the cache says there is
 * not enough does it re-read the consumer position from shared memory (and the consumer
 * symmetrically). In steady state with bursts of 32 each side touches the other side's
 * cache line once per several bursts, not once per entry.
 *
 * <h2>Memory ordering</h2>
 * <ul>
 * <li>The producer writes entries with plain stores, then publishes them with a
 *     <em>release</em> store of the producer position. The consumer reads the producer
 *     position with an <em>acquire</em> load, so every entry written before the release is
 *     visible to it (release/acquire pair, happens-before).</li>
 * <li>The consumer reads entries with plain loads, then frees their slots with a release
 *     store of the consumer position. The producer's acquire load of that position orders
 *     its later overwrite of a slot after the consumer's read of it.</li>
 * <li>A stale cache is always safe: a position only grows, so an old consumer position
 *     under-estimates free space and an old producer position under-estimates occupancy.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * At any time at most one thread (of any process) calls the enqueue methods and at most
 * one calls the dequeue methods; they may differ. A process attaches its own {@code SpscRing}
 * object to the shared memory with {@link #attach}; the object reloads both positions from
 * shared memory then, so a restarted consumer continues where the dead one stopped.
 */
public final class SpscRing extends SpscRingPad2 implements IndexRing {

    private static final VarHandle POSITION = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final long producerPositionAddress;
    private final long consumerPositionAddress;
    private final long entriesAddress;
    private final int capacity;
    private final int mask;

    private SpscRing(MemorySegment segment, long offset, int capacity) {
        this.segment = segment;
        this.producerPositionAddress = offset + PRODUCER_POSITION_OFFSET;
        this.consumerPositionAddress = offset + CONSUMER_POSITION_OFFSET;
        this.entriesAddress = offset + ENTRIES_OFFSET;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.producerPosition = (int) POSITION.getAcquire(segment, producerPositionAddress);
        this.consumerPosition = (int) POSITION.getAcquire(segment, consumerPositionAddress);
        this.cachedConsumerPosition = consumerPosition;
        this.cachedProducerPosition = producerPosition;
    }

    /**
     * Writes an empty ring of {@code capacity} slots at {@code offset} of {@code segment}.
     * Only the creator of the memory calls this, before anyone attaches.
     *
     * @param initialPosition where both positions start; tests start near 2^32 to cross the wrap
     */
    public static SpscRing format(MemorySegment segment, long offset, int capacity, int initialPosition) {
        RingDescriptor.checkCapacity(capacity);
        RingDescriptor.writeHeader(segment, offset, KIND_SPSC, capacity);
        RingDescriptor.publish(segment, offset, initialPosition);
        return new SpscRing(segment, offset, capacity);
    }

    /** See {@link #format(MemorySegment, long, int, int)}; positions start at 0. */
    public static SpscRing format(MemorySegment segment, long offset, int capacity) {
        return format(segment, offset, capacity, 0);
    }

    /**
     * Attaches to a ring that {@link #format} wrote, possibly in another process.
     *
     * @throws IllegalStateException if the memory does not hold a formatted SPSC ring
     */
    public static SpscRing attach(MemorySegment segment, long offset) {
        int capacity = RingDescriptor.validate(segment, offset, KIND_SPSC);
        return new SpscRing(segment, offset, capacity);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int enqueueBulk(int[] src, int offset, int count) {
        return enqueue(src, offset, count, true);
    }

    @Override
    public int enqueueBurst(int[] src, int offset, int count) {
        return enqueue(src, offset, count, false);
    }

    @Override
    public int dequeueBulk(int[] dst, int offset, int count) {
        return dequeue(dst, offset, count, true);
    }

    @Override
    public int dequeueBurst(int[] dst, int offset, int count) {
        return dequeue(dst, offset, count, false);
    }

    /** Enqueues one index; returns false when the ring is full. */
    public boolean enqueue(int index) {
        final int position = producerPosition;
        if (capacity - (position - cachedConsumerPosition) < 1) {
            cachedConsumerPosition = (int) POSITION.getAcquire(segment, consumerPositionAddress);
            if (capacity - (position - cachedConsumerPosition) < 1) {
                return false;
            }
        }
        segment.set(JAVA_INT, entriesAddress + (long) (position & mask) * SPSC_ENTRY_SIZE, index);
        POSITION.setRelease(segment, producerPositionAddress, position + 1);
        producerPosition = position + 1;
        return true;
    }

    /** Dequeues one index, or returns -1 when the ring is empty. */
    public int dequeue() {
        final int position = consumerPosition;
        if (cachedProducerPosition - position < 1) {
            cachedProducerPosition = (int) POSITION.getAcquire(segment, producerPositionAddress);
            if (cachedProducerPosition - position < 1) {
                return -1;
            }
        }
        int index = segment.get(JAVA_INT, entriesAddress + (long) (position & mask) * SPSC_ENTRY_SIZE);
        POSITION.setRelease(segment, consumerPositionAddress, position + 1);
        consumerPosition = position + 1;
        return index;
    }

    private int enqueue(int[] src, int offset, int count, boolean bulk) {
        final int position = producerPosition;
        int free = capacity - (position - cachedConsumerPosition);
        if (free < count) {
            cachedConsumerPosition = (int) POSITION.getAcquire(segment, consumerPositionAddress);
            free = capacity - (position - cachedConsumerPosition);
            if (free < count) {
                if (bulk || free <= 0) {
                    return 0;
                }
                count = free;
            }
        }
        copyIn(src, offset, position, count);
        final int next = position + count;
        POSITION.setRelease(segment, producerPositionAddress, next);
        producerPosition = next;
        return count;
    }

    private int dequeue(int[] dst, int offset, int count, boolean bulk) {
        final int position = consumerPosition;
        int available = cachedProducerPosition - position;
        if (available < count) {
            cachedProducerPosition = (int) POSITION.getAcquire(segment, producerPositionAddress);
            available = cachedProducerPosition - position;
            if (available < count) {
                if (bulk || available <= 0) {
                    return 0;
                }
                count = available;
            }
        }
        copyOut(dst, offset, position, count);
        final int next = position + count;
        POSITION.setRelease(segment, consumerPositionAddress, next);
        consumerPosition = next;
        return count;
    }

    // The run of slots [position, position+count) is contiguous unless it wraps past the
    // end of the entry array; then it is two runs. Plain accesses: the position stores
    // around them carry the ordering.
    private void copyIn(int[] src, int offset, int position, int count) {
        final int first = position & mask;
        final int run = Math.min(count, capacity - first);
        MemorySegment.copy(src, offset, segment, JAVA_INT, entriesAddress + (long) first * SPSC_ENTRY_SIZE, run);
        if (run < count) {
            MemorySegment.copy(src, offset + run, segment, JAVA_INT, entriesAddress, count - run);
        }
    }

    private void copyOut(int[] dst, int offset, int position, int count) {
        final int first = position & mask;
        final int run = Math.min(count, capacity - first);
        MemorySegment.copy(segment, JAVA_INT, entriesAddress + (long) first * SPSC_ENTRY_SIZE, dst, offset, run);
        if (run < count) {
            MemorySegment.copy(segment, JAVA_INT, entriesAddress, dst, offset + run, count - run);
        }
    }

    @Override
    public int size() {
        int producer = (int) POSITION.getAcquire(segment, producerPositionAddress);
        int consumer = (int) POSITION.getAcquire(segment, consumerPositionAddress);
        return Math.clamp(producer - consumer, 0, capacity);
    }

    @Override
    public String toString() {
        return "SpscRing[capacity=" + capacity + ", size=" + size() + "]";
    }
}

package org.jnetvm.core.ring;

import static org.jnetvm.core.util.Align.FALSE_SHARING_PAD;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.util.Align;

/**
 * Memory layout of a ring of 32-bit buffer indices in shared memory, for both {@link SpscRing}
 * and {@link MpmcRing}. Each ring is one contiguous block:
 *
 * <pre>
 *   0                               128                          256                          384
 *   +-------------------------------+----------------------------+----------------------------+------------------
 *   | magic, kind, capacity, ...    | producer position (int)    | consumer position (int)    | entries ...
 *   | written once at format()      | written by producers only  | written by consumers only  | SPSC: int[cap]
 *   +-------------------------------+----------------------------+----------------------------+ MPMC: long[cap]
 *   each part on its own 128-byte block so that producer and consumer never share a cache line pair
 * </pre>
 *
 * Positions are free-running 32-bit counters that wrap (as in DPDK's rte_ring); the slot of
 * position {@code p} is {@code p & (capacity - 1)}, and {@code p1 - p0} (int arithmetic) is
 * the distance between two positions, correct across the wrap as long as capacity &le; 2^30.
 */
public final class RingDescriptor {
    /** "RING" in ASCII: tells a formatted ring from zeroed or foreign memory. */
    public static final int MAGIC = 0x52494E47;

    public static final int MAGIC_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int CAPACITY_OFFSET = 8;
    public static final int ENTRY_SIZE_OFFSET = 12;

    public static final int PRODUCER_POSITION_OFFSET = FALSE_SHARING_PAD;
    public static final int CONSUMER_POSITION_OFFSET = 2 * FALSE_SHARING_PAD;
    public static final int ENTRIES_OFFSET = 3 * FALSE_SHARING_PAD;

    /** Kind tag stored at {@link #KIND_OFFSET}. */
    public static final int KIND_SPSC = 1;
    public static final int KIND_MPMC = 2;

    public static final int SPSC_ENTRY_SIZE = Integer.BYTES;
    /** An MPMC slot holds a 32-bit sequence (high half) and the 32-bit index (low half). */
    public static final int MPMC_ENTRY_SIZE = Long.BYTES;

    /** Largest capacity: positions are 32-bit, so distances must stay below 2^31. */
    public static final int MAX_CAPACITY = 1 << 30;

    private RingDescriptor() {
    }

    /** Bytes a ring of this kind and capacity needs, padded so that the next structure starts on a fresh 128-byte block. */
    public static long byteSize(int kind, int capacity) {
        checkCapacity(capacity);
        return Align.up(ENTRIES_OFFSET + (long) capacity * entrySize(kind), FALSE_SHARING_PAD);
    }

    public static int entrySize(int kind) {
        return switch (kind) {
            case KIND_SPSC -> SPSC_ENTRY_SIZE;
            case KIND_MPMC -> MPMC_ENTRY_SIZE;
            default -> throw new IllegalArgumentException("unknown ring kind " + kind);
        };
    }

    private static final VarHandle INT = JAVA_INT.varHandle();

    /**
     * Writes the header of a ring about to be formatted (everything but the magic, which
     * {@link #publish} stores last).
     */
    static void writeHeader(MemorySegment segment, long offset, int kind, int capacity) {
        checkFits(segment, offset, kind, capacity);
        segment.set(JAVA_INT, offset + KIND_OFFSET, kind);
        segment.set(JAVA_INT, offset + CAPACITY_OFFSET, capacity);
        segment.set(JAVA_INT, offset + ENTRY_SIZE_OFFSET, entrySize(kind));
    }

    /** Sets both positions and then the magic, with release: an attacher that sees the magic sees a formatted ring. */
    static void publish(MemorySegment segment, long offset, int initialPosition) {
        INT.setRelease(segment, offset + PRODUCER_POSITION_OFFSET, initialPosition);
        INT.setRelease(segment, offset + CONSUMER_POSITION_OFFSET, initialPosition);
        INT.setRelease(segment, offset + MAGIC_OFFSET, MAGIC);
    }

    /**
     * Checks that {@code offset} holds a formatted ring of {@code kind} that fits the segment.
     *
     * @return its capacity
     * @throws IllegalStateException naming what differs
     */
    static int validate(MemorySegment segment, long offset, int kind) {
        int magic = (int) INT.getAcquire(segment, offset + MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalStateException(String.format(
                    "no ring at offset %d: magic is 0x%08x, expected 0x%08x", offset, magic, MAGIC));
        }
        int found = segment.get(JAVA_INT, offset + KIND_OFFSET);
        if (found != kind) {
            throw new IllegalStateException("ring at offset " + offset + " is of kind " + found
                    + ", expected " + kind + (kind == KIND_SPSC ? " (SPSC)" : " (MPMC)"));
        }
        int capacity = segment.get(JAVA_INT, offset + CAPACITY_OFFSET);
        checkCapacity(capacity);
        checkFits(segment, offset, kind, capacity);
        return capacity;
    }

    private static void checkFits(MemorySegment segment, long offset, int kind, int capacity) {
        long need = byteSize(kind, capacity);
        if (offset < 0 || offset + need > segment.byteSize()) {
            throw new IllegalArgumentException("ring of capacity " + capacity + " needs " + need
                    + " bytes at offset " + offset + " but the segment has " + segment.byteSize());
        }
    }

    public static void checkCapacity(int capacity) {
        if (!Align.isPowerOfTwo(capacity) || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "ring capacity must be a power of two from 1 to 2^30, got " + capacity);
        }
    }
}

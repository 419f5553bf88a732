package org.jnetvm.core.ring;

import static org.jnetvm.core.util.Align.FALSE_SHARING_PAD;

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

    public static void checkCapacity(int capacity) {
        if (!Align.isPowerOfTwo(capacity) || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "ring capacity must be a power of two from 1 to 2^30, got " + capacity);
        }
    }
}

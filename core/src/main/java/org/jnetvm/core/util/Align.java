package org.jnetvm.core.util;

/** Alignment and power-of-two arithmetic shared by every memory layout. */
public final class Align {
    /**
     * The unit that separates fields written by different threads. Two 64-byte lines,
     * because x86's adjacent-line prefetcher pulls pairs of lines (Agrona pads to 128 too).
     */
    public static final int FALSE_SHARING_PAD = 128;

    /** Cache line size of the machines we target. */
    public static final int CACHE_LINE = 64;

    private Align() {
    }

    /** {@code value} rounded up to a multiple of {@code alignment}, which must be a power of two. */
    public static long up(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** {@code value} rounded up to a multiple of {@code alignment}, which must be a power of two. */
    public static int up(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }

    public static boolean isPowerOfTwo(long value) {
        return value > 0 && (value & (value - 1)) == 0;
    }

    /** Smallest power of two that is at least {@code value} (value in 1..2^30). */
    public static int nextPowerOfTwo(int value) {
        if (value <= 1) {
            return 1;
        }
        if (value > 1 << 30) {
            throw new IllegalArgumentException("no int power of two is >= " + value);
        }
        return Integer.highestOneBit(value - 1) << 1;
    }
}

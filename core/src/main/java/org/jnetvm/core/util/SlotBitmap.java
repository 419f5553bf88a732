package org.jnetvm.core.util;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

/**
 * A bitmap of NF slots in shared memory, one bit per slot in {@code ceil(slots / 64)} longs: many
 * producers set bits (an atomic OR: also a full fence, so what the producer published before is
 * visible to whoever takes the bit), one consumer takes whole words (an atomic exchange with 0) and
 * visits the slots whose bits were set. What an NF host's waker drains to know which of its NFs a
 * producer woke or deferred, and a TX thread to know which tx rings got packets, instead of looking
 * at every slot: with 10,000 mostly idle NFs, the difference between 160 words and 10,000 rings.
 */
public final class SlotBitmap {
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private SlotBitmap() {
    }

    /** Longs in a bitmap of {@code slots} slots. */
    public static int words(int slots) {
        return (slots + 63) >>> 6;
    }

    /** Bytes of a bitmap of {@code slots} slots. */
    public static long length(int slots) {
        return (long) words(slots) * Long.BYTES;
    }

    /** Sets the bit of {@code slot} in the bitmap at {@code base}. */
    public static void set(MemorySegment segment, long base, int slot) {
        LONG.getAndBitwiseOr(segment, base + (long) (slot >>> 6) * Long.BYTES, 1L << (slot & 63));
    }

    /** Clears the {@code words} words at {@code base} (for a new owner of the memory). */
    public static void clear(MemorySegment segment, long base, int words) {
        for (int w = 0; w < words; w++) {
            LONG.setVolatile(segment, base + (long) w * Long.BYTES, 0L);
        }
    }

    /** Whether any of the {@code words} words at {@code base} has a bit set. */
    public static boolean any(MemorySegment segment, long base, int words) {
        for (int w = 0; w < words; w++) {
            if ((long) LONG.getAcquire(segment, base + (long) w * Long.BYTES) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes every set bit of the {@code words} words at {@code base} and calls {@code slotVisitor}
     * with each one's slot, lowest first.
     *
     * @return how many slots were visited
     */
    public static int drain(MemorySegment segment, long base, int words, IntConsumer slotVisitor) {
        int n = 0;
        for (int w = 0; w < words; w++) {
            long offset = base + (long) w * Long.BYTES;
            if ((long) LONG.getAcquire(segment, offset) == 0) {
                continue;
            }
            long bits = (long) LONG.getAndSet(segment, offset, 0L);
            while (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                slotVisitor.accept((w << 6) + bit);
                n++;
            }
        }
        return n;
    }
}

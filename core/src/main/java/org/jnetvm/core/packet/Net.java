package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-byte-order accessors shared by the parser, the views and the checksums.
 * Package-private: callers outside the package use the views.
 */
final class Net {
    // Headers sit at arbitrary byte offsets inside a frame, so every wide access is unaligned.
    static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Net() {
    }

    static int u8(MemorySegment seg, long off) {
        return Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, off));
    }

    static int u16(MemorySegment seg, long off) {
        return Short.toUnsignedInt(seg.get(BE_SHORT, off));
    }

    static int i32(MemorySegment seg, long off) {
        return seg.get(BE_INT, off);
    }

    static long i64(MemorySegment seg, long off) {
        return seg.get(BE_LONG, off);
    }

    static void put8(MemorySegment seg, long off, int v) {
        seg.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    static void put16(MemorySegment seg, long off, int v) {
        seg.set(BE_SHORT, off, (short) v);
    }

    static void put32(MemorySegment seg, long off, int v) {
        seg.set(BE_INT, off, v);
    }

    static void put64(MemorySegment seg, long off, long v) {
        seg.set(BE_LONG, off, v);
    }

    /** A 48-bit MAC address as the low 48 bits of a long. */
    static long mac(MemorySegment seg, long off) {
        return ((long) u16(seg, off) << 32) | Integer.toUnsignedLong(i32(seg, off + 2));
    }

    static void putMac(MemorySegment seg, long off, long mac) {
        put16(seg, off, (int) (mac >>> 32));
        put32(seg, off + 2, (int) mac);
    }
}

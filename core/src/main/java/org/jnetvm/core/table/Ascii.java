package org.jnetvm.core.table;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Fixed-length NUL-padded ASCII names in shared memory. */
final class Ascii {
    private Ascii() {
    }

    static void write(MemorySegment segment, long address, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(bytes.length, length - 1);
        segment.asSlice(address, length).fill((byte) 0);
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, address, n);
    }

    static String read(MemorySegment segment, long address, int length) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, address, bytes, 0, length);
        int n = 0;
        while (n < length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }
}

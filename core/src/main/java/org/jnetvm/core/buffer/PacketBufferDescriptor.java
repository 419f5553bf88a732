package org.jnetvm.core.buffer;

import org.jnetvm.core.util.Align;

/**
 * Layout of one packet buffer in the pool's buffer area. Buffers are addressed by a 32-bit
 * index: buffer {@code i} starts at {@code bufferArea + i * stride}, never by pointer, so an
 * index means the same buffer in every process whatever address it mapped the region at.
 *
 * <pre>
 *   0             64                    64 + headroom                     stride
 *   +-------------+---------------------+------------------------------+---+
 *   | metadata    | headroom            | data room (frame bytes)      |pad|
 *   | (64 B, see  | room to prepend     | default 2048 B               |   |
 *   |  PacketMeta)| headers (VLAN, ...) |                              |   |
 *   +-------------+---------------------+------------------------------+---+
 * </pre>
 *
 * A frame's first byte sits at {@code 64 + PacketMeta.dataOffset} (relative to the buffer),
 * which starts at the headroom's end and moves left when a header is prepended.
 */
public final class PacketBufferDescriptor {
    public static final int META_LENGTH = 64;
    public static final int DEFAULT_HEADROOM = 128;
    public static final int DEFAULT_DATA_ROOM = 2048;
    public static final int MAX_DATA_ROOM = 64 * 1024 - 1;

    private PacketBufferDescriptor() {
    }

    /** Distance between consecutive buffers: metadata, headroom and data room rounded to a cache line. */
    public static int stride(int headroom, int dataRoom) {
        return Align.up(META_LENGTH + headroom + dataRoom, Align.CACHE_LINE);
    }
}

package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * What every header view is: a flyweight pointed at {@code [offset, offset + length)} of a
 * segment, re-pointed per packet with the subclass's {@code wrap}, holding no data of its
 * own. Subclasses add the accessors of their header. One view per thread.
 */
public abstract class HeaderView {
    MemorySegment seg = MemorySegment.NULL;
    long off;
    int len;

    HeaderView() {
    }

    final void point(MemorySegment segment, long offset, int length) {
        this.seg = segment;
        this.off = offset;
        this.len = length;
    }

    /** Offset of the header's first byte in the segment. */
    public final long offset() {
        return off;
    }

    /** Bytes from the header's start to the end of what the view was pointed at. */
    public final int length() {
        return len;
    }
}

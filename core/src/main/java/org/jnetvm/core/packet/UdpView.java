package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a UDP header. Wrap at {@link PacketParser#l4Offset()}; checksums with the
 * pseudo-header are in {@link Checksums}. One per thread, re-wrapped per packet.
 */
public final class UdpView extends TransportView {
    public static final int HEADER_LENGTH = 8;

    /** Points this view at the UDP header at {@code offset}; returns this. */
    public UdpView wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the L4 header of the frame the parser last parsed. */
    public UdpView wrap(PacketParser p) {
        return wrap(p.segment(), p.l4Offset(), p.l4Length());
    }

    /** The UDP length field: header plus data. */
    public int udpLength() {
        return Net.u16(seg, off + 4);
    }

    public void udpLength(int v) {
        Net.put16(seg, off + 4, v);
    }

    /** 0 over IPv4 means the sender computed none. */
    public int checksum() {
        return Net.u16(seg, off + 6);
    }

    public void checksum(int c) {
        Net.put16(seg, off + 6, c);
    }
}

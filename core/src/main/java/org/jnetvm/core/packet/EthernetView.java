package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an Ethernet II header (destination, source, EtherType) in a segment.
 * NF handlers wrap it at {@link PacketParser#l2Offset()} to read or rewrite MACs, e.g. a
 * forwarder swapping addresses. One instance per thread, re-wrapped per packet; holds no
 * data of its own. Getters do not validate: wrap only what the parser accepted.
 */
public final class EthernetView extends HeaderView {
    /** Bytes of header before any VLAN tag. */
    public static final int HEADER_LENGTH = 14;

    /** Points this view at the frame at {@code [offset, offset + length)}; returns this. */
    public EthernetView wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the frame the parser last parsed. */
    public EthernetView wrap(PacketParser p) {
        return wrap(p.segment(), p.l2Offset(), p.frameLength());
    }

    /** Destination MAC in the low 48 bits. */
    public long dst() {
        return Net.mac(seg, off);
    }

    public void dst(long mac) {
        Net.putMac(seg, off, mac);
    }

    /** Source MAC in the low 48 bits. */
    public long src() {
        return Net.mac(seg, off + 6);
    }

    public void src(long mac) {
        Net.putMac(seg, off + 6, mac);
    }

    /** The type field right after the source MAC (a TPID if the frame is tagged). */
    public int etherType() {
        return Net.u16(seg, off + 12);
    }

    public void etherType(int type) {
        Net.put16(seg, off + 12, type);
    }
}

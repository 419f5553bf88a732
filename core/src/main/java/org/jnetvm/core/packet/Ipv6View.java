package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the fixed 40-byte IPv6 header. Addresses are two longs each, high and low
 * 64 bits in network order, so an NF compares or hashes them without allocating. Wrap at
 * {@link PacketParser#l3Offset()}; extension headers are walked by the parser, whose
 * {@link PacketParser#ipProtocol()} is the final upper-layer protocol. One per thread.
 */
public final class Ipv6View extends HeaderView {
    public static final int HEADER_LENGTH = 40;

    /** Points this view at the IPv6 header at {@code offset}; returns this. */
    public Ipv6View wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the L3 packet of the frame the parser last parsed. */
    public Ipv6View wrap(PacketParser p) {
        return wrap(p.segment(), p.l3Offset(), p.l3Length());
    }

    public int version() {
        return Net.u8(seg, off) >>> 4;
    }

    public int trafficClass() {
        return (Net.i32(seg, off) >>> 20) & 0xFF;
    }

    public void trafficClass(int tc) {
        int w = Net.i32(seg, off);
        Net.put32(seg, off, (w & 0xF00F_FFFF) | ((tc & 0xFF) << 20));
    }

    /** 20-bit flow label. */
    public int flowLabel() {
        return Net.i32(seg, off) & 0xF_FFFF;
    }

    public void flowLabel(int label) {
        int w = Net.i32(seg, off);
        Net.put32(seg, off, (w & 0xFFF0_0000) | (label & 0xF_FFFF));
    }

    public int payloadLength() {
        return Net.u16(seg, off + 4);
    }

    public void payloadLength(int v) {
        Net.put16(seg, off + 4, v);
    }

    /** Next header of the fixed header (the first extension header, if any). */
    public int nextHeader() {
        return Net.u8(seg, off + 6);
    }

    public void nextHeader(int nh) {
        Net.put8(seg, off + 6, nh);
    }

    public int hopLimit() {
        return Net.u8(seg, off + 7);
    }

    public void hopLimit(int v) {
        Net.put8(seg, off + 7, v);
    }

    public long srcHi() {
        return Net.i64(seg, off + 8);
    }

    public long srcLo() {
        return Net.i64(seg, off + 16);
    }

    public void src(long hi, long lo) {
        Net.put64(seg, off + 8, hi);
        Net.put64(seg, off + 16, lo);
    }

    public long dstHi() {
        return Net.i64(seg, off + 24);
    }

    public long dstLo() {
        return Net.i64(seg, off + 32);
    }

    public void dst(long hi, long lo) {
        Net.put64(seg, off + 24, hi);
        Net.put64(seg, off + 32, lo);
    }
}

package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a TCP header. Firewalls, NATs and load balancers among the NFs read ports
 * and flags and rewrite ports; wrap at {@link PacketParser#l4Offset()}. The checksum needs
 * the IP pseudo-header, so compute/verify go through {@link Checksums} with the parser.
 * One per thread, re-wrapped per packet.
 */
public final class TcpView extends TransportView {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /** Points this view at the TCP segment at {@code offset} ({@code length} to the IP end). */
    public TcpView wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the L4 header of the frame the parser last parsed. */
    public TcpView wrap(PacketParser p) {
        return wrap(p.segment(), p.l4Offset(), p.l4Length());
    }

    /** Sequence number as an unsigned 32-bit value. */
    public long seq() {
        return Integer.toUnsignedLong(Net.i32(seg, off + 4));
    }

    public void seq(long seq) {
        Net.put32(seg, off + 4, (int) seq);
    }

    public long ack() {
        return Integer.toUnsignedLong(Net.i32(seg, off + 8));
    }

    public void ack(long ack) {
        Net.put32(seg, off + 8, (int) ack);
    }

    /** Header length in bytes (data offset * 4). */
    public int dataOffset() {
        return (Net.u8(seg, off + 12) >>> 4) * 4;
    }

    /** Sets the data offset from a header length in bytes. */
    public void dataOffset(int bytes) {
        Net.put8(seg, off + 12, ((bytes / 4) << 4) | (Net.u8(seg, off + 12) & 0x0F));
    }

    /** The 8 flag bits CWR..FIN (see the constants). */
    public int flags() {
        return Net.u8(seg, off + 13);
    }

    public void flags(int flags) {
        Net.put8(seg, off + 13, flags);
    }

    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    public int window() {
        return Net.u16(seg, off + 14);
    }

    public void window(int w) {
        Net.put16(seg, off + 14, w);
    }

    public int checksum() {
        return Net.u16(seg, off + 16);
    }

    public void checksum(int c) {
        Net.put16(seg, off + 16, c);
    }

    public int urgentPointer() {
        return Net.u16(seg, off + 18);
    }

    public void urgentPointer(int v) {
        Net.put16(seg, off + 18, v);
    }

    /** Bytes of options (data offset minus 20). */
    public int optionsLength() {
        return dataOffset() - 20;
    }
}

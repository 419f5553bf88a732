package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ICMP or ICMPv6 message header: type, code, checksum, and the identifier
 * and sequence of echo request/reply. Wrap at {@link PacketParser#l4Offset()}; whether it is
 * v4 or v6 is {@link PacketParser#l4Kind()}. Used by ping responders and by the 5-tuple code
 * (echo id as port). One per thread, re-wrapped per packet.
 */
public final class IcmpView extends HeaderView {
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    /** Points this view at the ICMP message at {@code offset}; returns this. */
    public IcmpView wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the L4 header of the frame the parser last parsed. */
    public IcmpView wrap(PacketParser p) {
        return wrap(p.segment(), p.l4Offset(), p.l4Length());
    }

    public int type() {
        return Net.u8(seg, off);
    }

    public void type(int t) {
        Net.put8(seg, off, t);
    }

    public int code() {
        return Net.u8(seg, off + 1);
    }

    public void code(int c) {
        Net.put8(seg, off + 1, c);
    }

    public int checksum() {
        return Net.u16(seg, off + 2);
    }

    public void checksum(int c) {
        Net.put16(seg, off + 2, c);
    }

    /** True for echo request/reply of either version, whose id/seq fields are meaningful. */
    public boolean isEcho(boolean v6) {
        int t = type();
        return v6 ? t == V6_ECHO_REQUEST || t == V6_ECHO_REPLY : t == ECHO_REQUEST || t == ECHO_REPLY;
    }

    /** Echo identifier (bytes 4-5). */
    public int identifier() {
        return Net.u16(seg, off + 4);
    }

    public void identifier(int id) {
        Net.put16(seg, off + 4, id);
    }

    /** Echo sequence number (bytes 6-7). */
    public int sequence() {
        return Net.u16(seg, off + 6);
    }

    public void sequence(int s) {
        Net.put16(seg, off + 6, s);
    }

    /** ICMPv4 only: the checksum this message should carry (ICMPv6 needs {@link Checksums#l4}). */
    public int computeIcmpv4Checksum() {
        return Checksums.icmpv4(seg, off, len);
    }
}

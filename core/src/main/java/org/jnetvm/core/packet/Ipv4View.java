package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an IPv4 header with its options. Routers, NATs and load balancers among the
 * NFs read and rewrite it in place; wrap at {@link PacketParser#l3Offset()}. One per thread,
 * re-wrapped per packet. Plain setters leave the checksum alone (batch several changes, then
 * {@link #updateChecksum()}); the {@code ...UpdatingChecksum} setters patch it incrementally
 * (RFC 1624), which is cheaper for a single field. Addresses are ints in network order
 * (10.0.0.1 is 0x0A000001).
 */
public final class Ipv4View extends HeaderView {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;

    /** Points this view at the IPv4 header at {@code offset}; returns this. */
    public Ipv4View wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the L3 packet of the frame the parser last parsed. */
    public Ipv4View wrap(PacketParser p) {
        return wrap(p.segment(), p.l3Offset(), p.l3Length());
    }

    public int version() {
        return Net.u8(seg, off) >>> 4;
    }

    /** Header length in bytes (IHL * 4), options included. */
    public int headerLength() {
        return (Net.u8(seg, off) & 0x0F) * 4;
    }

    /** Sets version 4 and IHL = {@code bytes / 4}. */
    public void headerLength(int bytes) {
        Net.put8(seg, off, 0x40 | ((bytes / 4) & 0x0F));
    }

    public int dscp() {
        return Net.u8(seg, off + 1) >>> 2;
    }

    public int ecn() {
        return Net.u8(seg, off + 1) & 3;
    }

    public int tos() {
        return Net.u8(seg, off + 1);
    }

    public void tos(int tos) {
        Net.put8(seg, off + 1, tos);
    }

    public int totalLength() {
        return Net.u16(seg, off + 2);
    }

    public void totalLength(int v) {
        Net.put16(seg, off + 2, v);
    }

    public int identification() {
        return Net.u16(seg, off + 4);
    }

    public void identification(int v) {
        Net.put16(seg, off + 4, v);
    }

    /** The 3 flag bits in place (0x4000 DF, 0x2000 MF). */
    public int flags() {
        return Net.u16(seg, off + 6) & 0xE000;
    }

    public boolean dontFragment() {
        return (flags() & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (flags() & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset() {
        return Net.u16(seg, off + 6) & 0x1FFF;
    }

    /** Sets flags (in place, 0xE000 mask) and fragment offset (8-byte units) together. */
    public void flagsAndFragmentOffset(int flags, int fragmentOffset) {
        Net.put16(seg, off + 6, (flags & 0xE000) | (fragmentOffset & 0x1FFF));
    }

    public int ttl() {
        return Net.u8(seg, off + 8);
    }

    public void ttl(int ttl) {
        Net.put8(seg, off + 8, ttl);
    }

    /** Sets the TTL and patches the header checksum incrementally. */
    public void ttlUpdatingChecksum(int ttl) {
        int oldWord = Net.u16(seg, off + 8);
        int newWord = ((ttl & 0xFF) << 8) | (oldWord & 0xFF);
        Net.put16(seg, off + 8, newWord);
        checksum(Checksums.incremental16(checksum(), oldWord, newWord));
    }

    public int protocol() {
        return Net.u8(seg, off + 9);
    }

    public void protocol(int p) {
        Net.put8(seg, off + 9, p);
    }

    public int checksum() {
        return Net.u16(seg, off + 10);
    }

    public void checksum(int c) {
        Net.put16(seg, off + 10, c);
    }

    public int src() {
        return Net.i32(seg, off + 12);
    }

    public void src(int ip) {
        Net.put32(seg, off + 12, ip);
    }

    /** Sets the source and patches the header checksum (not the L4 one; see Checksums#incremental32). */
    public void srcUpdatingChecksum(int ip) {
        int old = src();
        src(ip);
        checksum(Checksums.incremental32(checksum(), old, ip));
    }

    public int dst() {
        return Net.i32(seg, off + 16);
    }

    public void dst(int ip) {
        Net.put32(seg, off + 16, ip);
    }

    /** Sets the destination and patches the header checksum (not the L4 one). */
    public void dstUpdatingChecksum(int ip) {
        int old = dst();
        dst(ip);
        checksum(Checksums.incremental32(checksum(), old, ip));
    }

    /** Offset of the options (right after the fixed 20 bytes). */
    public long optionsOffset() {
        return off + MIN_HEADER_LENGTH;
    }

    /** Bytes of options, 0..40. */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Option byte {@code i} (0-based within the options). */
    public int optionByte(int i) {
        return Net.u8(seg, off + MIN_HEADER_LENGTH + i);
    }

    /** The checksum this header should carry. */
    public int computeChecksum() {
        return Checksums.ipv4Header(seg, off);
    }

    public boolean verifyChecksum() {
        return Checksums.verifyIpv4Header(seg, off, len);
    }

    /** Recomputes and writes the header checksum. */
    public void updateChecksum() {
        Checksums.updateIpv4Header(seg, off);
    }
}

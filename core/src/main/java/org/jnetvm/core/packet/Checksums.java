package org.jnetvm.core.packet;

import static org.jnetvm.core.packet.Net.i32;
import static org.jnetvm.core.packet.Net.i64;
import static org.jnetvm.core.packet.Net.u16;
import static org.jnetvm.core.packet.Net.u8;

import java.lang.foreign.MemorySegment;

/**
 * Internet checksums (RFC 1071) over frames in a segment: the plain sum, the IPv4 header
 * checksum, TCP/UDP/ICMPv6 with the IPv4 or IPv6 pseudo-header, ICMPv4, and incremental
 * updates (RFC 1624) for NFs that rewrite a TTL or an address.
 *
 * <p>Who calls it: NF handlers and the manager, on any thread; all methods are static,
 * allocation-free and lock-free. Offsets are absolute within the segment, as the
 * {@link PacketParser} reports them. Methods trust their offsets (the parser has checked
 * them); the segment's bounds check is the last line of defence.
 *
 * <p>Speed: the ones'-complement sum is independent of word size and byte order as long as
 * the carries are folded back in (RFC 1071 §2), so the sum reads 8 bytes at a time as two
 * 32-bit halves into a 64-bit accumulator and folds once at the end.
 *
 * <p>Limitation: the IPv6 pseudo-header uses the destination of the fixed header. A packet
 * with a Routing header whose Segments Left is non-zero should use the final destination
 * from the Routing header (RFC 8200 §8.1); that case is not handled yet.
 */
public final class Checksums {
    private static final int TCP_CSUM = 16;
    private static final int UDP_CSUM = 6;
    private static final int ICMP_CSUM = 2;

    private Checksums() {
    }

    /**
     * Unfolded ones'-complement sum of {@code [off, off + len)} read as big-endian 16-bit
     * words (an odd last byte is padded with zero). Add sums together and {@link #fold} once.
     */
    public static long sum(MemorySegment seg, long off, int len) {
        long acc = 0;
        long p = off;
        long end = off + len;
        // Each round adds at most 2 * (2^32 - 1); a 64-bit accumulator cannot overflow for any
        // length an int can express.
        while (end - p >= 32) {
            long a = i64(seg, p);
            long b = i64(seg, p + 8);
            long c = i64(seg, p + 16);
            long d = i64(seg, p + 24);
            acc += (a >>> 32) + (a & 0xFFFF_FFFFL) + (b >>> 32) + (b & 0xFFFF_FFFFL)
                    + (c >>> 32) + (c & 0xFFFF_FFFFL) + (d >>> 32) + (d & 0xFFFF_FFFFL);
            p += 32;
        }
        while (end - p >= 8) {
            long a = i64(seg, p);
            acc += (a >>> 32) + (a & 0xFFFF_FFFFL);
            p += 8;
        }
        if (end - p >= 4) {
            acc += Integer.toUnsignedLong(i32(seg, p));
            p += 4;
        }
        if (end - p >= 2) {
            acc += u16(seg, p);
            p += 2;
        }
        if (end - p == 1) {
            acc += (long) u8(seg, p) << 8;
        }
        return acc;
    }

    /** Folds an unfolded sum to 16 bits (end-around carry); not complemented. */
    public static int fold(long sum) {
        long s = (sum >>> 32) + (sum & 0xFFFF_FFFFL);
        s = (s >>> 16) + (s & 0xFFFF);
        s = (s >>> 16) + (s & 0xFFFF);
        s = (s >>> 16) + (s & 0xFFFF);
        return (int) s;
    }

    /** The RFC 1071 checksum of a range: complement of the folded sum. */
    public static int internet(MemorySegment seg, long off, int len) {
        return ~fold(sum(seg, off, len)) & 0xFFFF;
    }

    // ---- IPv4 header ----

    /**
     * Checksum the IPv4 header at {@code ipOff} should carry (its own field counted as 0).
     * An IHL below 5 is taken as 5; the header must lie within the segment.
     */
    public static int ipv4Header(MemorySegment seg, long ipOff) {
        int ihl = Math.max(20, (u8(seg, ipOff) & 0x0F) * 4);
        long s = sum(seg, ipOff, 10) + sum(seg, ipOff + 12, ihl - 12);
        return ~fold(s) & 0xFFFF;
    }

    /** True if the IPv4 header at {@code ipOff} carries a correct checksum. */
    public static boolean verifyIpv4Header(MemorySegment seg, long ipOff) {
        return verifyIpv4Header(seg, ipOff, seg.byteSize() - ipOff);
    }

    /**
     * True if the IPv4 header at {@code ipOff} carries a correct checksum and its IHL is
     * between 5 and {@code maxLength} bytes; a header whose IHL is garbage is simply not
     * valid, so this never reads beyond {@code maxLength}.
     */
    public static boolean verifyIpv4Header(MemorySegment seg, long ipOff, long maxLength) {
        if (maxLength < 20) {
            return false;
        }
        int ihl = (u8(seg, ipOff) & 0x0F) * 4;
        if (ihl < 20 || ihl > maxLength) {
            return false;
        }
        return fold(sum(seg, ipOff, ihl)) == 0xFFFF;
    }

    /** Computes and writes the IPv4 header checksum. */
    public static void updateIpv4Header(MemorySegment seg, long ipOff) {
        Net.put16(seg, ipOff + 10, ipv4Header(seg, ipOff));
    }

    // ---- pseudo-headers ----

    /** Unfolded sum of the IPv4 pseudo-header (src, dst, zero, protocol, L4 length). */
    public static long ipv4PseudoSum(MemorySegment seg, long ipOff, int protocol, int l4Len) {
        return sum(seg, ipOff + 12, 8) + protocol + l4Len;
    }

    /** Unfolded sum of the IPv6 pseudo-header (src, dst, 32-bit L4 length, next header). */
    public static long ipv6PseudoSum(MemorySegment seg, long ipOff, int protocol, int l4Len) {
        return sum(seg, ipOff + 8, 32) + (l4Len >>> 16) + (l4Len & 0xFFFF) + protocol;
    }

    private static int checksumField(int protocol) {
        return switch (protocol) {
            case PacketParser.PROTO_TCP -> TCP_CSUM;
            case PacketParser.PROTO_UDP -> UDP_CSUM;
            default -> ICMP_CSUM;
        };
    }

    // Sum of the L4 range with its checksum field skipped, i.e. counted as zero.
    private static long sumWithoutField(MemorySegment seg, long l4Off, int l4Len, int field) {
        return sum(seg, l4Off, field) + sum(seg, l4Off + field + 2, l4Len - field - 2);
    }

    /**
     * Checksum the TCP, UDP or ICMPv6 segment at {@code l4Off} (length {@code l4Len}) should
     * carry, with the pseudo-header of the IPv4 ({@code ipv6 == false}) or IPv6 header at
     * {@code ipOff}. For ICMPv4 use {@link #icmpv4}. A UDP result of 0 is returned as 0xFFFF,
     * since 0 on the wire means "no checksum".
     */
    public static int l4(MemorySegment seg, boolean ipv6, long ipOff, int protocol, long l4Off, int l4Len) {
        long s = ipv6 ? ipv6PseudoSum(seg, ipOff, protocol, l4Len) : ipv4PseudoSum(seg, ipOff, protocol, l4Len);
        s += sumWithoutField(seg, l4Off, l4Len, checksumField(protocol));
        int c = ~fold(s) & 0xFFFF;
        return c == 0 && protocol == PacketParser.PROTO_UDP ? 0xFFFF : c;
    }

    /**
     * True if the TCP, UDP or ICMPv6 segment carries a correct checksum. UDP over IPv4 with
     * checksum 0 passes (the sender chose none); over IPv6 it fails (RFC 8200 §8.1).
     */
    public static boolean verifyL4(MemorySegment seg, boolean ipv6, long ipOff, int protocol, long l4Off, int l4Len) {
        if (protocol == PacketParser.PROTO_UDP && u16(seg, l4Off + UDP_CSUM) == 0) {
            return !ipv6;
        }
        long s = ipv6 ? ipv6PseudoSum(seg, ipOff, protocol, l4Len) : ipv4PseudoSum(seg, ipOff, protocol, l4Len);
        return fold(s + sum(seg, l4Off, l4Len)) == 0xFFFF;
    }

    /** Checksum an ICMPv4 message should carry (no pseudo-header). */
    public static int icmpv4(MemorySegment seg, long l4Off, int l4Len) {
        return ~fold(sumWithoutField(seg, l4Off, l4Len, ICMP_CSUM)) & 0xFFFF;
    }

    /** True if an ICMPv4 message carries a correct checksum. */
    public static boolean verifyIcmpv4(MemorySegment seg, long l4Off, int l4Len) {
        return fold(sum(seg, l4Off, l4Len)) == 0xFFFF;
    }

    // ---- from a parse result ----

    /**
     * True if the parsed frame's L4 checksum (TCP, UDP, ICMP or ICMPv6) is correct. False for
     * a frame with no checkable L4: not parsed OK, no TCP/UDP/ICMP, or a fragment (the
     * checksum covers the whole datagram, which this frame does not hold).
     */
    public static boolean verifyL4(PacketParser p) {
        if (!hasCheckableL4(p)) {
            return false;
        }
        if (p.l4Kind() == L4Kind.ICMP) {
            return verifyIcmpv4(p.segment(), p.l4Offset(), p.l4Length());
        }
        return verifyL4(p.segment(), p.l3Kind() == L3Kind.IPV6, p.l3Offset(), p.ipProtocol(), p.l4Offset(), p.l4Length());
    }

    /**
     * Recomputes and writes the parsed frame's L4 checksum; returns false (and writes nothing)
     * when {@link #verifyL4(PacketParser)} would have nothing to check.
     */
    public static boolean updateL4(PacketParser p) {
        if (!hasCheckableL4(p)) {
            return false;
        }
        MemorySegment seg = p.segment();
        int field = checksumField(p.ipProtocol());
        int c = p.l4Kind() == L4Kind.ICMP
                ? icmpv4(seg, p.l4Offset(), p.l4Length())
                : l4(seg, p.l3Kind() == L3Kind.IPV6, p.l3Offset(), p.ipProtocol(), p.l4Offset(), p.l4Length());
        Net.put16(seg, p.l4Offset() + field, c);
        return true;
    }

    private static boolean hasCheckableL4(PacketParser p) {
        if (p.result() != PacketParser.OK || p.isFragment()) {
            return false;
        }
        L4Kind k = p.l4Kind();
        return k == L4Kind.TCP || k == L4Kind.UDP || k == L4Kind.ICMP || k == L4Kind.ICMPV6;
    }

    // ---- incremental update, RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') ----

    /**
     * New checksum after one 16-bit word covered by {@code oldChecksum} changed from
     * {@code oldWord} to {@code newWord}.
     */
    public static int incremental16(int oldChecksum, int oldWord, int newWord) {
        long s = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /**
     * New checksum after one 32-bit value (an IPv4 address) covered by {@code oldChecksum}
     * changed. Use it for the IPv4 header and again for the TCP/UDP checksum, whose
     * pseudo-header holds the addresses too (but leave a UDP checksum of 0 alone).
     */
    public static int incremental32(int oldChecksum, int oldValue, int newValue) {
        long s = (~oldChecksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + ((newValue >>> 16) & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }
}

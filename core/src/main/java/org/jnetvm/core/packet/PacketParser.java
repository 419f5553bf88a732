package org.jnetvm.core.packet;

import static org.jnetvm.core.packet.Net.u16;
import static org.jnetvm.core.packet.Net.u8;

import java.lang.foreign.MemorySegment;

/**
 * Walks one frame's headers (Ethernet, up to two VLAN tags, IPv4/IPv6/ARP, IPv6 extension
 * headers, TCP/UDP/ICMP/ICMPv6) and keeps where each one starts, so views can be wrapped at
 * those offsets without parsing again.
 *
 * <p>Who calls it: rx/classify threads of the manager and NF packet handlers, once per packet.
 * One parser per thread, reused for every packet: {@link #parse} overwrites all results and
 * allocates nothing, takes no lock and throws nothing for bad input; a malformed frame yields
 * a non-zero {@link MalformedReason#code() code}. Every offset it reports is absolute within
 * the segment passed to {@code parse} (the same coordinates the views' {@code wrap} takes), so
 * the frame never needs a slice of its own. Results are valid until the next {@code parse}.
 *
 * <p>Only the bytes inside {@code [offset, offset + length)} are read; the parser checks
 * every length before it reads, so the segment's own bounds check never fires.
 */
public final class PacketParser {
    /** Result code of a frame that parsed completely. */
    public static final int OK = 0;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int TPID_8021Q = 0x8100;
    public static final int TPID_8021AD = 0x88A8;
    public static final int MAX_VLANS = 2;

    public static final int PROTO_HOPOPT = 0;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ROUTING = 43;
    public static final int PROTO_FRAGMENT = 44;
    public static final int PROTO_ESP = 50;
    public static final int PROTO_AH = 51;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_NONE = 59;
    public static final int PROTO_DSTOPTS = 60;

    private static final int ETH_HLEN = 14;
    private static final int IPV4_MIN_HLEN = 20;
    private static final int IPV6_HLEN = 40;

    private MemorySegment segment;
    private long frameOffset;
    private int frameLength;
    private int result;

    private int vlanCount;
    // Two fields instead of an array: the common case reads one of them, and no bounds checks.
    private int tpid0;
    private int tci0;
    private int tpid1;
    private int tci1;
    private int etherType;

    private L3Kind l3Kind;
    private long l3Offset;
    private int l3HeaderLength;
    private long l3End;
    private boolean fragment;
    private int ipv6ExtCount;

    private L4Kind l4Kind;
    private int ipProtocol;
    private long l4Offset;
    private long payloadOffset;
    private int payloadLength;

    /** A parser with no frame; call {@link #parse} before any getter. */
    public PacketParser() {
        clear(MemorySegment.NULL, 0, 0);
    }

    /**
     * Parses the frame at {@code [offset, offset + length)} of {@code seg}.
     *
     * @return {@link #OK} or a {@link MalformedReason#code()}; results up to the failing
     *     layer stay filled in (for counters and debugging)
     */
    public int parse(MemorySegment seg, long offset, int length) {
        clear(seg, offset, length);
        // A length beyond the segment is the caller's bug, not the sender's; treat the frame as
        // ending at the segment's end so we still never read outside it.
        long end = offset + Math.max(0, length);
        if (offset < 0 || offset > seg.byteSize()) {
            return result = MalformedReason.TRUNCATED_ETHERNET.code();
        }
        if (end > seg.byteSize()) {
            end = seg.byteSize();
        }
        if (end - offset < ETH_HLEN) {
            return result = MalformedReason.TRUNCATED_ETHERNET.code();
        }
        int type = u16(seg, offset + 12);
        long pos = offset + ETH_HLEN;
        while ((type == TPID_8021Q || type == TPID_8021AD) && vlanCount < MAX_VLANS) {
            if (end - pos < 4) {
                return result = MalformedReason.TRUNCATED_VLAN.code();
            }
            int tci = u16(seg, pos);
            if (vlanCount == 0) {
                tpid0 = type;
                tci0 = tci;
            } else {
                tpid1 = type;
                tci1 = tci;
            }
            vlanCount++;
            type = u16(seg, pos + 2);
            pos += 4;
        }
        // A third tag is legal but beyond what we classify: it stays as an "other" EtherType.
        etherType = type;
        l3Offset = pos;
        l3End = end;
        return result = switch (type) {
            case ETHERTYPE_IPV4 -> parseIpv4(seg, pos, end);
            case ETHERTYPE_IPV6 -> parseIpv6(seg, pos, end);
            case ETHERTYPE_ARP -> parseArp(seg, pos, end);
            default -> {
                l3Kind = L3Kind.OTHER;
                setPayload(pos, end);
                yield OK;
            }
        };
    }

    private void clear(MemorySegment seg, long offset, int length) {
        segment = seg;
        frameOffset = offset;
        frameLength = length;
        result = OK;
        vlanCount = 0;
        tpid0 = tci0 = tpid1 = tci1 = 0;
        etherType = 0;
        l3Kind = L3Kind.NONE;
        l3Offset = -1;
        l3HeaderLength = 0;
        l3End = -1;
        fragment = false;
        ipv6ExtCount = 0;
        l4Kind = L4Kind.NONE;
        ipProtocol = -1;
        l4Offset = -1;
        payloadOffset = -1;
        payloadLength = 0;
    }

    private int parseIpv4(MemorySegment seg, long pos, long end) {
        l3Kind = L3Kind.IPV4;
        long avail = end - pos;
        if (avail < IPV4_MIN_HLEN) {
            return MalformedReason.TRUNCATED_IPV4.code();
        }
        int b0 = u8(seg, pos);
        if ((b0 >>> 4) != 4) {
            return MalformedReason.BAD_IPV4_VERSION.code();
        }
        int ihl = (b0 & 0x0F) * 4;
        if (ihl < IPV4_MIN_HLEN) {
            return MalformedReason.BAD_IPV4_IHL.code();
        }
        if (ihl > avail) {
            return MalformedReason.TRUNCATED_IPV4.code();
        }
        int total = u16(seg, pos + 2);
        if (total < ihl || total > avail) {
            return MalformedReason.BAD_IPV4_TOTAL_LENGTH.code();
        }
        l3HeaderLength = ihl;
        // Ethernet pads short frames to 60 bytes; the IP total length says where the packet ends.
        l3End = pos + total;
        ipProtocol = u8(seg, pos + 9);
        int frag = u16(seg, pos + 6);
        fragment = (frag & 0x3FFF) != 0; // MF flag or a non-zero offset
        long l4 = pos + ihl;
        if ((frag & 0x1FFF) != 0) {
            l4Kind = L4Kind.FRAGMENT;
            l4Offset = l4;
            setPayload(l4, l3End);
            return OK;
        }
        return parseL4(seg, ipProtocol, l4, l3End);
    }

    private int parseIpv6(MemorySegment seg, long pos, long end) {
        l3Kind = L3Kind.IPV6;
        if (end - pos < IPV6_HLEN) {
            return MalformedReason.TRUNCATED_IPV6.code();
        }
        if ((u8(seg, pos) >>> 4) != 6) {
            return MalformedReason.BAD_IPV6_VERSION.code();
        }
        int payloadLen = u16(seg, pos + 4);
        if (IPV6_HLEN + (long) payloadLen > end - pos) {
            return MalformedReason.BAD_IPV6_PAYLOAD_LENGTH.code();
        }
        long stop = pos + IPV6_HLEN + payloadLen;
        l3End = stop;
        int next = u8(seg, pos + 6);
        long p = pos + IPV6_HLEN;
        // Every extension header is at least 8 bytes and must fit before `stop`, so this loop
        // ends after at most payloadLen / 8 rounds whatever the bytes say.
        while (true) {
            int hdrLen;
            switch (next) {
                case PROTO_HOPOPT, PROTO_ROUTING, PROTO_DSTOPTS -> {
                    if (stop - p < 8) {
                        return truncatedExt(pos, p, next);
                    }
                    hdrLen = (u8(seg, p + 1) + 1) * 8;
                }
                case PROTO_AH -> {
                    if (stop - p < 8) {
                        return truncatedExt(pos, p, next);
                    }
                    // AH counts 4-byte units minus 2, unlike the other extension headers.
                    hdrLen = (u8(seg, p + 1) + 2) * 4;
                }
                case PROTO_FRAGMENT -> {
                    if (stop - p < 8) {
                        return truncatedExt(pos, p, next);
                    }
                    int fragWord = u16(seg, p + 2);
                    // Offset 0 with M clear is an "atomic fragment" (RFC 6946): a whole datagram.
                    fragment |= (fragWord & 0xFFF9) != 0;
                    int offsetField = fragWord >>> 3;
                    if (offsetField != 0) {
                        ipv6ExtCount++;
                        l3HeaderLength = (int) (p + 8 - pos);
                        ipProtocol = u8(seg, p);
                        l4Kind = L4Kind.FRAGMENT;
                        l4Offset = p + 8;
                        setPayload(p + 8, stop);
                        return OK;
                    }
                    hdrLen = 8;
                }
                default -> {
                    // ESP encrypts what follows and 59 says nothing follows: both end the walk,
                    // like any upper-layer protocol.
                    l3HeaderLength = (int) (p - pos);
                    ipProtocol = next;
                    return parseL4(seg, next, p, stop);
                }
            }
            if (hdrLen > stop - p) {
                return truncatedExt(pos, p, next);
            }
            next = u8(seg, p);
            p += hdrLen;
            ipv6ExtCount++;
        }
    }

    private int truncatedExt(long pos, long p, int next) {
        l3HeaderLength = (int) (p - pos);
        ipProtocol = next;
        return MalformedReason.TRUNCATED_IPV6_EXT.code();
    }

    private int parseArp(MemorySegment seg, long pos, long end) {
        l3Kind = L3Kind.ARP;
        long avail = end - pos;
        if (avail < 8) {
            return MalformedReason.TRUNCATED_ARP.code();
        }
        int arpLen = 8 + 2 * (u8(seg, pos + 4) + u8(seg, pos + 5));
        if (arpLen > avail) {
            return MalformedReason.TRUNCATED_ARP.code();
        }
        l3HeaderLength = arpLen;
        setPayload(pos + arpLen, pos + arpLen);
        return OK;
    }

    private int parseL4(MemorySegment seg, int proto, long p, long stop) {
        ipProtocol = proto;
        l4Offset = p;
        long avail = stop - p;
        switch (proto) {
            case PROTO_TCP -> {
                l4Kind = L4Kind.TCP;
                if (avail < 20) {
                    return MalformedReason.TRUNCATED_TCP.code();
                }
                int doff = (u8(seg, p + 12) >>> 4) * 4;
                if (doff < 20 || doff > avail) {
                    return MalformedReason.BAD_TCP_DATA_OFFSET.code();
                }
                setPayload(p + doff, stop);
            }
            case PROTO_UDP -> {
                l4Kind = L4Kind.UDP;
                if (avail < 8) {
                    return MalformedReason.TRUNCATED_UDP.code();
                }
                int udpLen = u16(seg, p + 4);
                if (udpLen < 8 || udpLen > avail) {
                    return MalformedReason.BAD_UDP_LENGTH.code();
                }
                setPayload(p + 8, p + udpLen);
            }
            case PROTO_ICMP, PROTO_ICMPV6 -> {
                l4Kind = proto == PROTO_ICMP ? L4Kind.ICMP : L4Kind.ICMPV6;
                if (avail < 8) {
                    return MalformedReason.TRUNCATED_ICMP.code();
                }
                setPayload(p + 8, stop);
            }
            default -> {
                l4Kind = L4Kind.OTHER;
                setPayload(p, stop);
            }
        }
        return OK;
    }

    private void setPayload(long from, long to) {
        payloadOffset = from;
        payloadLength = (int) (to - from);
    }

    /** The segment of the last parsed frame. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of the frame (and of its Ethernet header, the L2 offset) in {@link #segment()}. */
    public long l2Offset() {
        return frameOffset;
    }

    /** Length the caller gave for the frame. */
    public int frameLength() {
        return frameLength;
    }

    /** Result of the last {@link #parse}: {@link #OK} or a {@link MalformedReason#code()}. */
    public int result() {
        return result;
    }

    /** Number of VLAN tags found, 0..{@value #MAX_VLANS}; outermost is index 0. */
    public int vlanCount() {
        return vlanCount;
    }

    /** TPID (0x8100 or 0x88A8) of tag {@code i}, or 0 if there is no such tag. */
    public int vlanTpid(int i) {
        return i == 0 && vlanCount > 0 ? tpid0 : i == 1 && vlanCount > 1 ? tpid1 : 0;
    }

    /** Tag control information (PCP, DEI, VID) of tag {@code i}, or 0 if there is no such tag. */
    public int vlanTci(int i) {
        return i == 0 && vlanCount > 0 ? tci0 : i == 1 && vlanCount > 1 ? tci1 : 0;
    }

    /** 12-bit VLAN ID of tag {@code i}, or 0 if there is no such tag. */
    public int vlanId(int i) {
        return vlanTci(i) & 0x0FFF;
    }

    /** Offset of VLAN tag {@code i} (its TCI; the TPID is the 2 bytes before it). */
    public long vlanOffset(int i) {
        return frameOffset + ETH_HLEN + 4L * i;
    }

    /** EtherType after the VLAN tags (the TPID of a third tag if there was one). */
    public int etherType() {
        return etherType;
    }

    /** What the L3 header is. */
    public L3Kind l3Kind() {
        return l3Kind;
    }

    /** Offset of the L3 header, or -1 if the frame ended before it. */
    public long l3Offset() {
        return l3Offset;
    }

    /**
     * Bytes of L3 header: IPv4 IHL*4 (with options), IPv6 40 plus all extension headers
     * walked, ARP its full length.
     */
    public int l3HeaderLength() {
        return l3HeaderLength;
    }

    /**
     * End of the L3 packet: for IP the offset its length field says (Ethernet padding excluded),
     * otherwise the end of the frame.
     */
    public long l3End() {
        return l3End;
    }

    /** Length of the L3 packet from {@link #l3Offset()} to {@link #l3End()}. */
    public int l3Length() {
        return l3Offset < 0 ? 0 : (int) (l3End - l3Offset);
    }

    /** True if the IP packet is any fragment (first, middle or last) of a larger datagram. */
    public boolean isFragment() {
        return fragment;
    }

    /** Number of IPv6 extension headers walked. */
    public int ipv6ExtensionCount() {
        return ipv6ExtCount;
    }

    /** Upper-layer protocol number after all extension headers, or -1 if not IP. */
    public int ipProtocol() {
        return ipProtocol;
    }

    /** What the L4 header is. */
    public L4Kind l4Kind() {
        return l4Kind;
    }

    /** Offset of the L4 header (of the fragment data for {@link L4Kind#FRAGMENT}), or -1. */
    public long l4Offset() {
        return l4Offset;
    }

    /** Length from {@link #l4Offset()} to {@link #l3End()}: what L4 checksums cover. */
    public int l4Length() {
        return l4Offset < 0 ? 0 : (int) (l3End - l4Offset);
    }

    /** Offset of the application payload, or -1. */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** Length of the application payload (UDP: as its length field says). */
    public int payloadLength() {
        return payloadLength;
    }
}

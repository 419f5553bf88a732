package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * A flow key: family, protocol, source and destination address and port. Mutable and
 * reusable: the classifier keeps one per thread and {@link #extract}s into it per packet
 * without allocating; the flow table copies it into its own storage. Addresses are two
 * longs each (IPv4: {@code hi = 0}, {@code lo} = the address as an unsigned 32-bit value;
 * IPv6: high and low 64 bits in network order).
 *
 * <p>Ports: TCP/UDP ports; for ICMP/ICMPv6 echo, the echo identifier as both ports (so a
 * ping's request and reply are one flow); 0 for anything else. Every fragment of a datagram
 * (first ones included) gets ports 0, so all fragments land on the same flow as each other.
 */
public final class FiveTuple {
    /** Not an IP packet (or not parsed OK). */
    public static final int FAMILY_NONE = 0;
    public static final int FAMILY_IPV4 = 4;
    public static final int FAMILY_IPV6 = 6;

    private int family;
    private int protocol;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;

    /**
     * Fills this tuple from the frame the parser last parsed. Returns false and leaves
     * {@link #FAMILY_NONE} if the frame was not parsed OK or is not IP.
     */
    public boolean extract(PacketParser p) {
        clear();
        if (p.result() != PacketParser.OK) {
            return false;
        }
        MemorySegment seg = p.segment();
        long ip = p.l3Offset();
        switch (p.l3Kind()) {
            case IPV4 -> {
                family = FAMILY_IPV4;
                srcLo = Integer.toUnsignedLong(Net.i32(seg, ip + 12));
                dstLo = Integer.toUnsignedLong(Net.i32(seg, ip + 16));
            }
            case IPV6 -> {
                family = FAMILY_IPV6;
                srcHi = Net.i64(seg, ip + 8);
                srcLo = Net.i64(seg, ip + 16);
                dstHi = Net.i64(seg, ip + 24);
                dstLo = Net.i64(seg, ip + 32);
            }
            default -> {
                return false;
            }
        }
        protocol = p.ipProtocol();
        srcPort = srcPortOf(p);
        dstPort = dstPortOf(p);
        return true;
    }

    /** The source port {@link #extract} would set (see the class comment). */
    static int srcPortOf(PacketParser p) {
        return portOf(p, 0);
    }

    /** The destination port {@link #extract} would set. */
    static int dstPortOf(PacketParser p) {
        return portOf(p, 2);
    }

    private static int portOf(PacketParser p, int at) {
        if (p.isFragment()) {
            return 0;
        }
        MemorySegment seg = p.segment();
        long l4 = p.l4Offset();
        return switch (p.l4Kind()) {
            case TCP, UDP -> Net.u16(seg, l4 + at);
            case ICMP -> {
                int t = Net.u8(seg, l4);
                yield t == IcmpView.ECHO_REQUEST || t == IcmpView.ECHO_REPLY ? Net.u16(seg, l4 + 4) : 0;
            }
            case ICMPV6 -> {
                int t = Net.u8(seg, l4);
                yield t == IcmpView.V6_ECHO_REQUEST || t == IcmpView.V6_ECHO_REPLY ? Net.u16(seg, l4 + 4) : 0;
            }
            default -> 0;
        };
    }

    /** Resets to {@link #FAMILY_NONE} with everything zero. */
    public FiveTuple clear() {
        family = protocol = srcPort = dstPort = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        return this;
    }

    /** Sets an IPv4 tuple; addresses as network-order ints. */
    public FiveTuple setIpv4(int src, int dst, int srcPort, int dstPort, int protocol) {
        this.family = FAMILY_IPV4;
        this.srcHi = 0;
        this.srcLo = Integer.toUnsignedLong(src);
        this.dstHi = 0;
        this.dstLo = Integer.toUnsignedLong(dst);
        this.srcPort = srcPort & 0xFFFF;
        this.dstPort = dstPort & 0xFFFF;
        this.protocol = protocol;
        return this;
    }

    /** Sets an IPv6 tuple. */
    public FiveTuple setIpv6(long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort, int protocol) {
        this.family = FAMILY_IPV6;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.srcPort = srcPort & 0xFFFF;
        this.dstPort = dstPort & 0xFFFF;
        this.protocol = protocol;
        return this;
    }

    /** Swaps source and destination in place (the reply direction). */
    public FiveTuple reverse() {
        long h = srcHi;
        long l = srcLo;
        srcHi = dstHi;
        srcLo = dstLo;
        dstHi = h;
        dstLo = l;
        int p = srcPort;
        srcPort = dstPort;
        dstPort = p;
        return this;
    }

    /** Copies every field of {@code o} into this. */
    public FiveTuple copyFrom(FiveTuple o) {
        family = o.family;
        protocol = o.protocol;
        srcHi = o.srcHi;
        srcLo = o.srcLo;
        dstHi = o.dstHi;
        dstLo = o.dstLo;
        srcPort = o.srcPort;
        dstPort = o.dstPort;
        return this;
    }

    /** Field-by-field equality (not {@code equals}: this object is mutable and reused). */
    public boolean sameAs(FiveTuple o) {
        return family == o.family && protocol == o.protocol && srcHi == o.srcHi && srcLo == o.srcLo
                && dstHi == o.dstHi && dstLo == o.dstLo && srcPort == o.srcPort && dstPort == o.dstPort;
    }

    public int family() {
        return family;
    }

    public int protocol() {
        return protocol;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** IPv4 source as a network-order int. */
    public int srcIpv4() {
        return (int) srcLo;
    }

    /** IPv4 destination as a network-order int. */
    public int dstIpv4() {
        return (int) dstLo;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    /** For logs and tests only: allocates. */
    @Override
    public String toString() {
        if (family == FAMILY_IPV4) {
            return "ipv4 proto=" + protocol + " " + v4(srcLo) + ":" + srcPort + " -> " + v4(dstLo) + ":" + dstPort;
        }
        if (family == FAMILY_IPV6) {
            return "ipv6 proto=" + protocol + " [" + Long.toHexString(srcHi) + ":" + Long.toHexString(srcLo) + "]:"
                    + srcPort + " -> [" + Long.toHexString(dstHi) + ":" + Long.toHexString(dstLo) + "]:" + dstPort;
        }
        return "none";
    }

    private static String v4(long a) {
        return (a >>> 24 & 0xFF) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }
}

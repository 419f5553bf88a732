package org.jnetvm.core.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper that builds valid frames (Ethernet, 0..n VLAN tags, IPv4 with options, IPv6
 * with extension headers, TCP/UDP/ICMP/ICMPv6, ARP) into a byte[], with every checksum
 * computed by {@link #naiveChecksum}, a byte-by-byte RFC 1071 sum that shares no code with
 * {@link Checksums}. Fields are public and mutable so property tests can set exactly what
 * they later expect the parser to report. Also reused by other modules' tests (test-jar).
 */
public final class FrameBuilder {
    public static final int L3_IPV4 = 4;
    public static final int L3_IPV6 = 6;
    public static final int L3_ARP = 0x0806;
    public static final int L3_RAW = -1;

    public long dstMac = 0x02_00_00_00_00_02L;
    public long srcMac = 0x02_00_00_00_00_01L;
    /** Tags outermost first, each {tpid, tci}. */
    public final List<int[]> vlans = new ArrayList<>();
    public int l3 = L3_IPV4;
    /** EtherType for {@link #L3_RAW}. */
    public int rawEtherType = 0x88B5;

    // IPv4
    public int src4 = 0x0A000001;
    public int dst4 = 0x0A000002;
    public int ttl = 64;
    public int tos;
    public int ipId = 1;
    public byte[] ipv4Options = new byte[0];
    public boolean moreFragments;
    public int fragmentOffset8;

    // IPv6
    public long srcHi = 0xFD00_0000_0000_0000L;
    public long srcLo = 1;
    public long dstHi = 0xFD00_0000_0000_0000L;
    public long dstLo = 2;
    public int flowLabel;
    public int hopLimit = 64;
    /** Extension headers in order, each {type, lengthInBytes}; fragment headers are atomic unless fragmentOffset8 != 0. */
    public final List<int[]> ipv6Ext = new ArrayList<>();

    // L4
    public int protocol = PacketParser.PROTO_UDP;
    public int srcPort = 1234;
    public int dstPort = 80;
    public long seq = 1;
    public long ack;
    public int tcpFlags = TcpView.ACK;
    public int window = 65535;
    public int tcpOptionsLength;
    public int icmpType = IcmpView.ECHO_REQUEST;
    public int icmpCode;
    public int icmpId = 7;
    public int icmpSeq = 1;
    public boolean udpZeroChecksum;
    public byte[] payload = new byte[0];

    // ARP
    public int arpOp = ArpView.OP_REQUEST;

    /** Where things landed in the last {@link #build()}, relative to the frame start. */
    public int l3Offset;
    public int l4Offset;
    public int payloadOffset;

    public FrameBuilder vlan(int tpid, int vid) {
        vlans.add(new int[] {tpid, vid});
        return this;
    }

    public byte[] build() {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlans.size() + 40 + 8 * 256 + 60 + payload.length + 64);
        putMac(b, dstMac);
        putMac(b, srcMac);
        for (int[] v : vlans) {
            b.putShort((short) v[0]);
            b.putShort((short) v[1]);
        }
        l3Offset = b.position() + 2;
        switch (l3) {
            case L3_IPV4 -> {
                b.putShort((short) PacketParser.ETHERTYPE_IPV4);
                buildIpv4(b);
            }
            case L3_IPV6 -> {
                b.putShort((short) PacketParser.ETHERTYPE_IPV6);
                buildIpv6(b);
            }
            case L3_ARP -> {
                b.putShort((short) PacketParser.ETHERTYPE_ARP);
                b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) arpOp);
                putMac(b, srcMac);
                b.putInt(src4);
                putMac(b, arpOp == ArpView.OP_REPLY ? dstMac : 0);
                b.putInt(dst4);
                l4Offset = -1;
                payloadOffset = b.position();
            }
            default -> {
                b.putShort((short) rawEtherType);
                payloadOffset = b.position();
                b.put(payload);
            }
        }
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    private void buildIpv4(ByteBuffer b) {
        if (ipv4Options.length % 4 != 0 || ipv4Options.length > 40) {
            throw new IllegalArgumentException("IPv4 options must be a multiple of 4 up to 40: " + ipv4Options.length);
        }
        int ihl = 20 + ipv4Options.length;
        byte[] l4 = l4Bytes(false);
        int start = b.position();
        b.put((byte) (0x40 | ihl / 4)).put((byte) tos).putShort((short) (ihl + l4.length)).putShort((short) ipId);
        b.putShort((short) ((moreFragments ? 0x2000 : 0) | fragmentOffset8));
        b.put((byte) ttl).put((byte) protocol).putShort((short) 0).putInt(src4).putInt(dst4).put(ipv4Options);
        b.putShort(start + 10, (short) naiveChecksum(b.array(), start, ihl, 0));
        l4Offset = b.position();
        b.put(l4);
        fixL4(b.array(), l4Offset, l4.length, pseudo4(l4.length));
    }

    private void buildIpv6(ByteBuffer b) {
        byte[] l4 = l4Bytes(true);
        int extLen = 0;
        for (int[] e : ipv6Ext) {
            extLen += e[1];
        }
        b.putInt(0x6000_0000 | (flowLabel & 0xF_FFFF)).putShort((short) (extLen + l4.length));
        b.put((byte) (ipv6Ext.isEmpty() ? protocol : ipv6Ext.get(0)[0])).put((byte) hopLimit);
        b.putLong(srcHi).putLong(srcLo).putLong(dstHi).putLong(dstLo);
        for (int i = 0; i < ipv6Ext.size(); i++) {
            int type = ipv6Ext.get(i)[0];
            int len = ipv6Ext.get(i)[1];
            int next = i + 1 < ipv6Ext.size() ? ipv6Ext.get(i + 1)[0] : protocol;
            int start = b.position();
            b.put((byte) next);
            switch (type) {
                case PacketParser.PROTO_FRAGMENT -> {
                    b.put((byte) 0).putShort((short) ((fragmentOffset8 << 3) | (moreFragments ? 1 : 0))).putInt(0x1234);
                }
                case PacketParser.PROTO_AH -> b.put((byte) (len / 4 - 2));
                default -> b.put((byte) (len / 8 - 1));
            }
            if (type == PacketParser.PROTO_ROUTING) {
                b.put((byte) 0).put((byte) 0); // routing type 0, segments left 0: dst is final
            }
            while (b.position() < start + len) {
                b.put((byte) 0); // Pad1 options / reserved / zero ICV
            }
        }
        l4Offset = b.position();
        b.put(l4);
        fixL4(b.array(), l4Offset, l4.length, protocol == PacketParser.PROTO_ICMP ? -1 : pseudo6(l4.length));
    }

    private byte[] l4Bytes(boolean v6) {
        ByteBuffer b;
        switch (protocol) {
            case PacketParser.PROTO_TCP -> {
                int hl = 20 + tcpOptionsLength;
                b = ByteBuffer.allocate(hl + payload.length);
                b.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack);
                b.put((byte) ((hl / 4) << 4)).put((byte) tcpFlags).putShort((short) window).putInt(0);
                for (int i = 0; i < tcpOptionsLength; i++) {
                    b.put((byte) 1); // NOP
                }
                payloadOffset = hl;
            }
            case PacketParser.PROTO_UDP -> {
                b = ByteBuffer.allocate(8 + payload.length);
                b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0);
                payloadOffset = 8;
            }
            case PacketParser.PROTO_ICMP, PacketParser.PROTO_ICMPV6 -> {
                b = ByteBuffer.allocate(8 + payload.length);
                b.put((byte) icmpType).put((byte) icmpCode).putShort((short) 0).putShort((short) icmpId).putShort((short) icmpSeq);
                payloadOffset = 8;
            }
            default -> {
                b = ByteBuffer.allocate(payload.length);
                payloadOffset = 0;
            }
        }
        b.put(payload);
        return b.array();
    }

    // Fills the L4 checksum; payloadOffset becomes absolute. pseudo < 0 means none (ICMPv4).
    private void fixL4(byte[] a, int l4, int len, long pseudo) {
        payloadOffset += l4;
        if (fragmentOffset8 != 0) {
            return; // a non-first fragment carries no L4 header
        }
        int field = switch (protocol) {
            case PacketParser.PROTO_TCP -> 16;
            case PacketParser.PROTO_UDP -> 6;
            case PacketParser.PROTO_ICMP, PacketParser.PROTO_ICMPV6 -> 2;
            default -> -1;
        };
        if (field < 0 || (protocol == PacketParser.PROTO_UDP && udpZeroChecksum)) {
            return;
        }
        int c = naiveChecksum(a, l4, len, Math.max(0, pseudo));
        if (c == 0 && protocol == PacketParser.PROTO_UDP) {
            c = 0xFFFF;
        }
        a[l4 + field] = (byte) (c >>> 8);
        a[l4 + field + 1] = (byte) c;
    }

    private long pseudo4(int l4Len) {
        if (protocol == PacketParser.PROTO_ICMP) {
            return -1;
        }
        return words32(src4) + words32(dst4) + protocol + l4Len;
    }

    private long pseudo6(int l4Len) {
        return words64(srcHi) + words64(srcLo) + words64(dstHi) + words64(dstLo) + (l4Len >>> 16) + (l4Len & 0xFFFF) + protocol;
    }

    private static long words32(int v) {
        return ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }

    private static long words64(long v) {
        return words32((int) (v >>> 32)) + words32((int) v);
    }

    /** RFC 1071 the slow obvious way: 16-bit words, byte by byte, fold at every step. */
    public static int naiveChecksum(byte[] a, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = a[off + i] & 0xFF;
            int lo = i + 1 < len ? a[off + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static void putMac(ByteBuffer b, long mac) {
        b.putShort((short) (mac >>> 32)).putInt((int) mac);
    }
}

package org.jnetvm.core.packet;

import java.util.random.RandomGenerator;

/** Fills a {@link FrameBuilder} with random valid content; shared by the property and fuzz tests. */
final class RandomFrames {
    static final int[] EXT_TYPES = {
        PacketParser.PROTO_HOPOPT, PacketParser.PROTO_ROUTING, PacketParser.PROTO_DSTOPTS,
        PacketParser.PROTO_AH, PacketParser.PROTO_FRAGMENT,
    };
    static final int[] PROTOCOLS = {PacketParser.PROTO_TCP, PacketParser.PROTO_UDP, PacketParser.PROTO_ICMP, 132};

    private RandomFrames() {
    }

    /**
     * A random frame: {@code l3} one of FrameBuilder.L3_*, {@code vlans} tags, {@code optionWords}
     * 4-byte IPv4 option words, {@code extCount} IPv6 extension headers, {@code protoIndex} into
     * {@link #PROTOCOLS} (ICMP becomes ICMPv6 on IPv6), {@code payloadLen} bytes of payload;
     * everything else from {@code r}.
     */
    static FrameBuilder frame(int l3, int vlans, int optionWords, int extCount, int protoIndex, int payloadLen,
            RandomGenerator r) {
        FrameBuilder b = new FrameBuilder();
        b.dstMac = r.nextLong() & 0xFFFF_FFFF_FFFFL;
        b.srcMac = r.nextLong() & 0xFFFF_FFFF_FFFFL;
        for (int i = 0; i < vlans; i++) {
            int tpid = vlans == 2 && i == 0 ? PacketParser.TPID_8021AD : PacketParser.TPID_8021Q;
            b.vlan(tpid, r.nextInt(0x10000));
        }
        b.l3 = l3;
        b.src4 = r.nextInt();
        b.dst4 = r.nextInt();
        b.ttl = r.nextInt(256);
        b.tos = r.nextInt(256);
        b.ipId = r.nextInt(0x10000);
        b.ipv4Options = new byte[optionWords * 4];
        for (int i = 0; i < b.ipv4Options.length; i++) {
            b.ipv4Options[i] = (byte) r.nextInt(256);
        }
        b.srcHi = r.nextLong();
        b.srcLo = r.nextLong();
        b.dstHi = r.nextLong();
        b.dstLo = r.nextLong();
        b.flowLabel = r.nextInt(1 << 20);
        b.hopLimit = r.nextInt(256);
        for (int i = 0; i < extCount; i++) {
            int type = EXT_TYPES[r.nextInt(EXT_TYPES.length)];
            int len = switch (type) {
                case PacketParser.PROTO_FRAGMENT -> 8;
                case PacketParser.PROTO_AH -> 8 * (2 + r.nextInt(3));
                default -> 8 * (1 + r.nextInt(4));
            };
            b.ipv6Ext.add(new int[] {type, len});
        }
        int proto = PROTOCOLS[protoIndex];
        b.protocol = proto == PacketParser.PROTO_ICMP && l3 == FrameBuilder.L3_IPV6 ? PacketParser.PROTO_ICMPV6 : proto;
        b.srcPort = r.nextInt(0x10000);
        b.dstPort = r.nextInt(0x10000);
        b.seq = r.nextLong() & 0xFFFF_FFFFL;
        b.ack = r.nextLong() & 0xFFFF_FFFFL;
        b.tcpFlags = r.nextInt(256);
        b.window = r.nextInt(0x10000);
        b.tcpOptionsLength = 4 * r.nextInt(11);
        b.icmpType = r.nextInt(256);
        b.icmpCode = r.nextInt(256);
        b.icmpId = r.nextInt(0x10000);
        b.icmpSeq = r.nextInt(0x10000);
        b.payload = new byte[payloadLen];
        for (int i = 0; i < payloadLen; i++) {
            b.payload[i] = (byte) r.nextInt(256);
        }
        b.arpOp = 1 + r.nextInt(2);
        return b;
    }
}

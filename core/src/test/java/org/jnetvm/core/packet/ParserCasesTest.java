package org.jnetvm.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** One example per rule of the parser: each stop condition, each malformed reason, padding, setters. */
class ParserCasesTest {
    private final PacketParser p = new PacketParser();

    private int parse(byte[] f) {
        return p.parse(MemorySegment.ofArray(f), 0, f.length);
    }

    private static FrameBuilder udp4() {
        FrameBuilder b = new FrameBuilder();
        b.payload = new byte[10];
        return b;
    }

    private static FrameBuilder v6(int protocol, int... ext) {
        FrameBuilder b = new FrameBuilder();
        b.l3 = FrameBuilder.L3_IPV6;
        b.protocol = protocol;
        for (int e : ext) {
            b.ipv6Ext.add(new int[] {e, e == PacketParser.PROTO_AH ? 16 : 8});
        }
        b.payload = new byte[12];
        return b;
    }

    @Test
    void ipv6ExtensionHeadersAreSkippedIncludingAh() {
        FrameBuilder b = v6(PacketParser.PROTO_TCP, 0, 43, 51, 44, 60);
        byte[] f = b.build();
        assertThat(parse(f)).isEqualTo(PacketParser.OK);
        assertThat(p.ipv6ExtensionCount()).isEqualTo(5);
        assertThat(p.l3HeaderLength()).isEqualTo(40 + 8 + 8 + 16 + 8 + 8);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.TCP);
        assertThat(p.l4Offset()).isEqualTo(b.l4Offset);
        assertThat(p.isFragment()).as("atomic fragment").isFalse();
        assertThat(Checksums.verifyL4(p)).isTrue();
    }

    @Test
    void espAndNoNextHeaderEndTheWalkWithoutError() {
        FrameBuilder esp = v6(PacketParser.PROTO_ESP, 0);
        assertThat(parse(esp.build())).isEqualTo(PacketParser.OK);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.OTHER);
        assertThat(p.ipProtocol()).isEqualTo(50);
        assertThat(p.l4Offset()).isEqualTo(esp.l4Offset);
        FrameBuilder none = v6(PacketParser.PROTO_NONE, 60);
        assertThat(parse(none.build())).isEqualTo(PacketParser.OK);
        assertThat(p.ipProtocol()).isEqualTo(59);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.OTHER);
    }

    @Test
    void nonFirstFragmentsHaveNoL4Header() {
        FrameBuilder b = udp4();
        b.fragmentOffset8 = 185;
        assertThat(parse(b.build())).isEqualTo(PacketParser.OK);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.FRAGMENT);
        assertThat(p.isFragment()).isTrue();
        assertThat(p.payloadOffset()).isEqualTo(b.l4Offset);
        assertThat(Checksums.verifyL4(p)).isFalse();
        FiveTuple t = new FiveTuple();
        assertThat(t.extract(p)).isTrue();
        assertThat(t.srcPort()).isZero();

        FrameBuilder first = udp4();
        first.moreFragments = true;
        assertThat(parse(first.build())).isEqualTo(PacketParser.OK);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.UDP);
        assertThat(p.isFragment()).isTrue();
        assertThat(t.extract(p)).isTrue();
        assertThat(t.srcPort()).as("all fragments of a datagram share a flow").isZero();

        FrameBuilder v6 = v6(PacketParser.PROTO_UDP, 44);
        v6.fragmentOffset8 = 3;
        assertThat(parse(v6.build())).isEqualTo(PacketParser.OK);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.FRAGMENT);
        assertThat(p.ipProtocol()).isEqualTo(17);
    }

    @Test
    void unknownEtherTypeAndProtocolAreNotMalformed() {
        FrameBuilder raw = new FrameBuilder();
        raw.l3 = FrameBuilder.L3_RAW;
        raw.payload = new byte[30];
        assertThat(parse(raw.build())).isEqualTo(PacketParser.OK);
        assertThat(p.l3Kind()).isEqualTo(L3Kind.OTHER);
        assertThat(p.etherType()).isEqualTo(0x88B5);
        assertThat(p.payloadLength()).isEqualTo(30);

        FrameBuilder sctp = udp4();
        sctp.protocol = 132;
        assertThat(parse(sctp.build())).isEqualTo(PacketParser.OK);
        assertThat(p.l4Kind()).isEqualTo(L4Kind.OTHER);

        FrameBuilder triple = udp4().vlan(0x88A8, 1).vlan(0x8100, 2).vlan(0x8100, 3);
        assertThat(parse(triple.build())).isEqualTo(PacketParser.OK);
        assertThat(p.vlanCount()).isEqualTo(2);
        assertThat(p.etherType()).isEqualTo(0x8100);
        assertThat(p.l3Kind()).isEqualTo(L3Kind.OTHER);
    }

    @Test
    void ethernetPaddingIsNotPartOfTheIpPacket() {
        FrameBuilder b = udp4();
        b.payload = new byte[2];
        byte[] f = java.util.Arrays.copyOf(b.build(), 60); // 44 bytes padded to the Ethernet minimum
        assertThat(parse(f)).isEqualTo(PacketParser.OK);
        assertThat(p.l3End()).isEqualTo(44);
        assertThat(p.payloadLength()).isEqualTo(2);
        assertThat(Checksums.verifyL4(p)).isTrue();
    }

    private void expect(byte[] f, MalformedReason reason) {
        assertThat(MalformedReason.name(parse(f))).isEqualTo(reason.name());
    }

    private static byte[] with(byte[] f, int at, int value) {
        byte[] c = f.clone();
        c[at] = (byte) value;
        return c;
    }

    @Test
    void eachMalformedReasonForItsOwnDefect() {
        byte[] u4 = udp4().build(); // eth 0..13, ip 14..33, udp 34..41, payload 42..51
        expect(new byte[13], MalformedReason.TRUNCATED_ETHERNET);
        expect(java.util.Arrays.copyOf(udp4().vlan(0x8100, 5).build(), 16), MalformedReason.TRUNCATED_VLAN);
        expect(java.util.Arrays.copyOf(u4, 30), MalformedReason.TRUNCATED_IPV4);
        expect(with(u4, 14, 0x55), MalformedReason.BAD_IPV4_VERSION);
        expect(with(u4, 14, 0x44), MalformedReason.BAD_IPV4_IHL);
        expect(with(u4, 14, 0x4F), MalformedReason.TRUNCATED_IPV4);
        expect(with(u4, 17, 19), MalformedReason.BAD_IPV4_TOTAL_LENGTH);
        expect(java.util.Arrays.copyOf(u4, 50), MalformedReason.BAD_IPV4_TOTAL_LENGTH);
        // A UDP length shorter than the IP payload is legal: the payload is what UDP says.
        assertThat(parse(with(with(u4, 17, 38), 39, 8))).isEqualTo(PacketParser.OK);
        assertThat(p.payloadLength()).isZero();
        expect(with(u4, 17, 27), MalformedReason.TRUNCATED_UDP);
        expect(with(u4, 39, 60), MalformedReason.BAD_UDP_LENGTH);
        expect(with(u4, 39, 7), MalformedReason.BAD_UDP_LENGTH);

        FrameBuilder t = udp4();
        t.protocol = PacketParser.PROTO_TCP;
        byte[] tcp = t.build(); // tcp 34..53
        expect(with(tcp, 46, 0x40), MalformedReason.BAD_TCP_DATA_OFFSET);
        expect(with(tcp, 46, 0xF0), MalformedReason.BAD_TCP_DATA_OFFSET);
        expect(with(tcp, 17, 39), MalformedReason.TRUNCATED_TCP);
        t.protocol = PacketParser.PROTO_ICMP;
        expect(with(t.build(), 17, 27), MalformedReason.TRUNCATED_ICMP);

        byte[] u6 = v6(PacketParser.PROTO_UDP, 0).build(); // ip 14..53, hbh 54..61
        expect(java.util.Arrays.copyOf(u6, 50), MalformedReason.TRUNCATED_IPV6);
        expect(with(u6, 14, 0x40), MalformedReason.BAD_IPV6_VERSION);
        expect(with(u6, 18, 0x10), MalformedReason.BAD_IPV6_PAYLOAD_LENGTH);
        expect(with(u6, 55, 9), MalformedReason.TRUNCATED_IPV6_EXT); // hbh claims 80 bytes

        FrameBuilder a = new FrameBuilder();
        a.l3 = FrameBuilder.L3_ARP;
        byte[] arp = a.build();
        assertThat(parse(arp)).isEqualTo(PacketParser.OK);
        expect(java.util.Arrays.copyOf(arp, 41), MalformedReason.TRUNCATED_ARP);
        expect(java.util.Arrays.copyOf(arp, 20), MalformedReason.TRUNCATED_ARP);
    }

    @Test
    void settersWriteWhatGettersRead() {
        FrameBuilder b = udp4().vlan(0x8100, 0x2005);
        b.protocol = PacketParser.PROTO_TCP;
        byte[] f = b.build();
        MemorySegment seg = MemorySegment.ofArray(f);
        p.parse(seg, 0, f.length);
        EthernetView eth = new EthernetView().wrap(p);
        eth.dst(0xAABBCCDDEEFFL);
        eth.src(0x112233445566L);
        assertThat(eth.dst()).isEqualTo(0xAABBCCDDEEFFL);
        assertThat(eth.src()).isEqualTo(0x112233445566L);
        VlanView v = new VlanView().wrap(p, 0);
        assertThat(v.priority()).isEqualTo(1);
        v.vlanId(4000);
        v.priority(6);
        assertThat(v.vlanId()).isEqualTo(4000);
        assertThat(v.priority()).isEqualTo(6);
        Ipv4View ip = new Ipv4View().wrap(p);
        ip.srcUpdatingChecksum(0xC0A80101);
        ip.dstUpdatingChecksum(0x08080808);
        ip.ttlUpdatingChecksum(1);
        assertThat(ip.verifyChecksum()).isTrue();
        TcpView tcp = new TcpView().wrap(p);
        tcp.srcPort(443);
        tcp.seq(0xFFFF_FFFEL);
        tcp.flags(TcpView.SYN | TcpView.ACK);
        assertThat(Checksums.verifyL4(p)).isFalse();
        assertThat(Checksums.updateL4(p)).isTrue();
        assertThat(Checksums.verifyL4(p)).isTrue();
        assertThat(tcp.hasFlags(TcpView.SYN | TcpView.ACK)).isTrue();
        assertThat(tcp.seq()).isEqualTo(0xFFFF_FFFEL);
        assertThat(p.parse(seg, 0, f.length)).isEqualTo(PacketParser.OK);
        assertThat(p.vlanId(0)).isEqualTo(4000);
    }

    @Test
    void incrementalL4UpdateForAddressRewriteMatchesRecompute() {
        FrameBuilder b = udp4();
        b.payload = new byte[33];
        byte[] f = b.build();
        MemorySegment seg = MemorySegment.ofArray(f);
        p.parse(seg, 0, f.length);
        Ipv4View ip = new Ipv4View().wrap(p);
        UdpView u = new UdpView().wrap(p);
        int old = ip.src();
        ip.srcUpdatingChecksum(0x7F000001);
        u.checksum(Checksums.incremental32(u.checksum(), old, 0x7F000001));
        assertThat(Checksums.verifyL4(p)).isTrue();
        assertThat(ip.verifyChecksum()).isTrue();
    }

    @Test
    void parsingHashingAndExtractingAllocateNothing() {
        byte[][] frames = {udp4().build(), v6(PacketParser.PROTO_TCP, 0, 60).build(), new FrameBuilder().vlan(0x8100, 9).build()};
        MemorySegment[] segs = new MemorySegment[frames.length];
        for (int i = 0; i < frames.length; i++) {
            segs[i] = MemorySegment.ofArray(frames[i]);
        }
        FiveTuple t = new FiveTuple();
        Ipv4View ip = new Ipv4View();
        long sink = 0;
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int round = 0; round < 2; round++) { // first round warms up (class init, JIT)
            before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                MemorySegment s = segs[i % segs.length];
                sink += p.parse(s, 0, (int) s.byteSize());
                sink += FlowHash.SYMMETRIC.hash(p);
                sink += t.extract(p) ? t.srcPort() : 0;
                sink += Checksums.verifyL4(p) ? 1 : 0;
                if (p.l3Kind() == L3Kind.IPV4) {
                    sink += ip.wrap(p).verifyChecksum() ? 1 : 0;
                }
            }
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotZero();
        // 200k packets: anything per packet would be megabytes; allow a little for the JIT/test itself.
        assertThat(allocated).as("bytes allocated for 200k packets").isLessThan(64 * 1024);
    }
}

package org.jnetvm.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Random valid frames from {@link FrameBuilder} parse back to exactly what was put in. */
class PacketPropertiesTest {
    /** Offset of the frame in its segment: odd on purpose, as pool buffers have headroom. */
    private static final int BASE = 61;

    private final PacketParser parser = new PacketParser();

    @Provide
    Arbitrary<FrameBuilder> frames() {
        return Combinators.combine(
                Arbitraries.of(FrameBuilder.L3_IPV4, FrameBuilder.L3_IPV6),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, RandomFrames.PROTOCOLS.length - 1),
                Arbitraries.integers().between(0, 1400),
                Arbitraries.longs())
                .as((l3, vlans, optionWords, ext, proto, payload, seed) ->
                        RandomFrames.frame(l3, vlans, optionWords, ext, proto, payload, new SplittableRandom(seed)));
    }

    private MemorySegment place(byte[] frame) {
        MemorySegment seg = MemorySegment.ofArray(new byte[BASE + frame.length + 19]);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, seg, BASE, frame.length);
        return seg;
    }

    @Property(tries = 400)
    void validFramesParseBackToWhatWasPutIn(@ForAll("frames") FrameBuilder b) {
        byte[] frame = b.build();
        MemorySegment seg = place(frame);
        assertThat(MalformedReason.name(parser.parse(seg, BASE, frame.length))).isEqualTo("OK");

        assertThat(parser.vlanCount()).isEqualTo(b.vlans.size());
        for (int i = 0; i < b.vlans.size(); i++) {
            assertThat(parser.vlanTpid(i)).isEqualTo(b.vlans.get(i)[0]);
            assertThat(parser.vlanTci(i)).isEqualTo(b.vlans.get(i)[1]);
            assertThat(new VlanView().wrap(parser, i).vlanId()).isEqualTo(b.vlans.get(i)[1] & 0xFFF);
        }
        EthernetView eth = new EthernetView().wrap(parser);
        assertThat(eth.dst()).isEqualTo(b.dstMac);
        assertThat(eth.src()).isEqualTo(b.srcMac);
        assertThat(parser.l3Offset()).isEqualTo(BASE + b.l3Offset);
        assertThat(parser.l4Offset()).isEqualTo(BASE + b.l4Offset);
        assertThat(parser.ipProtocol()).isEqualTo(b.protocol);
        assertThat(parser.payloadOffset()).isEqualTo(BASE + b.payloadOffset);
        assertThat(parser.payloadLength()).isEqualTo(b.payload.length);
        assertThat(parser.l3End()).isEqualTo(BASE + frame.length);
        assertThat(parser.isFragment()).isFalse();

        if (b.l3 == FrameBuilder.L3_IPV4) {
            assertThat(parser.etherType()).isEqualTo(PacketParser.ETHERTYPE_IPV4);
            assertThat(parser.l3Kind()).isEqualTo(L3Kind.IPV4);
            Ipv4View ip = new Ipv4View().wrap(parser);
            assertThat(parser.l3HeaderLength()).isEqualTo(20 + b.ipv4Options.length);
            assertThat(ip.optionsLength()).isEqualTo(b.ipv4Options.length);
            for (int i = 0; i < b.ipv4Options.length; i++) {
                assertThat((byte) ip.optionByte(i)).isEqualTo(b.ipv4Options[i]);
            }
            assertThat(ip.src()).isEqualTo(b.src4);
            assertThat(ip.dst()).isEqualTo(b.dst4);
            assertThat(ip.ttl()).isEqualTo(b.ttl);
            assertThat(ip.tos()).isEqualTo(b.tos);
            assertThat(ip.identification()).isEqualTo(b.ipId);
            assertThat(ip.verifyChecksum()).isTrue();
        } else {
            assertThat(parser.etherType()).isEqualTo(PacketParser.ETHERTYPE_IPV6);
            assertThat(parser.l3Kind()).isEqualTo(L3Kind.IPV6);
            Ipv6View ip = new Ipv6View().wrap(parser);
            assertThat(parser.ipv6ExtensionCount()).isEqualTo(b.ipv6Ext.size());
            assertThat(parser.l3HeaderLength()).isEqualTo(40 + b.ipv6Ext.stream().mapToInt(e -> e[1]).sum());
            assertThat(new long[] {ip.srcHi(), ip.srcLo(), ip.dstHi(), ip.dstLo()})
                    .containsExactly(b.srcHi, b.srcLo, b.dstHi, b.dstLo);
            assertThat(ip.flowLabel()).isEqualTo(b.flowLabel);
            assertThat(ip.hopLimit()).isEqualTo(b.hopLimit);
        }
        switch (b.protocol) {
            case PacketParser.PROTO_TCP -> {
                assertThat(parser.l4Kind()).isEqualTo(L4Kind.TCP);
                TcpView t = new TcpView().wrap(parser);
                assertThat(new long[] {t.srcPort(), t.dstPort(), t.seq(), t.ack(), t.flags(), t.window(), t.dataOffset()})
                        .containsExactly(b.srcPort, b.dstPort, b.seq, b.ack, b.tcpFlags, b.window, 20 + b.tcpOptionsLength);
            }
            case PacketParser.PROTO_UDP -> {
                assertThat(parser.l4Kind()).isEqualTo(L4Kind.UDP);
                UdpView u = new UdpView().wrap(parser);
                assertThat(new int[] {u.srcPort(), u.dstPort(), u.udpLength()})
                        .containsExactly(b.srcPort, b.dstPort, 8 + b.payload.length);
            }
            case PacketParser.PROTO_ICMP, PacketParser.PROTO_ICMPV6 -> {
                assertThat(parser.l4Kind()).isEqualTo(b.protocol == 1 ? L4Kind.ICMP : L4Kind.ICMPV6);
                IcmpView c = new IcmpView().wrap(parser);
                assertThat(new int[] {c.type(), c.code(), c.identifier(), c.sequence()})
                        .containsExactly(b.icmpType, b.icmpCode, b.icmpId, b.icmpSeq);
            }
            default -> assertThat(parser.l4Kind()).isEqualTo(L4Kind.OTHER);
        }
        if (b.protocol != 132) {
            assertThat(Checksums.verifyL4(parser)).isTrue();
        }
    }

    @Property(tries = 300)
    void flippingAnyByteOfTheIpv4HeaderBreaksItsChecksum(@ForAll("frames") FrameBuilder b,
            @ForAll @IntRange(max = 59) int where, @ForAll @IntRange(min = 1, max = 255) int xor) {
        b.l3 = FrameBuilder.L3_IPV4;
        byte[] frame = b.build();
        MemorySegment seg = place(frame);
        parser.parse(seg, BASE, frame.length);
        long at = parser.l3Offset() + where % parser.l3HeaderLength();
        Net.put8(seg, at, Net.u8(seg, at) ^ xor);
        assertThat(Checksums.verifyIpv4Header(seg, parser.l3Offset())).isFalse();
    }

    @Property(tries = 400)
    void flippingAnyByteUnderTheTcpOrUdpChecksumBreaksIt(@ForAll("frames") FrameBuilder b,
            @ForAll @IntRange(max = 1_000_000) int where, @ForAll @IntRange(min = 1, max = 255) int xor,
            @ForAll boolean tcp) {
        b.protocol = tcp ? PacketParser.PROTO_TCP : PacketParser.PROTO_UDP;
        byte[] frame = b.build();
        MemorySegment seg = place(frame);
        assertThat(parser.parse(seg, BASE, frame.length)).isEqualTo(PacketParser.OK);
        boolean v6 = parser.l3Kind() == L3Kind.IPV6;
        long ip = parser.l3Offset();
        long l4 = parser.l4Offset();
        int l4Len = parser.l4Length();
        // The span is the L4 segment plus the addresses of the pseudo-header.
        int addrLen = v6 ? 32 : 8;
        int i = where % (l4Len + addrLen);
        long at = i < l4Len ? l4 + i : ip + (v6 ? 8 : 12) + (i - l4Len);
        Net.put8(seg, at, Net.u8(seg, at) ^ xor);
        // Over IPv4 a UDP checksum flipped to exactly 0 reads as "no checksum", which is allowed.
        Assume.that(tcp || v6 || Net.u16(seg, l4 + 6) != 0);
        assertThat(Checksums.verifyL4(seg, v6, ip, b.protocol, l4, l4Len)).isFalse();
    }

    @Property(tries = 300)
    void bothDirectionsHashAlikeAndTuplesRoundTrip(@ForAll("frames") FrameBuilder b) {
        FiveTuple forward = new FiveTuple();
        byte[] f = b.build();
        parser.parse(place(f), BASE, f.length);
        assertThat(forward.extract(parser)).isTrue();
        int ports = b.protocol == 6 || b.protocol == 17 ? 1 : 0;
        boolean echo = (b.protocol == 1 && (b.icmpType == 0 || b.icmpType == 8))
                || (b.protocol == 58 && (b.icmpType == 128 || b.icmpType == 129));
        FiveTuple expected = new FiveTuple();
        int sp = ports == 1 ? b.srcPort : echo ? b.icmpId : 0;
        int dp = ports == 1 ? b.dstPort : echo ? b.icmpId : 0;
        if (b.l3 == FrameBuilder.L3_IPV4) {
            expected.setIpv4(b.src4, b.dst4, sp, dp, b.protocol);
        } else {
            expected.setIpv6(b.srcHi, b.srcLo, b.dstHi, b.dstLo, sp, dp, b.protocol);
        }
        assertThat(forward.sameAs(expected)).as(forward + " vs " + expected).isTrue();
        int h = FlowHash.SYMMETRIC.hash(parser);
        assertThat(FlowHash.SYMMETRIC.hash(forward)).isEqualTo(h);

        // The same flow the other way round, built as its own frame.
        int t4 = b.src4;
        b.src4 = b.dst4;
        b.dst4 = t4;
        long hi = b.srcHi;
        long lo = b.srcLo;
        b.srcHi = b.dstHi;
        b.srcLo = b.dstLo;
        b.dstHi = hi;
        b.dstLo = lo;
        int p = b.srcPort;
        b.srcPort = b.dstPort;
        b.dstPort = p;
        byte[] r = b.build();
        parser.parse(place(r), BASE, r.length);
        assertThat(FlowHash.SYMMETRIC.hash(parser)).isEqualTo(h);
        FiveTuple back = new FiveTuple();
        back.extract(parser);
        assertThat(back.reverse().sameAs(forward)).isTrue();
    }

    @Property(tries = 500)
    void toeplitzTablesMatchBitByBitDefinition(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 65535) int sp,
            @ForAll @IntRange(max = 65535) int dp) {
        FiveTuple t = new FiveTuple().setIpv4(src, dst, sp, dp, 6);
        byte[] input = java.nio.ByteBuffer.allocate(12).putInt(src).putInt(dst).putShort((short) sp).putShort((short) dp).array();
        byte[] key = new byte[40];
        for (int i = 0; i < 40; i += 2) {
            key[i] = 0x6d;
            key[i + 1] = 0x5a;
        }
        // Straight from the definition: for every set input bit, XOR the 32-bit key window there.
        int expected = 0;
        long window = ((key[0] & 0xFFL) << 24) | ((key[1] & 0xFF) << 16) | ((key[2] & 0xFF) << 8) | (key[3] & 0xFF);
        for (int i = 0; i < input.length * 8; i++) {
            if ((input[i / 8] >> (7 - i % 8) & 1) != 0) {
                expected ^= (int) window;
            }
            int nextBit = i + 32 < key.length * 8 ? key[(i + 32) / 8] >> (7 - (i + 32) % 8) & 1 : 0;
            window = ((window << 1) | nextBit) & 0xFFFF_FFFFL;
        }
        assertThat(FlowHash.SYMMETRIC.hash(t)).isEqualTo(expected);
        assertThat(FlowHash.SYMMETRIC.hash(t.reverse())).isEqualTo(expected);
    }
}

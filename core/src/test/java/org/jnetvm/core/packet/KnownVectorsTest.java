package org.jnetvm.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Hand-checked vectors: RFC 1071, the classic IPv4 header, TCP/UDP over v4/v6, Microsoft's RSS suite. */
class KnownVectorsTest {
    private static MemorySegment hex(String h) {
        return MemorySegment.ofArray(HexFormat.of().parseHex(h.replace(" ", "")));
    }

    @Test
    void rfc1071NumericExample() {
        // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to 0x2ddf0, folds to 0xddf2.
        MemorySegment s = hex("0001f203f4f5f6f7");
        assertThat(Checksums.fold(Checksums.sum(s, 0, 8))).isEqualTo(0xddf2);
        assertThat(Checksums.internet(s, 0, 8)).isEqualTo(~0xddf2 & 0xffff);
        // Odd lengths pad the last byte with zero on the right.
        assertThat(Checksums.fold(Checksums.sum(hex("0001f203f4"), 0, 5))).isEqualTo(0xe605); // 0x0001 + 0xf203 + 0xf400 = 0x1e604, end-around carry
    }

    @Test
    void classicIpv4HeaderChecksum() {
        MemorySegment s = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        assertThat(Checksums.verifyIpv4Header(s, 0)).isTrue();
        assertThat(Checksums.ipv4Header(s, 0)).isEqualTo(0xb861);
        Ipv4View ip = new Ipv4View().wrap(s, 0, 20);
        assertThat(ip.totalLength()).isEqualTo(0x73);
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(17);
        assertThat(ip.src()).isEqualTo(0xc0a80001);
        assertThat(ip.dst()).isEqualTo(0xc0a800c7);
        assertThat(ip.dontFragment()).isTrue();
        ip.checksum(0);
        ip.updateChecksum();
        assertThat(ip.checksum()).isEqualTo(0xb861);
    }

    @Test
    void incrementalUpdateMatchesFullRecompute() {
        MemorySegment s = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        Ipv4View ip = new Ipv4View().wrap(s, 0, 20);
        for (int ttl = 64; ttl >= 0; ttl--) {
            ip.ttlUpdatingChecksum(ttl);
            assertThat(ip.checksum()).isEqualTo(ip.computeChecksum());
        }
        ip.srcUpdatingChecksum(0x0a000001);
        ip.dstUpdatingChecksum(0xffffffff);
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(ip.checksum()).isEqualTo(ip.computeChecksum());
    }

    @Test
    void tcpOverIpv4() {
        // 192.168.0.1:40000 -> 192.168.0.199:80 SYN + "GET"; checksum 0x83df from an independent Python sum.
        MemorySegment s = hex("4500 002b 0000 4000 4006 0000 c0a8 0001 c0a8 00c7"
                + "9c40005000000001000000005002721000000000474554");
        Checksums.updateIpv4Header(s, 0);
        assertThat(Checksums.l4(s, false, 0, 6, 20, 23)).isEqualTo(0x83df);
        Net.put16(s, 36, 0x83df);
        assertThat(Checksums.verifyL4(s, false, 0, 6, 20, 23)).isTrue();
        Net.put16(s, 36, 0x83de);
        assertThat(Checksums.verifyL4(s, false, 0, 6, 20, 23)).isFalse();
    }

    private static final String V6_HDR = "6000 0000 %04x %02x40 20010db8000000000000000000000001 20010db8000000000000000000000002";

    @Test
    void udpAndTcpOverIpv6() {
        MemorySegment udp = hex(V6_HDR.formatted(14, 17) + "13880035000e00006a6e6574766d");
        assertThat(Checksums.l4(udp, true, 0, 17, 40, 14)).isEqualTo(0x4a50);
        MemorySegment tcp = hex(V6_HDR.formatted(20, 6) + "9c4001bb11223344000000005002ffff00000000");
        assertThat(Checksums.l4(tcp, true, 0, 6, 40, 20)).isEqualTo(0x720c);
        Net.put16(tcp, 56, 0x720c);
        assertThat(Checksums.verifyL4(tcp, true, 0, 6, 40, 20)).isTrue();
    }

    @Test
    void udpZeroChecksumMeansNoneOnIpv4ButIsInvalidOnIpv6() {
        MemorySegment v6 = hex(V6_HDR.formatted(14, 17) + "13880035000e00006a6e6574766d");
        assertThat(Checksums.verifyL4(v6, true, 0, 17, 40, 14)).isFalse();
        MemorySegment v4 = hex("4500 0022 0000 4000 4011 0000 c0a8 0001 c0a8 00c7 13880035000e00006a6e6574766d");
        assertThat(Checksums.verifyL4(v4, false, 0, 17, 20, 14)).isTrue();
    }

    private static final byte[] MS_KEY = HexFormat.of().parseHex(
            "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    @Test
    void toeplitzMatchesMicrosoftRssVerificationSuite() {
        FlowHash ms = new FlowHash(MS_KEY);
        FiveTuple t = new FiveTuple();
        // dst 161.142.100.80:1766, src 66.9.149.187:2794
        t.setIpv4(ip(66, 9, 149, 187), ip(161, 142, 100, 80), 2794, 1766, 6);
        assertThat(ms.hash(t)).isEqualTo(0x51ccc178);
        t.setIpv4(ip(66, 9, 149, 187), ip(161, 142, 100, 80), 0, 0, 6); // zero bytes add nothing: the IPv4-only hash
        assertThat(ms.hash(t)).isEqualTo(0x323e8fc2);
        t.setIpv4(ip(199, 92, 111, 2), ip(65, 69, 140, 83), 14230, 4739, 6);
        assertThat(ms.hash(t)).isEqualTo(0xc626b0ea);
        // IPv6: src 3ffe:2501:200:1fff::7 port 2794, dst 3ffe:2501:200:3::1 port 1766
        t.setIpv6(0x3ffe_2501_0200_1fffL, 7, 0x3ffe_2501_0200_0003L, 1, 2794, 1766, 6);
        assertThat(ms.hash(t)).isEqualTo(0x40207d3d);
    }

    @Test
    void symmetricKeyHashesBothDirectionsAlike() {
        FiveTuple t = new FiveTuple().setIpv4(ip(66, 9, 149, 187), ip(161, 142, 100, 80), 2794, 1766, 6);
        int forward = FlowHash.SYMMETRIC.hash(t);
        assertThat(FlowHash.SYMMETRIC.hash(t.reverse())).isEqualTo(forward);
        assertThat(new FlowHash(MS_KEY).hash(t)).isNotEqualTo(new FlowHash(MS_KEY).hash(t.reverse()));
    }

    @Test
    void malformedReasonNamesAndCodes() {
        assertThat(MalformedReason.name(PacketParser.OK)).isEqualTo("OK");
        for (MalformedReason r : MalformedReason.values()) {
            assertThat(r.code()).isNotZero();
            assertThat(MalformedReason.of(r.code())).isSameAs(r);
            assertThat(MalformedReason.name(r.code())).isEqualTo(r.name());
        }
        assertThat(MalformedReason.of(999)).isNull();
        assertThat(MalformedReason.name(999)).isEqualTo("UNKNOWN(999)");
    }

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}

package org.jnetvm.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * A million and a half hostile frames — random bytes, valid frames cut short, valid frames with
 * random bytes overwritten — through the parser, and through every view, checksum, tuple and
 * hash the parser's verdict allows. Nothing may throw; every refusal must be a known reason.
 * Seeded, so a failure names the seed and iteration that reproduce it.
 */
class ParserFuzzTest {
    private static final long SEED = 0x4A4E_4554_564DL;
    private static final int ROUNDS = 500_000;
    private static final int BASE = 13;

    private final PacketParser parser = new PacketParser();
    private final EthernetView eth = new EthernetView();
    private final VlanView vlan = new VlanView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ip4 = new Ipv4View();
    private final Ipv6View ip6 = new Ipv6View();
    private final TcpView tcp = new TcpView();
    private final UdpView udp = new UdpView();
    private final IcmpView icmp = new IcmpView();
    private final FiveTuple tuple = new FiveTuple();
    private final long[] results = new long[MalformedReason.count() + 1];
    private long sink;

    @Test
    void hostileFramesNeverEscapeAsExceptions() {
        RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(SEED);
        List<byte[]> valid = new ArrayList<>();
        int[] l3s = {FrameBuilder.L3_IPV4, FrameBuilder.L3_IPV6, FrameBuilder.L3_ARP};
        for (int i = 0; i < 3000; i++) {
            int l3 = l3s[r.nextInt(l3s.length)];
            FrameBuilder b = RandomFrames.frame(l3, r.nextInt(3), r.nextInt(11), r.nextInt(4),
                    r.nextInt(RandomFrames.PROTOCOLS.length), r.nextInt(300), r);
            if (r.nextInt(8) == 0) { // some non-first fragments too
                b.fragmentOffset8 = 1 + r.nextInt(100);
                if (l3 == FrameBuilder.L3_IPV6) {
                    b.ipv6Ext.add(new int[] {PacketParser.PROTO_FRAGMENT, 8});
                }
            }
            valid.add(b.build());
        }
        byte[] buf = new byte[BASE + 2048];
        MemorySegment seg = MemorySegment.ofArray(buf);
        long truncatedIp = 0;
        for (int i = 0; i < ROUNDS; i++) {
            // 1: random bytes, often starting with a real-looking EtherType so deeper layers get hit
            int len = r.nextInt(200);
            r.nextBytes(buf);
            if (len >= 14 && r.nextBoolean()) {
                int[] types = {0x0800, 0x86DD, 0x0806, 0x8100, 0x88A8};
                Net.put16(seg, BASE + 12, types[r.nextInt(types.length)]);
                if (len > 14 && r.nextBoolean()) {
                    Net.put8(seg, BASE + 14, r.nextBoolean() ? 0x45 + r.nextInt(11) : 0x60);
                }
            }
            exercise(seg, len, i, "random");

            // 2: a valid frame cut short
            byte[] f = valid.get(r.nextInt(valid.size()));
            System.arraycopy(f, 0, buf, BASE, f.length);
            int cut = r.nextInt(f.length);
            int rc = exercise(seg, cut, i, "truncated");
            int type = Net.u16(seg, BASE + 12 + 4 * countTags(seg, cut));
            if (rc == PacketParser.OK && (type == 0x0800 || type == 0x86DD)) {
                truncatedIp++; // an IP datagram cut short must not pass: its length field says so
            }

            // 3: a valid frame with 1..4 random bytes overwritten
            System.arraycopy(f, 0, buf, BASE, f.length);
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                buf[BASE + r.nextInt(f.length)] = (byte) r.nextInt(256);
            }
            exercise(seg, f.length, i, "corrupted");
        }
        assertThat(truncatedIp).as("truncated IP frames accepted").isZero();
        assertThat(results[PacketParser.OK]).isPositive();
        // Every reason is reachable from hostile input: no dead codes.
        for (MalformedReason reason : MalformedReason.values()) {
            assertThat(results[reason.code()]).as(reason.name()).isPositive();
        }
        assertThat(sink).isNotEqualTo(42); // keep the JIT from dropping the view reads
    }

    private int countTags(MemorySegment seg, int len) {
        int n = 0;
        while (n < 2 && len >= 18 + 4 * n) {
            int t = Net.u16(seg, BASE + 12 + 4 * n);
            if (t != 0x8100 && t != 0x88A8) {
                break;
            }
            n++;
        }
        return n;
    }

    private int exercise(MemorySegment seg, int len, int round, String kind) {
        int rc;
        try {
            rc = parser.parse(seg, BASE, len);
            assertThat(rc == PacketParser.OK || MalformedReason.of(rc) != null)
                    .as("unknown code %d", rc).isTrue();
            results[rc]++;
            if (rc == PacketParser.OK) {
                readEverything();
            }
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + SEED + " round " + round + " (" + kind + ", len " + len
                    + ") escaped: " + e, e);
        }
        return rc;
    }

    private void readEverything() {
        long s = eth.wrap(parser).dst() ^ eth.src() ^ eth.etherType();
        for (int i = 0; i < parser.vlanCount(); i++) {
            s += vlan.wrap(parser, i).vlanId() + vlan.priority() + vlan.innerType();
        }
        switch (parser.l3Kind()) {
            case IPV4 -> {
                ip4.wrap(parser);
                s += ip4.src() ^ ip4.dst() ^ ip4.ttl() ^ ip4.totalLength() ^ ip4.optionsLength() ^ ip4.flags();
                s += ip4.verifyChecksum() ? 1 : 0;
                s += ip4.computeChecksum();
            }
            case IPV6 -> {
                ip6.wrap(parser);
                s += ip6.srcHi() ^ ip6.dstLo() ^ ip6.flowLabel() ^ ip6.hopLimit() ^ ip6.payloadLength();
            }
            case ARP -> {
                arp.wrap(parser);
                if (arp.isEthernetIpv4()) {
                    s += arp.op() + arp.senderIp() + arp.targetMac();
                }
            }
            default -> s += parser.payloadLength();
        }
        switch (parser.l4Kind()) {
            case TCP -> s += tcp.wrap(parser).srcPort() + tcp.seq() + tcp.flags() + tcp.dataOffset() + tcp.checksum();
            case UDP -> s += udp.wrap(parser).dstPort() + udp.udpLength() + udp.checksum();
            case ICMP, ICMPV6 -> s += icmp.wrap(parser).type() + icmp.identifier() + icmp.sequence();
            default -> s += parser.l4Length();
        }
        s += Checksums.verifyL4(parser) ? 1 : 0;
        s += tuple.extract(parser) ? tuple.srcPort() : 0;
        s += FlowHash.SYMMETRIC.hash(parser) ^ FlowHash.SYMMETRIC.hash(tuple);
        if (parser.payloadOffset() >= 0) {
            s += Checksums.internet(parser.segment(), parser.payloadOffset(), parser.payloadLength());
        }
        sink += s;
    }
}

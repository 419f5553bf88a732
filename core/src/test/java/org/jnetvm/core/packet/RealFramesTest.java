package org.jnetvm.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Frames captured by tcpdump (resources/packet/make-fixture.sh) parsed and checksummed, and
 * compared field by field with what tshark says about the same frames (fixture-expected.csv).
 */
class RealFramesTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(RealFramesTest.class.getResource("/packet/" + name).toURI());
    }

    @Test
    void parserAndChecksumsAgreeWithTshark() throws Exception {
        List<byte[]> frames = PcapReader.readAll(resource("fixture.pcap"));
        List<String> lines = Files.readAllLines(resource("fixture-expected.csv"));
        String[] header = lines.get(0).substring(2).split(";", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(";", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i].trim(), i < v.length ? v[i] : "");
            }
            rows.add(row);
        }
        assertThat(frames).hasSize(rows.size()).hasSizeGreaterThan(50);

        PacketParser p = new PacketParser();
        Ipv4View ip4 = new Ipv4View();
        Ipv6View ip6 = new Ipv6View();
        TcpView tcp = new TcpView();
        UdpView udp = new UdpView();
        IcmpView icmp = new IcmpView();
        ArpView arp = new ArpView();
        int checkedL4Checksums = 0;
        int seenVlan = 0;
        int seenQinq = 0;
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < frames.size(); i++) {
            Map<String, String> e = rows.get(i);
            String at = "frame " + e.get("frame") + " (" + e.get("protocols") + ")";
            // Put each frame at an odd offset of a bigger segment, as in a buffer pool.
            MemorySegment seg = MemorySegment.ofArray(new byte[frames.get(i).length + 77]);
            MemorySegment.copy(MemorySegment.ofArray(frames.get(i)), 0, seg, 33, frames.get(i).length);
            int rc = p.parse(seg, 33, frames.get(i).length);
            soft.assertThat(MalformedReason.name(rc)).as(at).isEqualTo("OK");

            if (!e.get("qinq_outer_id").isEmpty()) {
                seenQinq++;
                soft.assertThat(p.vlanCount()).as(at).isEqualTo(2);
                soft.assertThat(p.vlanTpid(0)).as(at).isEqualTo(0x88A8);
                soft.assertThat(p.vlanId(0)).as(at).isEqualTo(Integer.parseInt(e.get("qinq_outer_id")));
                soft.assertThat(p.vlanId(1)).as(at).isEqualTo(Integer.parseInt(e.get("vlan_id")));
            } else if (!e.get("vlan_id").isEmpty()) {
                seenVlan++;
                soft.assertThat(p.vlanCount()).as(at).isEqualTo(1);
                soft.assertThat(p.vlanTpid(0)).as(at).isEqualTo(0x8100);
                soft.assertThat(p.vlanId(0)).as(at).isEqualTo(Integer.parseInt(e.get("vlan_id")));
            } else {
                soft.assertThat(p.vlanCount()).as(at).isZero();
            }
            String type = e.get("vlan_etype").isEmpty() ? e.get("eth_type") : e.get("vlan_etype");
            soft.assertThat(p.etherType()).as(at).isEqualTo(Integer.decode(type));

            List<String> protos = List.of(e.get("protocols").split(":"));
            if (protos.contains("ip")) {
                soft.assertThat(p.l3Kind()).as(at).isEqualTo(L3Kind.IPV4);
                ip4.wrap(p);
                soft.assertThat(p.l3HeaderLength()).as(at).isEqualTo(Integer.parseInt(e.get("ip_hdr_len")));
                soft.assertThat(p.ipProtocol()).as(at).isEqualTo(Integer.parseInt(e.get("ip_proto")));
                soft.assertThat(ip4.src()).as(at).isEqualTo(v4(e.get("ip_src")));
                soft.assertThat(ip4.dst()).as(at).isEqualTo(v4(e.get("ip_dst")));
                soft.assertThat(ip4.fragmentOffset()).as(at).isEqualTo(Integer.parseInt(e.get("ip_frag_offset")));
                soft.assertThat(ip4.verifyChecksum()).as(at).isEqualTo(status(e.get("ip_checksum_status")));
            } else if (protos.contains("ipv6")) {
                soft.assertThat(p.l3Kind()).as(at).isEqualTo(L3Kind.IPV6);
                ip6.wrap(p);
                soft.assertThat(ip6.nextHeader()).as(at).isEqualTo(Integer.parseInt(e.get("ipv6_nxt")));
                long[] s = v6(e.get("ipv6_src"));
                long[] d = v6(e.get("ipv6_dst"));
                soft.assertThat(new long[] {ip6.srcHi(), ip6.srcLo(), ip6.dstHi(), ip6.dstLo()}).as(at)
                        .containsExactly(s[0], s[1], d[0], d[1]);
            } else if (protos.contains("arp")) {
                soft.assertThat(p.l3Kind()).as(at).isEqualTo(L3Kind.ARP);
                arp.wrap(p);
                soft.assertThat(arp.isEthernetIpv4()).as(at).isTrue();
                soft.assertThat(arp.op()).as(at).isEqualTo(Integer.parseInt(e.get("arp_opcode")));
            }

            // The first transport tshark names after the IP layer (and its extension headers).
            String l4 = protos.stream().dropWhile(t -> !t.equals("ip") && !t.equals("ipv6")).skip(1)
                    .filter(t -> !t.startsWith("ipv6.")).findFirst().orElse("");
            switch (l4) {
                case "tcp" -> {
                    soft.assertThat(p.l4Kind()).as(at).isEqualTo(L4Kind.TCP);
                    tcp.wrap(p);
                    soft.assertThat(tcp.srcPort()).as(at).isEqualTo(Integer.parseInt(e.get("tcp_srcport")));
                    soft.assertThat(tcp.dstPort()).as(at).isEqualTo(Integer.parseInt(e.get("tcp_dstport")));
                    checkedL4Checksums += checkL4(soft, at, p, e.get("tcp_checksum_status"));
                }
                case "udp" -> {
                    soft.assertThat(p.l4Kind()).as(at).isEqualTo(L4Kind.UDP);
                    udp.wrap(p);
                    soft.assertThat(udp.srcPort()).as(at).isEqualTo(Integer.parseInt(e.get("udp_srcport")));
                    soft.assertThat(udp.dstPort()).as(at).isEqualTo(Integer.parseInt(e.get("udp_dstport")));
                    soft.assertThat(p.payloadLength()).as(at).isEqualTo(udp.udpLength() - 8);
                    checkedL4Checksums += checkL4(soft, at, p, e.get("udp_checksum_status"));
                }
                case "icmp" -> {
                    soft.assertThat(p.l4Kind()).as(at).isEqualTo(L4Kind.ICMP);
                    soft.assertThat(icmp.wrap(p).type()).as(at).isEqualTo(Integer.parseInt(e.get("icmp_type")));
                    checkedL4Checksums += checkL4(soft, at, p, e.get("icmp_checksum_status"));
                }
                case "icmpv6" -> {
                    soft.assertThat(p.l4Kind()).as(at).isEqualTo(L4Kind.ICMPV6);
                    soft.assertThat(icmp.wrap(p).type()).as(at).isEqualTo(Integer.parseInt(e.get("icmpv6_type")));
                    checkedL4Checksums += checkL4(soft, at, p, e.get("icmpv6_checksum_status"));
                }
                case "data" -> soft.assertThat(p.l4Kind()).as(at).isEqualTo(L4Kind.FRAGMENT);
                default -> soft.assertThat(p.l4Kind()).as(at).isEqualTo(L4Kind.NONE);
            }
        }
        soft.assertAll();
        assertThat(checkedL4Checksums).as("frames whose L4 checksum tshark judged").isGreaterThan(40);
        assertThat(seenVlan).isPositive();
        assertThat(seenQinq).isPositive();
    }

    @Test
    void bothDirectionsOfEveryCapturedFlowHashAlike() throws Exception {
        List<byte[]> frames = PcapReader.readAll(resource("fixture.pcap"));
        PacketParser p = new PacketParser();
        FiveTuple t = new FiveTuple();
        FiveTuple reverse = new FiveTuple();
        Map<String, Integer> hashByFlow = new HashMap<>();
        int pairs = 0;
        for (byte[] f : frames) {
            p.parse(MemorySegment.ofArray(f), 0, f.length);
            if (!t.extract(p)) {
                continue;
            }
            int h = FlowHash.SYMMETRIC.hash(p);
            assertThat(h).isEqualTo(FlowHash.SYMMETRIC.hash(t));
            reverse.copyFrom(t).reverse();
            Integer other = hashByFlow.get(reverse.toString());
            if (other != null && !reverse.sameAs(t)) {
                assertThat(h).as(t.toString()).isEqualTo(other);
                pairs++;
            }
            hashByFlow.put(t.toString(), h);
        }
        assertThat(pairs).as("flows seen in both directions").isGreaterThan(5);
    }

    // tshark: 0 bad, 1 good, 2 unverified.
    private static boolean status(String s) {
        return s.equals("1");
    }

    private static int checkL4(SoftAssertions soft, String at, PacketParser p, String status) {
        if (!status.equals("0") && !status.equals("1")) {
            return 0;
        }
        soft.assertThat(Checksums.verifyL4(p)).as(at + " L4 checksum").isEqualTo(status(status));
        return 1;
    }

    private static int v4(String dotted) throws IOException {
        return ByteBuffer.wrap(InetAddress.getByName(dotted).getAddress()).getInt();
    }

    private static long[] v6(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(InetAddress.getByName(text).getAddress());
        return new long[] {b.getLong(), b.getLong()};
    }
}

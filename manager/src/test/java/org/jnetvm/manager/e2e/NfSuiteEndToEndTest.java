package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.packet.ArpView;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.Ipv4View;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.TcpView;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.manager.port.PcapInPort;
import org.jnetvm.manager.port.PcapPortTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each NF of the suite in a running manager: frames from a pcap_in port (or the generator) go
 * through a chain with the NF (a process, or a thread of the manager with inProcess) and out
 * of pcap_out ports; the test reads the captures and the platform's counters, and for NF
 * processes the counters the NF prints when it stops.
 */
class NfSuiteEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** What a run left: the frames of each capture port, the stats at the end, the logs of NF processes. */
    record Run(Map<String, List<byte[]>> captures, StatsSnapshot stats, Map<String, String> logs) {
        List<byte[]> capture(String port) {
            return captures.get(port);
        }

        StatsSnapshot.Nf nf(String service) {
            return stats.nfs().stream().filter(n -> n.serviceName().equals(service)).findFirst().orElseThrow();
        }
    }

    /**
     * Starts a manager whose port in0 (pcap_in, as fast as it goes) reads {@code frames} and whose
     * ports {@code captures} are pcap_out files, with {@code chainAndNfs} (YAML: services, chains,
     * nfs); waits until the file is read and no packet is in flight, then stops the NF processes
     * (SIGTERM: they print their counters), closes the manager and reads the captures.
     */
    Run run(String purpose, List<byte[]> frames, List<String> captures, String chainAndNfs) throws Exception {
        Path in = dir.resolve(purpose + "-in.pcap");
        PcapPortTest.writePcap(in, frames, ByteOrder.LITTLE_ENDIAN, false);
        StringBuilder ports = new StringBuilder("  - {name: in0, kind: pcap_in, file: " + in + ", pace: max}\n");
        for (String c : captures) {
            ports.append("  - {name: ").append(c).append(", kind: pcap_out, file: ").append(dir.resolve(c + ".pcap"))
                    .append("}\n");
        }
        return start(purpose, ports.toString(), chainAndNfs, captures, m -> {
            TestManagers.await("the pcap read and every packet through", WAIT, () ->
                    ((PcapInPort) m.port(0)).finished() && m.stats().pool().inFlight() == 0);
        });
    }

    interface Until {
        void await(Manager m) throws Exception;
    }

    Run start(String purpose, String ports, String chainAndNfs, List<String> captures, Until until) throws Exception {
        String yaml = """
                region: {name: ${name}, directory: /dev/shm, buffers: 4096}
                control: {socket: /tmp/${name}.sock}
                heartbeatTimeoutMs: 10000
                ports:
                %s%s""".formatted(ports, chainAndNfs);
        Manager started = TestManagers.start(purpose, yaml);
        Map<String, String> logs = new HashMap<>();
        StatsSnapshot stats;
        try (Manager m = started) {
            until.await(m);
            stats = m.stats();
            for (NfLauncher.Launched l : m.launcher().launched()) {
                if (!l.inProcess()) {
                    l.process().destroy(); // SIGTERM: the NF stops cleanly and prints its counters
                    assertThat(l.process().waitFor(20, TimeUnit.SECONDS)).as("NF %s stops", l.nf()).isTrue();
                    logs.put(l.nf(), Files.readString(l.log()));
                }
            }
        } finally {
            TestManagers.removeLogs(started); // NFs ended by SIGTERM exit 143: their logs would be kept
        }
        Map<String, List<byte[]>> out = new HashMap<>();
        for (String c : captures) {
            out.put(c, PcapPortTest.readPcap(dir.resolve(c + ".pcap")));
        }
        return new Run(out, stats, logs);
    }

    static FrameBuilder udp(int dport, String payload) {
        FrameBuilder b = new FrameBuilder();
        b.dstPort = dport;
        b.payload = payload.getBytes(StandardCharsets.US_ASCII);
        return b;
    }

    static PacketParser parsed(byte[] frame) {
        PacketParser p = new PacketParser();
        assertThat(p.parse(MemorySegment.ofArray(frame), 0, frame.length)).isEqualTo(PacketParser.OK);
        assertThat(Checksums.verifyIpv4Header(MemorySegment.ofArray(frame), p.l3Offset())).as("IPv4 checksum").isTrue();
        assertThat(Checksums.verifyL4(p)).as("L4 checksum").isTrue();
        return p;
    }

    @Test
    void firewallAsAProcessPassesWhatItsRulesAllowAndPrintsHitsPerRule() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.txt"), """
                allow proto udp dport 53
                allow proto tcp to 10.0.0.2 dport 80
                """);
        List<byte[]> frames = new ArrayList<>();
        List<byte[]> allowed = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            FrameBuilder b = udp(i % 3 == 0 ? 53 : 123, "query " + i);
            if (i % 3 == 1) {
                b.protocol = PacketParser.PROTO_TCP;
                b.dstPort = 80;
            }
            byte[] f = b.build();
            frames.add(f);
            if (i % 3 != 2) {
                allowed.add(f);
            }
        }
        Run r = run("fw", frames, List.of("cap0"), """
                chains:
                  default: [fw, out]
                nfs:
                  - {nf: firewall, service: fw, args: [--rules, %s]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(rules));
        assertThat(r.capture("cap0")).containsExactlyElementsOf(allowed);
        assertThat(r.nf("fw").drops()).isEqualTo(10);
        assertThat(r.nf("fw").pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(r.logs().get("firewall")).contains("firewall: allowed=20 denied=10",
                "rule 1 (rules.txt:1) allow proto udp dport 53: 10 packets, 496 bytes",
                "rule 2 (rules.txt:2) allow proto tcp to 10.0.0.2 dport 80: 10 packets, 617 bytes",
                "default deny: 10 packets, 497 bytes");
    }

    @Test
    void flowTrackerAsAProcessCountsTheGeneratorsFlows() throws Exception {
        Run r = start("flows", "  - {name: gen0, kind: generator, rate: 0, size: 100, flows: 4, count: 2000}\n", """
                chains:
                  default: [flows]
                nfs:
                  - {nf: flow_tracker, service: flows, args: [--interval, "0", --top, "3"]}
                """, List.of(), m -> TestManagers.await("2000 packets tracked", WAIT, () ->
                m.stats().nfs().stream().anyMatch(n -> n.rxPackets() == 2000)));
        String log = r.logs().get("flow_tracker");
        assertThat(log).contains("flow_tracker: 4 flows (table of 65536), packets=2000 new_flows=4", "top 3 by bytes:");
        assertThat(log.lines().filter(l -> l.matches(" *udp 10\\.0\\.0\\.1:102[4-7] -> 10\\.0\\.0\\.2:5000 +500 packets +50000"
                + " bytes .*")).count()).as("top flows in:%n%s", log).isEqualTo(3);
    }

    @Test
    void loadBalancerKeepsEachConnectionOnOneBackendAndRewritesRepliesBack() throws Exception {
        Path backends = Files.writeString(dir.resolve("backends.txt"),
                "web1 10.0.1.1 02:00:00:00:01:01\nweb2 10.0.1.2 02:00:00:00:01:02\n");
        List<byte[]> frames = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int conn = 0; conn < 4; conn++) {
                FrameBuilder b = udp(80, "request " + round);
                b.protocol = PacketParser.PROTO_TCP;
                b.tcpFlags = round == 0 ? TcpView.SYN : TcpView.ACK;
                b.dst4 = 0x0A00_0064;
                b.srcPort = 1000 + conn;
                frames.add(b.build());
            }
        }
        for (int conn = 0; conn < 4; conn++) {
            FrameBuilder b = udp(1000 + conn, "reply");
            b.protocol = PacketParser.PROTO_TCP;
            b.src4 = conn % 2 == 0 ? 0x0A00_0101 : 0x0A00_0102; // round robin in arrival order
            b.dst4 = 0x0A00_0001;
            b.srcPort = 80;
            frames.add(b.build());
        }
        Run r = run("lb", frames, List.of("cap0"), """
                chains:
                  default: [lb, out]
                nfs:
                  - {nf: load_balancer, service: lb, inProcess: true, args: [--vip, 10.0.0.100, --backends, %s]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(backends));
        List<byte[]> out = r.capture("cap0");
        assertThat(out).hasSize(16);
        Map<Integer, Integer> backendOf = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            Ipv4View ip = new Ipv4View().wrap(parsed(out.get(i)));
            int port = new TcpView().wrap(parsed(out.get(i))).srcPort();
            Integer before = backendOf.putIfAbsent(port, ip.dst());
            assertThat(ip.dst()).as("connection %d on one backend", port).isEqualTo(before == null ? ip.dst() : before);
            assertThat(out.get(i)[5]).as("backend MAC").isEqualTo((byte) ip.dst());
        }
        assertThat(backendOf.values()).containsExactlyInAnyOrder(0x0A00_0101, 0x0A00_0102, 0x0A00_0101, 0x0A00_0102);
        for (int i = 12; i < 16; i++) {
            assertThat(new Ipv4View().wrap(parsed(out.get(i))).src()).as("reply from the VIP").isEqualTo(0x0A00_0064);
            assertThat(Arrays.copyOfRange(out.get(i), 0, 6)).as("to the client's MAC").containsExactly(2, 0, 0, 0, 0, 1);
        }
        assertThat(r.nf("lb").drops()).isZero();
    }

    @Test
    void payloadScanDropsThePacketsThatCarryAPattern() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        List<byte[]> clean = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] f = udp(7, i % 4 == 0 ? "some ATTACK here " + i : "fine " + i).build();
            frames.add(f);
            if (i % 4 != 0) {
                clean.add(f);
            }
        }
        Run r = run("scan", frames, List.of("cap0"), """
                chains:
                  default: [scan, out]
                nfs:
                  - {nf: payload_scan, service: scan, inProcess: true, args: [-p, attack, --ignore-case]}
                  - {nf: bridge, service: out, inProcess: true}
                """);
        assertThat(r.capture("cap0")).containsExactlyElementsOf(clean);
        assertThat(r.nf("scan").drops()).isEqualTo(5);
    }

    @Test
    void arpResponseAnswersForItsAddressAndPassesTheRest() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FrameBuilder b = new FrameBuilder();
            b.l3 = FrameBuilder.L3_ARP;
            b.arpOp = ArpView.OP_REQUEST;
            b.dstMac = 0xFFFF_FFFF_FFFFL;
            b.src4 = 0x0A00_0010 + i;
            b.dst4 = i < 3 ? 0x0A00_0001 : 0x0A00_0009;
            frames.add(b.build());
            frames.add(udp(9, "data " + i).build());
        }
        Run r = run("arp", frames, List.of("cap0"), """
                chains:
                  default: [arp, out]
                nfs:
                  - {nf: arp_response, service: arp, inProcess: true, args: [--entry, "10.0.0.1=02:00:00:00:00:99", --out, cap0]}
                  - {nf: bridge, service: out, inProcess: true}
                """);
        List<byte[]> out = r.capture("cap0");
        assertThat(out).hasSize(8);
        List<byte[]> replies = out.stream().filter(f -> f[12] == 8 && f[13] == 6 && f[21] == ArpView.OP_REPLY).toList();
        assertThat(replies).hasSize(3);
        for (byte[] reply : replies) {
            ArpView arp = new ArpView().wrap(MemorySegment.ofArray(reply), 14, reply.length - 14);
            assertThat(arp.senderMac()).isEqualTo(0x02_00_00_00_00_99L);
            assertThat(arp.senderIp()).isEqualTo(0x0A00_0001);
            assertThat(arp.targetIp()).isBetween(0x0A00_0010, 0x0A00_0012);
        }
        assertThat(r.stats().ports().get(1).txPackets()).isEqualTo(8);
    }

    @Test
    void routerSendsEachPrefixOutOfItsPortWithTheTtlDecremented() throws Exception {
        Path routes = Files.writeString(dir.resolve("routes.txt"), """
                10.1.0.0/16  east  02:00:00:00:0e:01
                10.2.0.0/16  west
                """);
        List<byte[]> frames = new ArrayList<>();
        int[] dsts = {0x0A01_0001, 0x0A02_0001, 0x0A03_0001, 0x0A01_0002, 0x0A02_0002};
        for (int i = 0; i < 10; i++) {
            FrameBuilder b = udp(9, "x" + i);
            b.dst4 = dsts[i % 5];
            b.ttl = i == 9 ? 1 : 64;
            frames.add(b.build());
        }
        Run r = run("router", frames, List.of("east", "west"), """
                chains:
                  default: [rt]
                nfs:
                  - {nf: router, service: rt, inProcess: true, args: [--routes, %s]}
                """.formatted(routes));
        assertThat(r.capture("east")).hasSize(4);
        assertThat(r.capture("west")).hasSize(3);
        for (byte[] f : r.capture("east")) {
            Ipv4View ip = new Ipv4View().wrap(parsed(f));
            assertThat(ip.dst() >>> 16).isEqualTo(0x0A01);
            assertThat(ip.ttl()).isEqualTo(63);
            assertThat(Arrays.copyOfRange(f, 0, 6)).containsExactly(2, 0, 0, 0, 0x0e, 1);
        }
        for (byte[] f : r.capture("west")) {
            assertThat(new Ipv4View().wrap(parsed(f)).dst() >>> 16).isEqualTo(0x0A02);
        }
        assertThat(r.nf("rt").drops()).as("2 with no route, 1 with TTL 1").isEqualTo(3);
    }

    @Test
    void rateLimiterPassesTheBurstAndDropsTheRest() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            frames.add(udp(9, "p" + i).build());
        }
        Run r = run("rate", frames, List.of("cap0"), """
                chains:
                  default: [limit, out]
                nfs:
                  - {nf: rate_limiter, service: limit, inProcess: true, args: [--rate, "100", --burst-size, "50"]}
                  - {nf: bridge, service: out, inProcess: true}
                """);
        int passed = r.capture("cap0").size();
        // The file is read in milliseconds: the bucket of 50, and at 100/s a few more at most.
        assertThat(passed).isBetween(50, 80);
        assertThat(r.nf("limit").drops()).isEqualTo(400 - passed);
    }

    @Test
    void aesEncryptThenDecryptGivesBackEveryDatagramAndEncryptAloneScramblesThem() throws Exception {
        String key = "00112233445566778899aabbccddeeff";
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(udp(5000, "secret message number " + i + " ".repeat(i * 20)).build());
        }
        Run both = run("aes2", frames, List.of("cap0"), """
                chains:
                  default: [enc, dec, out]
                nfs:
                  - {nf: aes_encrypt, service: enc, inProcess: true, args: [--key, %s]}
                  - {nf: aes_decrypt, service: dec, inProcess: true, args: [--key, %s]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(key, key));
        assertThat(both.capture("cap0")).containsExactlyElementsOf(frames);

        Run encrypted = run("aes1", frames, List.of("cap0"), """
                chains:
                  default: [enc, out]
                nfs:
                  - {nf: aes_encrypt, service: enc, inProcess: true, args: [--key, %s]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(key));
        List<byte[]> middle = encrypted.capture("cap0");
        assertThat(middle).hasSize(50);
        for (int i = 0; i < 50; i++) {
            byte[] m = middle.get(i);
            assertThat(m.length).isEqualTo(frames.get(i).length + 8);
            parsed(m);
            assertThat(new String(m, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
        }
    }
}

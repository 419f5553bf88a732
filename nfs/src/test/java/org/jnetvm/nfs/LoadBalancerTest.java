package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.Ipv4View;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.TcpView;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadBalancerTest {
    static final int VIP = 0x0A00_0064;      // 10.0.0.100
    static final int WEB1 = 0x0A00_0101;     // 10.0.1.1
    static final int WEB2 = 0x0A00_0102;
    static final int CLIENT = 0x0A00_0005;
    static final long CLIENT_MAC = 0x02_00_00_00_00_05L;
    static final String BACKENDS = """
            # name ip mac
            web1 10.0.1.1 02:00:00:00:01:01
            web2 10.0.1.2 02:00:00:00:01:02
            """;

    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    LoadBalancer lb(Path dir, String backends, String... more) throws Exception {
        Path file = Files.writeString(dir.resolve("backends.txt"), backends);
        List<String> args = new ArrayList<>(List.of("--vip", "10.0.0.100", "--backends", file.toString(), "--reload", "0"));
        args.addAll(List.of(more));
        LoadBalancer nf = (LoadBalancer) NfMain.configure(NfCatalog.load(), "load_balancer", args.toArray(String[]::new)).nf();
        nf.clock = clock::get;
        return nf;
    }

    static byte[] toVip(int clientPort, int flags) {
        FrameBuilder b = new FrameBuilder();
        b.protocol = PacketParser.PROTO_TCP;
        b.srcMac = CLIENT_MAC;
        b.dstMac = 0x02_00_00_00_00_64L;
        b.src4 = CLIENT;
        b.dst4 = VIP;
        b.srcPort = clientPort;
        b.dstPort = 80;
        b.tcpFlags = flags;
        b.payload = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        return b.build();
    }

    static byte[] reply(int backend, int clientPort) {
        FrameBuilder b = new FrameBuilder();
        b.protocol = PacketParser.PROTO_TCP;
        b.srcMac = 0x02_00_00_00_01_00L | (backend & 0xFF);
        b.dstMac = 0x02_00_00_00_00_FEL;
        b.src4 = backend;
        b.dst4 = CLIENT;
        b.srcPort = 80;
        b.dstPort = clientPort;
        b.payload = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
        return b.build();
    }

    /** {dst ip, src ip, dst MAC low byte}, after checking both checksums. */
    static int[] addresses(byte[] frame) {
        PacketParser p = new PacketParser();
        assertThat(p.parse(MemorySegment.ofArray(frame), 0, frame.length)).isEqualTo(PacketParser.OK);
        assertThat(Checksums.verifyIpv4Header(MemorySegment.ofArray(frame), 14)).as("IPv4 checksum").isTrue();
        assertThat(Checksums.verifyL4(p)).as("TCP/UDP checksum").isTrue();
        Ipv4View ip = new Ipv4View().wrap(p);
        return new int[] {ip.dst(), ip.src(), frame[5] & 0xFF};
    }

    @Test
    void connectionsAlternateOverBackendsAndStayOnTheirsBothWays(@TempDir Path dir) throws Exception {
        LoadBalancer nf = lb(dir, BACKENDS, "--mac", "02:00:00:00:00:fe");
        try (NfHarness h = NfHarness.start(nf)) {
            Map<Integer, Integer> backendOf = new HashMap<>();
            for (int round = 0; round < 3; round++) {
                for (int port = 40_000; port < 40_006; port++) {
                    NfHarness.Outcome o = h.run(toVip(port, TcpView.ACK | TcpView.PSH));
                    assertThat(o.forwarded()).isTrue();
                    int[] a = addresses(o.frame());
                    assertThat(a[1]).as("source left").isEqualTo(CLIENT);
                    assertThat(a[2]).as("backend MAC matches the backend's address").isEqualTo(a[0] & 0xFF);
                    Integer before = backendOf.putIfAbsent(port, a[0]);
                    if (before != null) {
                        assertThat(a[0]).as("connection %d stays on its backend", port).isEqualTo(before);
                    }
                }
            }
            assertThat(backendOf.values()).containsOnly(WEB1, WEB2);
            assertThat(backendOf.values().stream().filter(b -> b == WEB1).count()).as("round robin").isEqualTo(3);

            NfHarness.Outcome back = h.run(reply(backendOf.get(40_002), 40_002));
            int[] a = addresses(back.frame());
            assertThat(a[1]).as("reply source back to the VIP").isEqualTo(VIP);
            assertThat(a[0]).isEqualTo(CLIENT);
            assertThat(back.frame()).startsWith(2, 0, 0, 0, 0, 5, 2, 0, 0, 0, 0, (byte) 0xFE);
            int otherBackend = backendOf.get(40_002) == WEB1 ? WEB2 : WEB1;
            byte[] wrongBackend = reply(otherBackend, 40_002);
            assertThat(h.run(wrongBackend).frame()).as("a reply from the wrong backend is not rewritten").isEqualTo(wrongBackend);
            assertThat(nf.counters.format()).startsWith("new_connections=6 to_backend=18 to_client=1 other=1");
            assertThat(nf.connections()).isEqualTo(6);
            assertThat(nf.report()).contains("web1 10.0.1.1 up: 3 connections assigned", "web2 10.0.1.2 up: 3");
        }
    }

    @Test
    void aBackendMarkedDownGetsNoNewConnectionsButKeepsItsOwn(@TempDir Path dir) throws Exception {
        LoadBalancer nf = lb(dir, BACKENDS);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        nf.log = new PrintStream(log, true, StandardCharsets.UTF_8);
        try (NfHarness h = NfHarness.start(nf)) {
            int first = addresses(h.run(toVip(1000, TcpView.SYN)).frame())[0];
            int second = addresses(h.run(toVip(1001, TcpView.SYN)).frame())[0];
            assertThat(first).isNotEqualTo(second);
            Files.writeString(dir.resolve("backends.txt"), BACKENDS.replace("02:00:00:00:01:02", "02:00:00:00:01:02 down"));
            nf.reloadIfChanged();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("re-read: web1=up web2=down");
            for (int port = 2000; port < 2004; port++) {
                assertThat(addresses(h.run(toVip(port, TcpView.SYN)).frame())[0]).isEqualTo(WEB1);
            }
            int web2Port = second == WEB2 ? 1001 : 1000;
            assertThat(addresses(h.run(toVip(web2Port, TcpView.ACK)).frame())[0]).as("existing connection stays")
                    .isEqualTo(WEB2);

            Files.writeString(dir.resolve("backends.txt"), BACKENDS.replace("02:00:00:00:01:01", "02:00:00:00:01:01 down")
                    .replace("02:00:00:00:01:02", "02:00:00:00:01:02 down"));
            nf.reloadIfChanged();
            assertThat(h.run(toVip(3000, TcpView.SYN)).dropped()).as("no backend up").isTrue();
            assertThat(nf.counters.get("no_backend")).isEqualTo(1);

            Files.writeString(dir.resolve("backends.txt"), "web9 10.0.9.9 02:00:00:00:09:09\n");
            nf.reloadIfChanged();
            Files.writeString(dir.resolve("backends.txt"), "web1 10.0.1.1 02:00:00:00:01:01 sideways\n");
            nf.reloadIfChanged();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("changed its backends, not only up/down",
                    "backends.txt:1: 'sideways' is not up or down (backends kept as they were)");
        }
    }

    @Test
    void idleAndClosedConnectionsAreForgottenAndAFullTableDropsNewOnes(@TempDir Path dir) throws Exception {
        LoadBalancer nf = lb(dir, BACKENDS, "--max-connections", "2", "--idle-timeout", "5", "--closed-timeout", "1");
        try (NfHarness h = NfHarness.start(nf)) {
            h.run(toVip(1, TcpView.SYN));
            h.run(toVip(2, TcpView.SYN));
            assertThat(h.run(toVip(3, TcpView.SYN)).dropped()).isTrue();
            assertThat(nf.counters.get("table_full")).isEqualTo(1);
            h.run(toVip(2, TcpView.FIN | TcpView.ACK));
            clock.addAndGet(2_000_000_000L);
            nf.idle(h.context());
            assertThat(nf.connections()).as("the closed one went after 1 s").isEqualTo(1);
            assertThat(h.run(toVip(3, TcpView.SYN)).forwarded()).isTrue();
            clock.addAndGet(6_000_000_000L);
            nf.idle(h.context());
            assertThat(nf.connections()).isZero();
            assertThat(nf.counters.get("expired")).isEqualTo(3);
        }
    }

    @Test
    void udpWithoutAChecksumKeepsNoneAndOtherTrafficPasses(@TempDir Path dir) throws Exception {
        LoadBalancer nf = lb(dir, BACKENDS, "--ports", "53");
        FrameBuilder dns = new FrameBuilder();
        dns.dst4 = VIP;
        dns.dstPort = 53;
        dns.udpZeroChecksum = true;
        dns.payload = new byte[12];
        FrameBuilder other = new FrameBuilder();
        other.dst4 = VIP;
        other.dstPort = 54;
        try (NfHarness h = NfHarness.start(nf)) {
            byte[] out = h.run(dns.build()).frame();
            assertThat(out[14 + 20 + 6] | out[14 + 20 + 7]).as("UDP checksum stays 0").isZero();
            assertThat(new Ipv4View().wrap(MemorySegment.ofArray(out), 14, out.length - 14).dst()).isEqualTo(WEB1);
            assertThat(h.run(other.build()).frame()).isEqualTo(other.build());
        }
    }

    @Test
    void badBackendFilesAreRefusedWithTheLine(@TempDir Path dir) {
        Path file = dir.resolve("backends.txt");
        assertThatThrownBy(() -> lb(dir, "web1 10.0.1.1 02:00:00:00:01:01\nweb1 10.0.1.2 02:00:00:00:01:02\n"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining(file + ":2: backend web1 is already named on line 1");
        assertThatThrownBy(() -> lb(dir, "a 10.0.1.1 02:00:00:00:01:01\nb 10.0.1.1 02:00:00:00:01:02\n"))
                .hasMessageContaining(file + ":2: 10.0.1.1 is already the address of the backend on line 1");
        assertThatThrownBy(() -> lb(dir, "a 10.0.1.0/24 02:00:00:00:01:01\n"))
                .hasMessageContaining(file + ":1: '10.0.1.0/24' is not one IPv4 address");
        assertThatThrownBy(() -> lb(dir, "a 10.0.1.1\n")).hasMessageContaining(file + ":1: expected 'NAME IP MAC [up|down]'");
        assertThatThrownBy(() -> NfHarness.start(lb(dir, "a 10.0.0.100 02:00:00:00:01:01\n")))
                .hasMessageContaining(file + ":1: backend a has the VIP's address 10.0.0.100");
    }
}

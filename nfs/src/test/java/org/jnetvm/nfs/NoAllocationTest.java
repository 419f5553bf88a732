package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jnetvm.core.packet.ArpView;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.TcpView;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data-plane rule "nothing allocated per packet", measured: each NF of the suite handles
 * bursts of real packets until the JIT has compiled its loop, then 2048 more bursts (65536
 * packets) while the thread's allocation counter (HotSpot's per-thread allocated bytes) is read
 * before and after.
 */
class NoAllocationTest {
    static final int WARM_ROUNDS = 30_000;
    static final int ROUNDS = 2048;

    @TempDir
    static Path dir;

    static Stream<Arguments> suite() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.txt"), """
                deny proto tcp dport 22
                deny proto udp from 192.168.0.0/16
                allow proto udp to 10.0.0.0/24 dport 0-1000
                allow proto tcp to 10.0.0.100 dport 80
                """);
        Path routes = Files.writeString(dir.resolve("routes.txt"), "0.0.0.0/0 p0\n10.0.0.0/24 p1 02:00:00:00:00:09\n");
        Path backends = Files.writeString(dir.resolve("backends.txt"),
                "a 10.0.1.1 02:00:00:00:01:01\nb 10.0.1.2 02:00:00:00:01:02\n");
        String key = "000102030405060708090a0b0c0d0e0f";
        return Stream.of(
                Arguments.of("firewall", List.of("--rules", rules.toString())),
                Arguments.of("flow_tracker", List.of("--interval", "0")),
                Arguments.of("payload_scan", List.of("-p", "attack", "-p", "GET /admin", "--action", "mark")),
                Arguments.of("arp_response", List.of("--entry", "10.0.0.2=02:00:00:00:00:02")),
                Arguments.of("router", List.of("--routes", routes.toString(), "--mac", "02:00:00:00:00:fe")),
                Arguments.of("load_balancer", List.of("--vip", "10.0.0.100", "--backends", backends.toString(), "--reload",
                        "0")),
                Arguments.of("rate_limiter", List.of("--rate", "1M")),
                Arguments.of("aes_encrypt", List.of("--key", key)),
                Arguments.of("aes_decrypt", List.of("--key", key)),
                Arguments.of("packet_logger", List.of("--file", dir.resolve("log.pcap").toString(), "--snaplen", "14")));
    }

    /** A mix: UDP flows of several sizes, TCP to a VIP and back, ARP requests. */
    static List<byte[]> traffic() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            FrameBuilder b = new FrameBuilder();
            switch (i % 4) {
                case 0 -> {
                    b.srcPort = 1000 + i;
                    b.payload = new byte[i * 20];
                }
                case 1 -> {
                    b.protocol = PacketParser.PROTO_TCP;
                    b.dst4 = 0x0A00_0064;
                    b.srcPort = 30_000 + i;
                    b.tcpFlags = TcpView.ACK;
                    b.payload = new byte[100];
                }
                case 2 -> {
                    b.protocol = PacketParser.PROTO_TCP;
                    b.src4 = 0x0A00_0101;
                    b.dst4 = 0x0A00_0001;
                    b.srcPort = 80;
                    b.dstPort = 30_000 + i - 1;
                    b.payload = new byte[200];
                }
                default -> {
                    b.l3 = FrameBuilder.L3_ARP;
                    b.arpOp = ArpView.OP_REQUEST;
                    b.dst4 = 0x0A00_0002;
                }
            }
            frames.add(b.build());
        }
        return frames;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void handlesPacketsWithoutAllocating(String name, List<String> args) {
        NetworkFunction nf = NfMain.configure(NfCatalog.load(), name, args.toArray(String[]::new)).nf();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<byte[]> frames = traffic();
        try (NfHarness h = NfHarness.start(nf, "p0", "p1")) {
            h.runQuietly(frames, WARM_ROUNDS);
            long before = threads.getCurrentThreadAllocatedBytes();
            h.runQuietly(frames, ROUNDS);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            System.out.printf("%s: %d bytes allocated for %d packets%n", name, allocated, ROUNDS * NfHarness.BURST);
            assertThat(allocated).as("bytes %s allocated handling %d packets", name, ROUNDS * NfHarness.BURST)
                    .isLessThan(1024);
        }
    }
}

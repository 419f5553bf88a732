package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.L4Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.UdpView;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.port.PcapPortTest;
import org.jnetvm.testsupport.Shell;
import org.jnetvm.testsupport.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * UDP between two namespaces through {@code aes_encrypt} then {@code aes_decrypt} (both NF
 * processes) then bridge: a client in host A sends datagrams to an echo server in host B and
 * gets each back (both directions cross the pair), byte for byte. The decrypt service's
 * capture, the middle hop, holds every datagram encrypted: 8 bytes longer (the IV), none of
 * the plaintext, a fresh IV each, and valid checksums.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AesNamespaceTest {
    private static final int PORT = 5000;
    private static final int DATAGRAMS = 40;
    private static final String KEY = "000102030405060708090a0b0c0d0e0f";
    private static final String MARK = "plaintext-mark";

    // Echoes DATAGRAMS datagrams, then exits; gives up after 20 s without one.
    private static final String ECHO = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((sys.argv[1], int(sys.argv[2])))
            s.settimeout(20)
            for _ in range(int(sys.argv[3])):
                data, peer = s.recvfrom(65535)
                s.sendto(data, peer)
            """;
    // Sends datagram i (MARK, its number, then filler up to a size that grows to 1400 bytes) and
    // waits for its echo, in lock step; exits 1 at the first echo that differs or is missing.
    private static final String CLIENT = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(5)
            n = int(sys.argv[3])
            for i in range(n):
                head = ("%s %d " % (sys.argv[4], i)).encode()
                size = 20 + i * (1400 - 20) // (n - 1)
                data = head + bytes((i + k) % 251 for k in range(size - len(head)))
                s.sendto(data, (sys.argv[1], int(sys.argv[2])))
                try:
                    echo = s.recv(65535)
                except socket.timeout:
                    sys.exit("no echo of datagram %d" % i)
                if echo != data:
                    sys.exit("echo of datagram %d differs: %d bytes sent, %d back" % (i, len(data), len(echo)))
            print("echoed", n)
            """;

    private Testbed bed;
    private Manager manager;
    private Path dir;
    private Process echo;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for network namespaces and AF_PACKET");
        dir = Files.createTempDirectory("jnetvm-aes-e2e");
        bed = Testbed.create(Testbed.uniqueName("aes"), 96, true);
        manager = TestManagers.start("aesns", """
                region: {name: ${name}}
                ports:
                  - {name: a, kind: af_packet, interface: %s}
                  - {name: b, kind: af_packet, interface: %s}
                services:
                  - {name: enc}
                  - {name: dec, capture: %s}
                  - {name: fwd}
                chains: {default: [enc, dec, fwd]}
                nfs:
                  - {nf: aes_encrypt, service: enc, args: [--key, %s, --udp-port, "%d"]}
                  - {nf: aes_decrypt, service: dec, args: [--key, %s, --udp-port, "%d"]}
                  - {nf: bridge, service: fwd, inProcess: true}
                """.formatted(bed.hostInterface(0), bed.hostInterface(1), dir.resolve("middle.pcap"), KEY, PORT, KEY,
                PORT));
        echo = bed.inHost(1, "python3", "-c", ECHO, bed.address(1), String.valueOf(PORT), String.valueOf(DATAGRAMS))
                .redirectErrorStream(true).redirectOutput(dir.resolve("echo.log").toFile()).start();
        bed.awaitListening(1, "udp", PORT, Hosts.LISTEN_WAIT);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            Testbed.stop(echo);
            if (manager != null) {
                manager.close();
                TestManagers.removeLogs(manager);
            }
        } finally {
            if (bed != null) {
                bed.close();
            }
            Hosts.deleteTree(dir);
        }
    }

    @Test
    void datagramsArriveIntactBothWaysAndTheMiddleHopSeesThemEncrypted() throws Exception {
        Hosts.Result client = Hosts.run(bed, 0, Duration.ofSeconds(60), "python3", "-c", CLIENT, bed.address(1),
                String.valueOf(PORT), String.valueOf(DATAGRAMS), MARK);
        assertThat(client.exitCode()).as("client; output: %s", client.output()).isZero();
        assertThat(client.output()).contains("echoed " + DATAGRAMS);

        manager.stopReceiving();
        assertThat(manager.awaitDrained()).as("chain drained").isTrue();
        manager.close(); // the NFs close their capture files
        manager = null;
        Path middle = dir.resolve("middle.pcap");
        assertThat(new String(Files.readAllBytes(middle), StandardCharsets.ISO_8859_1)).as("the middle capture")
                .doesNotContain(MARK);

        PacketParser parser = new PacketParser();
        UdpView udp = new UdpView();
        Set<Long> ivs = new HashSet<>();
        List<Integer> lengths = new ArrayList<>();
        int index = 0;
        for (byte[] frame : PcapPortTest.readPcap(middle)) {
            MemorySegment seg = MemorySegment.ofArray(frame);
            if (parser.parse(seg, 0, frame.length) != PacketParser.OK || parser.l4Kind() != L4Kind.UDP) {
                continue; // ARP
            }
            udp.wrap(seg, parser.l4Offset(), parser.l4Length());
            assertThat(udp.dstPort() == PORT || udp.srcPort() == PORT).as("UDP to or from the echo port").isTrue();
            assertThat(Checksums.verifyIpv4Header(seg, parser.l3Offset())).as("IPv4 checksum").isTrue();
            assertThat(Checksums.verifyL4(parser)).as("UDP checksum of the encrypted datagram").isTrue();
            lengths.add(parser.payloadLength());
            int payload = (int) parser.payloadOffset();
            ivs.add(ByteBuffer.wrap(frame, payload, 8).getLong());
            byte[] plain = datagram(index++ / 2);
            if (parser.payloadLength() == plain.length + 8) {
                int same = 0;
                for (int k = 0; k < plain.length; k++) {
                    same += frame[payload + 8 + k] == plain[k] ? 1 : 0;
                }
                // Keystream bytes equal the plaintext's by chance, 1 in 256.
                assertThat(same).as("bytes of datagram %d left as they were", index - 1).isLessThan(plain.length / 16 + 4);
            }
        }
        // In lock step: datagram i, then its echo; each the client's size plus the 8-byte IV.
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < DATAGRAMS; i++) {
            int size = datagram(i).length + 8;
            expected.addAll(List.of(size, size));
        }
        assertThat(lengths).as("payload lengths at the middle hop").containsExactlyElementsOf(expected);
        assertThat(ivs).as("a fresh IV per datagram").hasSize(2 * DATAGRAMS);
    }

    // Datagram i as CLIENT makes it.
    private static byte[] datagram(int i) {
        byte[] head = (MARK + " " + i + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] data = Arrays.copyOf(head, 20 + i * (1400 - 20) / (DATAGRAMS - 1));
        for (int k = 0; k < data.length - head.length; k++) {
            data[head.length + k] = (byte) ((i + k) % 251);
        }
        return data;
    }
}

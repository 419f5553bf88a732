package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.testsupport.Shell;
import org.jnetvm.testsupport.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real kernel stacks on both sides of a chain: two network namespaces, each behind a veth pair
 * whose other end is an af_packet port of the manager, and between them the chain
 * basic_monitor then bridge, both NF processes. ARP, an HTTP download and an iperf3 TCP
 * transfer cross it; the pcap files written at the monitor's hop and at a port are read by
 * tshark and counted against the counters. Everything is removed afterwards, also on failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamespaceChainTest {
    private static final int HTTP_PORT = 8080;
    private static final int DOWNLOAD_BYTES = 12 << 20;

    private Testbed bed;
    private Manager manager;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for network namespaces and AF_PACKET");
        dir = Files.createTempDirectory("jnetvm-ns-chain");
        bed = Testbed.create(Testbed.uniqueName("ns"), 93, true);
        manager = TestManagers.start("nschain", """
                region: {name: ${name}}
                ports:
                  - {name: a, kind: af_packet, interface: %s}
                  - {name: b, kind: af_packet, interface: %s, capture: %s}
                services:
                  - {name: monitor, capture: %s}
                  - {name: fwd}
                chains: {default: [monitor, fwd]}
                nfs:
                  - {nf: basic_monitor, service: monitor}
                  - {nf: bridge, service: fwd}
                """.formatted(bed.hostInterface(0), bed.hostInterface(1), dir.resolve("port-b.pcap"),
                dir.resolve("monitor.pcap")));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (manager != null) {
                manager.close();
            }
        } finally {
            if (bed != null) {
                bed.close();
            }
            Hosts.deleteTree(dir);
        }
    }

    @Test
    @Order(1)
    void arpResolvesThroughTheChain() {
        bed.run(0, "ip", "neigh", "flush", "dev", "eth0");
        bed.run(1, "ip", "neigh", "flush", "dev", "eth0");
        // Any datagram to B makes A's stack ask who has B's address first.
        bed.run(0, "bash", "-c", "echo hi > /dev/udp/" + bed.address(1) + "/9");
        String bMac = bed.mac(1);
        TestManagers.await("A to learn B's MAC through the chain", Duration.ofSeconds(5),
                () -> bed.run(0, "ip", "neigh", "show", bed.address(1)).contains("lladdr " + bMac));
        // B learned A's address from A's request, which crossed the chain too.
        assertThat(bed.run(1, "ip", "neigh", "show", bed.address(0))).contains("lladdr " + bed.mac(0));
    }

    @Test
    @Order(2)
    void anHttpDownloadThroughTheChainIsByteExact() throws Exception {
        byte[] content = new byte[DOWNLOAD_BYTES];
        new Random(42).nextBytes(content);
        Path served = Files.createDirectory(dir.resolve("www"));
        Files.write(served.resolve("blob.bin"), content);
        Path fetched = dir.resolve("fetched.bin");
        Process server = bed.inHost(1, "python3", "-m", "http.server", String.valueOf(HTTP_PORT), "--bind",
                bed.address(1), "--directory", served.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("http.log").toFile()).start();
        try {
            String url = "http://" + bed.address(1) + ":" + HTTP_PORT + "/blob.bin";
            bed.awaitListening(1, "tcp", HTTP_PORT, Hosts.LISTEN_WAIT);
            Process curl = bed.inHost(0, "curl", "--silent", "--show-error", "--fail", "--max-time", "60",
                    "--output", fetched.toString(), url).redirectErrorStream(true).start();
            String curlOut = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(70, TimeUnit.SECONDS)).as("curl finished").isTrue();
            assertThat(curl.exitValue()).as("curl exit code; output: %s", curlOut).isZero();
            assertThat(Files.size(fetched)).isEqualTo(DOWNLOAD_BYTES);
            assertThat(Hosts.sha256(Files.readAllBytes(fetched))).isEqualTo(Hosts.sha256(content));
        } finally {
            Testbed.stop(server);
        }
    }

    @Test
    @Order(3)
    void anIperf3TcpTransferCrossesTheChain() throws Exception {
        long bytes = 64L << 20;
        Process server = bed.inHost(1, "iperf3", "--server", "--one-off", "--bind", bed.address(1))
                .redirectErrorStream(true).redirectOutput(dir.resolve("iperf3-server.log").toFile()).start();
        try {
            bed.awaitListening(1, "tcp", 5201, Hosts.LISTEN_WAIT);
            Process client = bed.inHost(0, "iperf3", "--client", bed.address(1), "--bytes", String.valueOf(bytes),
                    "--connect-timeout", "5000", "--json").redirectErrorStream(true).start();
            String json = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("iperf3 client finished").isTrue();
            assertThat(client.exitValue()).as("iperf3 exit code; output: %s", json).isZero();
            JsonNode end = new ObjectMapper().readTree(json).path("end");
            // A clean exit means the connection closed after all bytes went out; the server's own
            // sum can miss the last moments of the test (iperf3 stops its interval clock first).
            assertThat(end.path("sum_sent").path("bytes").asLong()).as("bytes the client sent").isGreaterThanOrEqualTo(bytes);
            assertThat(end.path("sum_received").path("bytes").asLong()).as("bytes the server counted")
                    .isGreaterThan(bytes * 9 / 10);
            System.out.printf("iperf3 through basic_monitor -> bridge (NF processes): %.2f Gbit/s, %d retransmits%n",
                    end.path("sum_received").path("bits_per_second").asDouble() / 1e9,
                    end.path("sum_sent").path("retransmits").asLong());
        } finally {
            Testbed.stop(server);
        }
    }

    @Test
    @Order(4)
    void theCapturesAtTheMonitorHopAndAtPortBMatchTheCounters() throws Exception {
        manager.stopReceiving();
        assertThat(manager.awaitDrained()).as("chain drained").isTrue();
        StatsSnapshot stats = manager.stats();
        long monitorRx = stats.nfs().stream().filter(nf -> nf.serviceName().equals("monitor"))
                .mapToLong(StatsSnapshot.Nf::rxPackets).sum();
        StatsSnapshot.Port b = stats.ports().stream().filter(p -> p.name().equals("b")).findFirst().orElseThrow();
        assertThat(monitorRx).as("packets the monitor received").isGreaterThan(10_000);
        manager.close(); // the NFs and ports close their capture files
        manager = null;

        assertThat(tsharkCount(dir.resolve("monitor.pcap"))).as("frames tshark reads in the monitor's capture")
                .isEqualTo(monitorRx);
        assertThat(tsharkCount(dir.resolve("port-b.pcap"))).as("frames tshark reads in port b's capture")
                .isEqualTo(b.rxPackets() + b.txPackets());
        assertThat(tcpdumpCount(dir.resolve("monitor.pcap"))).as("frames tcpdump reads in the monitor's capture")
                .isEqualTo(monitorRx);
    }

    private static long tcpdumpCount(Path pcap) throws IOException, InterruptedException {
        Process tcpdump = new ProcessBuilder("tcpdump", "-n", "-q", "-r", pcap.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long lines = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
        if (!tcpdump.waitFor(60, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("tcpdump did not finish reading " + pcap + " in 60 s");
        }
        assertThat(tcpdump.exitValue()).as("tcpdump read %s without complaint", pcap).isZero();
        return lines;
    }

    // Counting needs no dissection above Ethernet; with it, tshark reassembles the 12 MiB HTTP body,
    // which can take minutes on a busy machine.
    private static long tsharkCount(Path pcap) throws IOException, InterruptedException {
        Process tshark = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "--disable-protocol=eth", "-T",
                "fields", "-e", "frame.number").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long lines = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
        if (!tshark.waitFor(60, TimeUnit.SECONDS)) {
            tshark.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("tshark did not finish reading " + pcap + " in 60 s");
        }
        assertThat(tshark.exitValue()).as("tshark read %s without complaint", pcap).isZero();
        return lines;
    }
}

package org.jnetvm.manager.port;

import org.jnetvm.testsupport.Shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.L4Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.UdpView;
import org.jnetvm.core.packet.UdpTraffic;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionSpec;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An AF_PACKET port on one end of a veth pair whose other end lives in a network namespace: frames
 * sent by the namespace's kernel stack arrive through the receive ring, frames transmitted through
 * the transmit ring are captured by tcpdump in the namespace. Needs root (CAP_NET_ADMIN and
 * CAP_NET_RAW); skipped otherwise. The namespace and the veth are removed after each test.
 */
class AfPacketPortTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final String NS = "jnvt" + PID;
    private static final String HOST_IF = "jva" + (PID % 1_000_000);
    private static final String NS_IF = "jvb" + (PID % 1_000_000);
    private static final int BURST = 32;

    private Region region;
    private PacketPool pool;
    private PoolCache cache;
    private Router router;
    private AfPacketPort port;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for network namespaces and AF_PACKET");
        removeNetwork();
        Shell.run("ip", "netns", "add", NS);
        Shell.run("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
        Shell.run("ip", "link", "set", NS_IF, "netns", NS);
        Shell.run("ip", "addr", "add", "10.77.0.1/24", "dev", HOST_IF);
        Shell.run("ip", "link", "set", HOST_IF, "up");
        Shell.run("ip", "netns", "exec", NS, "ip", "addr", "add", "10.77.0.2/24", "dev", NS_IF);
        Shell.run("ip", "netns", "exec", NS, "ip", "link", "set", NS_IF, "up");
        Shell.run("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up");
    }

    private void openRegion(int dataRoom) {
        RegionSpec spec = RegionSpec.builder("test-afp-" + PID + "-" + System.nanoTime())
                .directory(Path.of("/dev/shm")).bufferCount(4096).dataRoom(dataRoom)
                .cacheCount(8).cacheCapacity(64).ringCount(0).ringCapacity(512).portCount(1).threadCount(1)
                .build();
        region = Region.create(spec);
        pool = new PacketPool(region);
        cache = pool.newCache();
        router = Router.ofManagerThread(region, new NfTable(region), cache, (p, idx, off, n) -> 0, 0, 1, BURST);
        port = new AfPacketPort("wire0", HOST_IF, 0, region.segment(), pool.newMeta(), pool.dataRoom());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (port != null) {
                port.close();
            }
            if (cache != null) {
                cache.close();
            }
            if (region != null) {
                region.close();
            }
        } finally {
            if (Shell.isRoot()) {
                removeNetwork();
            }
        }
    }

    @Test
    void udpDatagramsSentInTheNamespaceArriveParsedWithTheirInputPortAndHash() throws Exception {
        openRegion(2048);
        int n = 100;
        // Read while the namespace sends, as the RX thread does.
        Process sender = start("ip", "netns", "exec", NS, "bash", "-c",
                "for i in $(seq 1 " + n + "); do echo hi > /dev/udp/10.77.0.1/9999; done");

        int[] burst = new int[BURST];
        PacketMeta meta = pool.newMeta();
        PacketParser parser = new PacketParser();
        int udp = 0;
        int frames = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (udp < n && System.nanoTime() < deadline) {
            int got = port.receive(burst, BURST, router);
            for (int i = 0; i < got; i++) {
                meta.wrap(burst[i]);
                frames++;
                assertThat(meta.inputPort()).isEqualTo(0);
                int result = parser.parse(region.segment(), meta.dataAddress(), meta.dataLength());
                if (result == PacketParser.OK && parser.l4Kind() == L4Kind.UDP
                        && new UdpView().wrap(parser).dstPort() == 9999) {
                    assertThat(meta.flowHash()).isNotZero();
                    assertThat(meta.flags() & PacketMeta.FLAG_HASH_VALID).isNotZero();
                    // The veth in the namespace offloads checksums: the port has completed them.
                    assertThat(Checksums.verifyL4(parser)).as("UDP checksum of datagram %d", udp).isTrue();
                    udp++;
                }
            }
            router.release(burst, 0, got);
            if (got == 0) {
                Thread.onSpinWait();
            }
        }
        assertSent(sender);
        assertThat(udp).as("UDP datagrams to port 9999 among %d frames received", frames).isEqualTo(n);
        assertThat(port.received()).isEqualTo(frames);
        assertThat(port.oversized()).isZero();
        long[] kernel = port.kernelStatistics();
        assertThat(kernel[0]).as("kernel's packet count").isGreaterThanOrEqualTo(n);
        assertThat(kernel[1]).as("kernel's drops").isZero();
    }

    @Test
    void framesLargerThanTheDataRoomAreCountedAsOversizedAndSkipped() throws Exception {
        openRegion(256);
        int n = 20;
        // 600-byte datagrams (642-byte frames) do not fit 256 bytes; 1-byte ones follow as a marker.
        Process sender = start("ip", "netns", "exec", NS, "bash", "-c",
                "for i in $(seq 1 " + n + "); do head -c 600 /dev/zero > /dev/udp/10.77.0.1/9999; done;"
                        + " for i in $(seq 1 5); do echo > /dev/udp/10.77.0.1/9998; done");

        int[] burst = new int[BURST];
        PacketMeta meta = pool.newMeta();
        PacketParser parser = new PacketParser();
        int markers = 0;
        int frames = 0;
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (markers < 5 && System.nanoTime() < deadline) {
            int got = port.receive(burst, BURST, router);
            for (int i = 0; i < got; i++) {
                meta.wrap(burst[i]);
                assertThat(meta.dataLength()).isLessThanOrEqualTo(256);
                frames++;
                seen.add(meta.dataLength() + ":" + parser.parse(region.segment(), meta.dataAddress(), meta.dataLength())
                        + ":" + Integer.toHexString(parser.etherType()) + ":" + parser.l4Kind());
                if (parser.parse(region.segment(), meta.dataAddress(), meta.dataLength()) == PacketParser.OK
                        && parser.l4Kind() == L4Kind.UDP && new UdpView().wrap(parser).dstPort() == 9998) {
                    markers++;
                }
            }
            router.release(burst, 0, got);
        }
        assertSent(sender);
        assertThat(markers).as("markers among %d frames, %d oversized: %s", frames, port.oversized(), seen).isEqualTo(5);
        assertThat(port.oversized()).isEqualTo(n);
        PortTable ports = new PortTable(region);
        port.publishCounters(ports, 0);
        assertThat(ports.drops(0, DropReason.OVERSIZED)).as("the port's oversized drop counter").isEqualTo(n);
        port.publishCounters(ports, 0);
        assertThat(ports.drops(0, DropReason.OVERSIZED)).as("published once, not again").isEqualTo(n);
        assertThat(ports.drops(0, DropReason.KERNEL_DROP)).as("the RX loop kept up").isZero();
    }

    @Test
    void twoSocketsInOneFanoutGroupShareTheFlowsAndEachFlowStaysOnOne() throws Exception {
        openRegion(2048);
        int flows = 200;
        int group = (int) (PID % 60_000) + 1;
        AfPacketPort[] queues = new AfPacketPort[2];
        try {
            for (int q = 0; q < 2; q++) {
                queues[q] = new AfPacketPort("wire0", HOST_IF, 0, region.segment(), pool.newMeta(), pool.dataRoom(),
                        group);
            }
            // Each datagram comes from a new socket, so from a new source port: one flow each.
            Process sender = start("ip", "netns", "exec", NS, "bash", "-c",
                    "for i in $(seq 1 " + flows + "); do echo hi > /dev/udp/10.77.0.1/9999; done");
            int[] burst = new int[BURST];
            PacketMeta meta = pool.newMeta();
            PacketParser parser = new PacketParser();
            java.util.Map<Integer, Integer> queueOfSourcePort = new java.util.HashMap<>();
            int[] perQueue = new int[2];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (perQueue[0] + perQueue[1] < flows && System.nanoTime() < deadline) {
                for (int q = 0; q < 2; q++) {
                    int got = queues[q].receive(burst, BURST, router);
                    for (int i = 0; i < got; i++) {
                        meta.wrap(burst[i]);
                        if (parser.parse(region.segment(), meta.dataAddress(), meta.dataLength()) == PacketParser.OK
                                && parser.l4Kind() == L4Kind.UDP) {
                            UdpView udp = new UdpView().wrap(parser);
                            if (udp.dstPort() == 9999) {
                                Integer before = queueOfSourcePort.put(udp.srcPort(), q);
                                assertThat(before).as("source port %d seen on both sockets", udp.srcPort())
                                        .isIn(null, q);
                                perQueue[q]++;
                            }
                        }
                    }
                    router.release(burst, 0, got);
                }
            }
            assertSent(sender);
            assertThat(perQueue[0] + perQueue[1]).as("datagrams over both sockets").isEqualTo(flows);
            assertThat(perQueue[0]).as("flows on socket 0 of %d", flows).isGreaterThan(flows / 5);
            assertThat(perQueue[1]).as("flows on socket 1 of %d", flows).isGreaterThan(flows / 5);
        } finally {
            for (AfPacketPort q : queues) {
                if (q != null) {
                    q.close();
                }
            }
        }
    }

    @Test
    void framesTransmittedAreCapturedInTheNamespace(@TempDir Path dir) throws Exception {
        openRegion(2048);
        int n = 200;
        Path capture = dir.resolve("tx.pcap");
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", NS, "tcpdump", "-i", NS_IF, "-n", "-U",
                "-c", String.valueOf(n), "-w", capture.toString(), "udp")
                .redirectErrorStream(true).start();
        try {
            awaitListening(tcpdump);
            UdpTraffic traffic = new UdpTraffic(128, 16);
            int[] burst = new int[BURST];
            PacketMeta meta = pool.newMeta();
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent < n && System.nanoTime() < deadline) {
                int want = Math.min(BURST, n - sent);
                int got = router.alloc(burst, 0, want);
                for (int i = 0; i < got; i++) {
                    meta.wrap(burst[i]);
                    int length = traffic.write(region.segment(), meta.dataAddress(), (sent + i) % 16);
                    meta.dataLength(length);
                }
                int accepted = port.transmit(burst, 0, got, router);
                router.release(burst, accepted, got - accepted); // retried next round
                sent += accepted;
            }
            assertThat(sent).isEqualTo(n);
            assertThat(tcpdump.waitFor(10, TimeUnit.SECONDS)).as("tcpdump saw %d frames", n).isTrue();
            assertThat(tcpdump.exitValue()).isZero();
            assertThat(pcapRecords(capture)).isEqualTo(n);
            assertThat(port.transmitted()).isEqualTo(n);
            assertThat(port.txWrongFormat()).isZero();
        } finally {
            tcpdump.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMissingInterfaceNamesThePortAndListsTheInterfaces() throws Exception {
        RegionSpec spec = RegionSpec.builder("test-afp-" + PID + "-" + System.nanoTime())
                .directory(Path.of("/dev/shm")).bufferCount(256).cacheCount(2).cacheCapacity(32).ringCount(0)
                .ringCapacity(64).portCount(1).threadCount(1).build();
        region = Region.create(spec);
        pool = new PacketPool(region);
        assertThatThrownBy(() -> new AfPacketPort("wire9", "jnv-nope0", 0, region.segment(), pool.newMeta(),
                pool.dataRoom()))
                .isInstanceOf(AfPacketPort.PortException.class)
                .hasMessageStartingWith("port wire9: no such interface 'jnv-nope0'; `ip link` shows ")
                .hasMessageContaining(HOST_IF)
                .hasMessageEndingWith("; fix ports[].interface or create the interface");
    }

    private static Process start(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void assertSent(Process sender) throws Exception {
        boolean ended = sender.waitFor(10, TimeUnit.SECONDS);
        String out = ended ? new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
        sender.destroyForcibly();
        assertThat(ended).as("the sender in the namespace ended").isTrue();
        assertThat(sender.exitValue()).as("sender exit status; output: %s", out).isZero();
    }

    /** With {@code queues} sockets in a fanout group, each read by its own RX thread. */
    @ParameterizedTest(name = "queues: {0}")
    @ValueSource(ints = {1, 2})
    void aManagerBridgesFramesFromTheNamespaceBackIntoIt(int queues, @TempDir Path dir) throws Exception {
        int n = 50;
        String name = "test-afpm-" + PID;
        String yaml = """
                region: {name: %s, directory: /dev/shm, buffers: 4096}
                control: {socket: /tmp/%s.sock}
                threads: {rx: %d}
                ports:
                  - {name: wire0, kind: af_packet, interface: %s, queues: %d}
                chains:
                  default: [bridge]
                nfs:
                  - {nf: bridge, service: bridge, inProcess: true}
                """.formatted(name, name, queues, HOST_IF, queues);
        Path capture = dir.resolve("back.pcap");
        // Only what comes into the namespace: the datagrams the bridge sent back out of the port.
        Process tcpdump = start("ip", "netns", "exec", NS, "tcpdump", "-i", NS_IF, "-n", "-U", "-Q", "in",
                "-c", String.valueOf(n), "-w", capture.toString(), "udp", "port", "9999");
        try (Manager manager = Manager.start(ConfigLoader.parse(yaml, "afpacket.yaml"))) {
            awaitListening(tcpdump);
            assertThat(manager.port(0).kind()).isEqualTo("af_packet");
            assertThat(manager.port(0).receivers()).hasSize(queues);
            Process sender = start("ip", "netns", "exec", NS, "bash", "-c",
                    "for i in $(seq 1 " + n + "); do echo hi > /dev/udp/10.77.0.1/9999; done");
            assertSent(sender);
            assertThat(tcpdump.waitFor(10, TimeUnit.SECONDS)).as("tcpdump saw %d frames come back", n).isTrue();
            assertThat(pcapRecords(capture)).isEqualTo(n);
            var wire = manager.stats().ports().get(0);
            assertThat(wire.name()).isEqualTo("wire0");
            assertThat(wire.rxPackets()).isGreaterThanOrEqualTo(n);
        } finally {
            tcpdump.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aManagerWithAMissingInterfaceFailsAtStartNamingThePort() {
        String name = "test-afpx-" + PID;
        String yaml = """
                region: {name: %s, directory: /dev/shm, buffers: 1024}
                control: {socket: /tmp/%s.sock}
                ports:
                  - {name: wire9, kind: af_packet, interface: jnv-nope0}
                """.formatted(name, name);
        assertThatThrownBy(() -> Manager.start(ConfigLoader.parse(yaml, "afpacket.yaml")).close())
                .hasMessageContaining("port wire9: no such interface 'jnv-nope0'");
        assertThat(Path.of("/dev/shm", name)).doesNotExist();
    }

    @Test
    void withoutCapNetRawTheRefusalSaysWhatIsNeeded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Root without CAP_NET_RAW: setpriv drops it from the bounding set before exec.
        Process probe = start("setpriv", "--bounding-set", "-net_raw", "--inh-caps", "-net_raw", "--", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AfPacketOpenProbe.class.getName(), HOST_IF);
        boolean ended = probe.waitFor(30, TimeUnit.SECONDS);
        String out = ended ? new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
        probe.destroyForcibly();
        assertThat(ended).as("the probe JVM ended").isTrue();
        assertThat(out).contains("port wire0: opening an AF_PACKET socket on " + HOST_IF
                + " was refused (errno 1): the port needs CAP_NET_RAW; run as root");
    }

    /** Waits (bounded) for tcpdump's "listening on" line, so that nothing is sent before it captures. */
    private static void awaitListening(Process tcpdump) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8));
        var lines = new ArrayList<String>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.contains("listening on"))) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !tcpdump.isAlive() && lines.stream().noneMatch(l -> l.contains("listening on"))) {
                    throw new AssertionError("tcpdump did not start listening: " + lines);
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        assertThat(t).isNotNull();
    }

    /** Records in a classic pcap file: a 24-byte header, then 16-byte record headers each followed by incl_len bytes. */
    private static int pcapRecords(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        int records = 0;
        int at = 24;
        while (at + 16 <= b.limit()) {
            int incl = b.getInt(at + 8);
            at += 16 + incl;
            records++;
        }
        return records;
    }

    private static void removeNetwork() throws Exception {
        // Deleting the host end removes its peer; deleting the namespace removes anything left in it.
        List<String> ignored = new ArrayList<>();
        ignored.add(Shell.runQuiet("ip", "link", "del", HOST_IF));
        ignored.add(Shell.runQuiet("ip", "netns", "del", NS));
    }
}

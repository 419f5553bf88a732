package org.jnetvm.manager.port;

import org.jnetvm.testsupport.Shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.L4Kind;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.UdpView;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionSpec;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TAP port wired to the host stack: the port creates the device, the test gives the host side
 * 10.88.0.1/24 and a static neighbour 10.88.0.2 (so no ARP is needed); datagrams the host sends to
 * 10.88.0.2 arrive at the port, and a frame the port transmits to 10.88.0.1 reaches a host socket.
 * Needs root (CAP_NET_ADMIN); skipped otherwise. The device is removed after each test.
 */
class TapPortTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final String TAP = "jnvtap" + (PID % 100_000);
    private static final int BURST = 32;

    private Region region;
    private PacketPool pool;
    private PoolCache cache;
    private Router router;
    private TapPort port;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for TAP devices");
        removeDevice();
        RegionSpec spec = RegionSpec.builder("test-tap-" + PID + "-" + System.nanoTime())
                .directory(Path.of("/dev/shm")).bufferCount(1024).dataRoom(2048)
                .cacheCount(8).cacheCapacity(64).ringCount(0).ringCapacity(512).portCount(1).threadCount(1)
                .build();
        region = Region.create(spec);
        pool = new PacketPool(region);
        cache = pool.newCache();
        router = Router.ofManagerThread(region, new NfTable(region), cache, (p, idx, off, n) -> 0, 0, 1, BURST);
    }

    private void openPort() throws Exception {
        port = new TapPort("host0", TAP, 0, region.segment(), pool.newMeta(), pool.dataRoom());
        assertThat(Path.of("/sys/class/net", TAP)).exists();
        assertThat(Files.readString(Path.of("/sys/class/net", TAP, "flags")).trim())
                .as("the port brought the link up").matches(f -> (Integer.decode(f) & 1) != 0);
        Shell.run("ip", "addr", "add", "10.88.0.1/24", "dev", TAP);
        Shell.run("ip", "neigh", "replace", "10.88.0.2", "lladdr", "02:00:00:00:00:02", "dev", TAP);
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
                removeDevice();
            }
        }
    }

    @Test
    void datagramsTheHostSendsArriveAtThePort() throws Exception {
        openPort();
        int n = 20;
        Process sender = new ProcessBuilder("bash", "-c",
                "for i in $(seq 1 " + n + "); do echo hi > /dev/udp/10.88.0.2/9999; done")
                .redirectErrorStream(true).start();

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
                if (parser.parse(region.segment(), meta.dataAddress(), meta.dataLength()) == PacketParser.OK
                        && parser.l4Kind() == L4Kind.UDP && new UdpView().wrap(parser).dstPort() == 9999) {
                    assertThat(meta.flowHash()).isNotZero();
                    assertThat(meta.flags() & PacketMeta.FLAG_HASH_VALID).isNotZero();
                    udp++;
                }
            }
            router.release(burst, 0, got);
            if (got == 0) {
                Thread.onSpinWait();
            }
        }
        assertThat(sender.waitFor(10, TimeUnit.SECONDS)).as("the sender ended").isTrue();
        assertThat(sender.exitValue()).as("sender output: %s",
                new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(udp).as("UDP datagrams to 9999 among %d frames", frames).isEqualTo(n);
        assertThat(port.received()).isEqualTo(frames);
        assertThat(port.oversized()).isZero();
        assertThat(port.rxErrors()).isZero();
    }

    @Test
    void aFrameThePortTransmitsReachesAHostSocket() throws Exception {
        openPort();
        long mac = Long.parseLong(Files.readString(Path.of("/sys/class/net", TAP, "address")).trim().replace(":", ""), 16);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("10.88.0.1"), 0))) {
            socket.setSoTimeout(10_000);
            int dstPort = socket.getLocalPort();
            byte[] payload = "from the chain".getBytes(StandardCharsets.US_ASCII);
            FrameBuilder udp = new FrameBuilder();
            udp.dstMac = mac;
            udp.srcMac = 0x02_00_00_00_00_02L;
            udp.src4 = 0x0A58_0002; // 10.88.0.2
            udp.dst4 = 0x0A58_0001; // 10.88.0.1
            udp.srcPort = 5555;
            udp.dstPort = dstPort;
            udp.payload = payload;
            byte[] frame = udp.build();

            int[] burst = new int[1];
            assertThat(router.alloc(burst, 0, 1)).isEqualTo(1);
            PacketMeta meta = pool.newMeta().wrap(burst[0]);
            java.lang.foreign.MemorySegment.copy(frame, 0, region.segment(),
                    java.lang.foreign.ValueLayout.JAVA_BYTE, meta.dataAddress(), frame.length);
            meta.dataLength(frame.length);
            assertThat(port.transmit(burst, 0, 1, router)).isEqualTo(1);
            assertThat(port.transmitted()).isEqualTo(1);
            assertThat(port.txErrors()).isZero();

            DatagramPacket in = new DatagramPacket(new byte[256], 256);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no datagram reached 10.88.0.1:" + dstPort + " within 10 s", e);
            }
            assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("from the chain");
            assertThat(in.getAddress().getHostAddress()).isEqualTo("10.88.0.2");
            assertThat(in.getPort()).isEqualTo(5555);
        }
    }

    @Test
    void aManagerOpensATapPortFromItsConfigAndABridgeChainSendsTheHostsDatagramsBack() throws Exception {
        String name = "test-tapm-" + PID;
        String yaml = """
                region: {name: %s, directory: /dev/shm, buffers: 2048}
                control: {socket: /tmp/%s.sock}
                ports:
                  - {name: host0, kind: tap, interface: %s}
                chains:
                  default: [bridge]
                nfs:
                  - {nf: bridge, service: bridge, inProcess: true}
                """.formatted(name, name, TAP);
        int n = 20;
        try (Manager manager = Manager.start(ConfigLoader.parse(yaml, "tap.yaml"))) {
            assertThat(manager.port(0).kind()).isEqualTo("tap");
            Shell.run("ip", "addr", "add", "10.88.0.1/24", "dev", TAP);
            Shell.run("ip", "neigh", "replace", "10.88.0.2", "lladdr", "02:00:00:00:00:02", "dev", TAP);
            Process sender = new ProcessBuilder("bash", "-c",
                    "for i in $(seq 1 " + n + "); do echo hi > /dev/udp/10.88.0.2/9999; done")
                    .redirectErrorStream(true).start();
            assertThat(sender.waitFor(10, TimeUnit.SECONDS)).as("the sender ended").isTrue();
            assertThat(sender.exitValue()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            var wire = manager.stats().ports().get(0);
            while ((wire.rxPackets() < n || wire.txPackets() < n) && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling the stats, bounded by the deadline
                wire = manager.stats().ports().get(0);
            }
            assertThat(wire.name()).isEqualTo("host0");
            assertThat(wire.rxPackets()).as("frames the host sent into the chain").isGreaterThanOrEqualTo(n);
            assertThat(wire.txPackets()).as("frames the bridge sent back to the host").isGreaterThanOrEqualTo(n);
        }
        assertThat(Path.of("/sys/class/net", TAP)).as("the device went away with the manager").doesNotExist();
    }

    @Test
    void aManagerWhoseTapNameIsAnotherKindOfInterfaceFailsAtStartNamingThePort() {
        String name = "test-tapx-" + PID;
        String yaml = """
                region: {name: %s, directory: /dev/shm, buffers: 1024}
                control: {socket: /tmp/%s.sock}
                ports:
                  - {name: host9, kind: tap, interface: lo}
                """.formatted(name, name);
        assertThatThrownBy(() -> Manager.start(ConfigLoader.parse(yaml, "tap.yaml")).close())
                .hasMessageContaining("port host9: interface lo exists and is not a TAP device");
        assertThat(Path.of("/dev/shm", name)).doesNotExist();
    }

    @Test
    void closingThePortRemovesTheDeviceItCreated() throws Exception {
        openPort();
        port.close();
        port = null;
        assertThat(Path.of("/sys/class/net", TAP)).doesNotExist();
    }

    @Test
    void aNameLinuxCannotHaveNamesThePort() {
        assertThatThrownBy(() -> new TapPort("host9", "a-name-of-16-chr", 0, region.segment(), pool.newMeta(),
                pool.dataRoom()))
                .isInstanceOf(AfPacketPort.PortException.class)
                .hasMessageStartingWith("port host9: 'a-name-of-16-chr' is not a Linux interface name");
    }

    @Test
    void anInterfaceThatIsNotATapNamesThePortAndWhatToDo() throws Exception {
        assertThatThrownBy(() -> new TapPort("host9", "lo", 0, region.segment(), pool.newMeta(), pool.dataRoom()))
                .isInstanceOf(AfPacketPort.PortException.class)
                .hasMessageStartingWith("port host9: interface lo exists and is not a TAP device");
    }

    private static void removeDevice() throws Exception {
        if (Files.exists(Path.of("/sys/class/net", TAP))) {
            Shell.run("ip", "link", "del", TAP);
        }
    }
}

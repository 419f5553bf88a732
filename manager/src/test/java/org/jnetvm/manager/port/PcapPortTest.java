package org.jnetvm.manager.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionSpec;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pcap ports: the reader on its own, and a file through a manager's bridge chain into a file. */
public class PcapPortTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final int BURST = 32;

    @Test
    void aFileThroughABridgeChainComesOutWithTheSameFramesAndTsharkReadsIt(@TempDir Path dir) throws Exception {
        List<byte[]> frames = frames(300);
        Path in = dir.resolve("in.pcap");
        Path out = dir.resolve("out.pcap");
        writePcap(in, frames, ByteOrder.LITTLE_ENDIAN, false);
        String name = "test-pcap-" + PID;
        String yaml = """
                region: {name: %s, directory: /dev/shm, buffers: 4096}
                control: {socket: /tmp/%s.sock}
                ports:
                  - {name: file0, kind: pcap_in, file: %s, pace: max}
                  - {name: cap0, kind: pcap_out, file: %s}
                chains:
                  default: [bridge]
                nfs:
                  - {nf: bridge, service: bridge, inProcess: true}
                """.formatted(name, name, in, out);
        try (Manager manager = Manager.start(ConfigLoader.parse(yaml, "pcap.yaml"))) {
            assertThat(manager.port(0).kind()).isEqualTo("pcap_in");
            var capture = (PcapOutPort) manager.port(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (capture.written() < frames.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(capture.written()).as("frames written to the pcap_out port").isEqualTo(frames.size());
        }

        List<byte[]> written = readPcap(out);
        assertThat(written).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(written.get(i)).as("frame %d", i).isEqualTo(frames.get(i));
        }
        assertTsharkCounts(out, frames.size());
    }

    @Test
    void theReaderTakesABigEndianNanosecondFileSkipsOversizedFramesAndStopsAtATruncatedRecord(@TempDir Path dir)
            throws Exception {
        List<byte[]> frames = new ArrayList<>(frames(5));
        byte[] huge = new byte[3000];
        System.arraycopy(frames.get(0), 0, huge, 0, 14);
        frames.add(2, huge);
        Path file = dir.resolve("be-ns.pcap");
        writePcap(file, frames, ByteOrder.BIG_ENDIAN, true);
        // A truncated last record: its header promises 100 bytes, the file holds 10.
        ByteBuffer tail = ByteBuffer.allocate(16 + 10).order(ByteOrder.BIG_ENDIAN);
        tail.putInt(1).putInt(0).putInt(100).putInt(100);
        Files.write(file, tail.array(), java.nio.file.StandardOpenOption.APPEND);

        RegionSpec spec = RegionSpec.builder("test-pcapr-" + PID + "-" + System.nanoTime())
                .directory(Path.of("/dev/shm")).bufferCount(1024).dataRoom(2048)
                .cacheCount(8).cacheCapacity(64).ringCount(0).ringCapacity(512).portCount(1).threadCount(1)
                .build();
        try (Region region = Region.create(spec)) {
            PacketPool pool = new PacketPool(region);
            PoolCache cache = pool.newCache();
            Router router = Router.ofManagerThread(region, new NfTable(region), cache, (p, idx, off, n) -> 0, 0, 1,
                    BURST);
            try (var port = new PcapInPort("file0", 0, file, PcapInPort.Pace.MAX, 0, false, region.segment(),
                    pool.newMeta(), pool.dataRoom())) {
                int[] burst = new int[BURST];
                PacketMeta meta = pool.newMeta();
                List<byte[]> got = new ArrayList<>();
                for (int polls = 0; polls < 10 && !port.finished(); polls++) {
                    int n = port.receive(burst, 2, router);
                    for (int i = 0; i < n; i++) {
                        meta.wrap(burst[i]);
                        assertThat(meta.inputPort()).isEqualTo(0);
                        byte[] data = new byte[meta.dataLength()];
                        java.lang.foreign.MemorySegment.copy(region.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE,
                                meta.dataAddress(), data, 0, data.length);
                        got.add(data);
                    }
                    router.release(burst, 0, n);
                }
                List<byte[]> expected = new ArrayList<>(frames);
                expected.remove(2);
                assertThat(got).hasSize(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(got.get(i)).as("frame %d", i).isEqualTo(expected.get(i));
                }
                assertThat(port.skipped()).as("the oversized frame and the truncated record").isEqualTo(2);
                assertThat(port.finished()).isTrue();
                assertThat(port.receive(burst, BURST, router)).isZero();
            } finally {
                cache.close();
            }
        }
    }

    @Test
    void theRecordedPaceWaitsAsLongAsTheCaptureDidAndLoopStartsOver(@TempDir Path dir) throws Exception {
        List<byte[]> frames = frames(2);
        Path file = dir.resolve("paced.pcap");
        writePcap(file, frames, ByteOrder.LITTLE_ENDIAN, false);
        byte[] bytes = Files.readAllBytes(file);
        // The second record 400 ms after the first.
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 16 + frames.get(0).length + 4, 400_000);
        Files.write(file, bytes);

        withRouter((region, pool, router) -> {
            try (var port = new PcapInPort("file0", 0, file, PcapInPort.Pace.RECORDED, 0, true, region.segment(),
                    pool.newMeta(), pool.dataRoom())) {
                int[] burst = new int[BURST];
                long start = System.nanoTime();
                assertThat(port.receive(burst, BURST, router)).as("the first frame at once").isEqualTo(1);
                router.release(burst, 0, 1);
                int second = 0;
                while (second == 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                    second = port.receive(burst, BURST, router);
                    if (second == 0) {
                        Thread.sleep(5);
                    }
                }
                long waited = System.nanoTime() - start;
                // The second frame, and at once the first again: the loop restarts the recorded pace.
                assertThat(second).isEqualTo(2);
                router.release(burst, 0, second);
                assertThat(waited).as("the second frame came 400 ms after the first")
                        .isBetween(TimeUnit.MILLISECONDS.toNanos(390), TimeUnit.MILLISECONDS.toNanos(2000));
                assertThat(port.finished()).as("a looping port never finishes").isFalse();
                assertThat(port.receive(burst, BURST, router)).as("the second pass waits 400 ms again").isZero();
                assertThat(port.emitted()).isEqualTo(3);
            }
        });
    }

    @Test
    void theRatePaceSendsAboutRateFramesPerSecond(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rate.pcap");
        writePcap(file, frames(10), ByteOrder.LITTLE_ENDIAN, false);

        withRouter((region, pool, router) -> {
            try (var port = new PcapInPort("file0", 0, file, PcapInPort.Pace.RATE, 200, true, region.segment(),
                    pool.newMeta(), pool.dataRoom())) {
                int[] burst = new int[BURST];
                long start = System.nanoTime();
                long total = 0;
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500)) {
                    int n = port.receive(burst, BURST, router);
                    router.release(burst, 0, n);
                    total += n;
                    Thread.sleep(1);
                }
                assertThat(total).as("frames in 0.5 s at 200/s, looping over 10").isBetween(60L, 120L);
            }
        });
    }

    interface RouterTest {
        void run(Region region, PacketPool pool, Router router) throws Exception;
    }

    private static void withRouter(RouterTest test) throws Exception {
        RegionSpec spec = RegionSpec.builder("test-pcapr-" + PID + "-" + System.nanoTime())
                .directory(Path.of("/dev/shm")).bufferCount(1024).dataRoom(2048)
                .cacheCount(8).cacheCapacity(64).ringCount(0).ringCapacity(512).portCount(1).threadCount(1)
                .build();
        try (Region region = Region.create(spec)) {
            PacketPool pool = new PacketPool(region);
            PoolCache cache = pool.newCache();
            try {
                test.run(region, pool, Router.ofManagerThread(region, new NfTable(region), cache,
                        (p, idx, off, n) -> 0, 0, 1, BURST));
            } finally {
                cache.close();
            }
        }
    }

    @Test
    void aFileThatIsNotAnEthernetClassicPcapIsRefusedNamingTheFileAndTheValue(@TempDir Path dir) throws Exception {
        Path linux = dir.resolve("sll.pcap");
        writePcap(linux, List.of(), ByteOrder.LITTLE_ENDIAN, false);
        byte[] bytes = Files.readAllBytes(linux);
        bytes[20] = 113; // LINKTYPE_LINUX_SLL
        Files.write(linux, bytes);
        Path shortFile = Files.write(dir.resolve("short.pcap"), new byte[10]);
        Path pcapng = Files.write(dir.resolve("ng.pcap"), new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

        assertThatThrownBy(() -> open(linux)).hasMessage("port file0: pcap file " + linux
                + " has link type 113, not 1 (Ethernet); only Ethernet captures can be read");
        assertThatThrownBy(() -> open(shortFile)).hasMessage("port file0: pcap file " + shortFile
                + " is 10 bytes, shorter than the 24-byte pcap global header; is it truncated?");
        assertThatThrownBy(() -> open(pcapng)).hasMessageStartingWith("port file0: pcap file " + pcapng
                + " has magic number 0xa0d0d0a");
    }

    private static void open(Path file) {
        new PcapInPort("file0", 0, file, PcapInPort.Pace.MAX, 0, false, null, null, 2048).close();
    }

    /** UDP frames of varied flows and lengths. */
    static List<byte[]> frames(int n) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FrameBuilder b = new FrameBuilder();
            b.srcPort = 1000 + i % 50;
            b.dstPort = 9000 + i % 7;
            b.src4 = 0x0A000001 + i % 13;
            b.payload = new byte[i * 7 % 1200];
            for (int k = 0; k < b.payload.length; k++) {
                b.payload[k] = (byte) (i + k);
            }
            frames.add(b.build());
        }
        return frames;
    }

    /** Writes a classic pcap file of Ethernet frames (other tests use it too). */
    public static void writePcap(Path file, List<byte[]> frames, ByteOrder order, boolean nanos) throws IOException {
        int size = 24 + frames.stream().mapToInt(f -> 16 + f.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(1);
        int i = 0;
        for (byte[] f : frames) {
            b.putInt(1_700_000_000).putInt(i++ * 10).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(file, b.array());
    }

    /** The frames of a little-endian microsecond pcap file (what PcapOutPort writes; other tests use it too). */
    public static List<byte[]> readPcap(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).isEqualTo(0xa1b2c3d4);
        b.position(20);
        assertThat(b.getInt()).as("link type").isEqualTo(1);
        List<byte[]> frames = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int caplen = b.getInt();
            assertThat(b.getInt()).as("original length").isEqualTo(caplen);
            byte[] f = new byte[caplen];
            b.get(f);
            frames.add(f);
        }
        assertThat(b.remaining()).as("bytes after the last record").isZero();
        return frames;
    }

    private static void assertTsharkCounts(Path file, int count) throws Exception {
        Process tshark;
        try {
            tshark = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number")
                    .redirectErrorStream(false).start();
        } catch (IOException e) {
            Assumptions.abort("tshark is not installed (" + e.getMessage() + "); the pcap_out file was not checked"
                    + " with it");
            return;
        }
        var stdout = tshark.getInputStream();
        var stderr = tshark.getErrorStream();
        byte[][] outputs = new byte[2][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outputs[1] = stderr.readAllBytes();
            } catch (IOException e) {
                outputs[1] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        outputs[0] = stdout.readAllBytes();
        boolean ended = tshark.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            tshark.destroyForcibly();
        }
        reader.join(5000);
        assertThat(ended).as("tshark ended within 30 s").isTrue();
        String err = new String(outputs[1], StandardCharsets.UTF_8);
        assertThat(tshark.exitValue()).as("tshark exit status; stderr: %s", err).isZero();
        // tshark warns about running as root; anything else on stderr is a complaint about the file.
        assertThat(err.lines().filter(line -> !line.isBlank() && !line.contains("root")
                && !line.contains("dumpcap") && !line.contains("superuser")).toList())
                .as("tshark's complaints").isEmpty();
        long packets = new String(outputs[0], StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
        assertThat(packets).as("packets tshark reads").isEqualTo(count);
    }
}

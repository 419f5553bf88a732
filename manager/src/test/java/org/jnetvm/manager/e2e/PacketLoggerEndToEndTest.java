package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NFVnice's efficient I/O end to end: a packet_logger NF process writes its pcap into a named pipe that the test
 * stops reading, so the "disk" is stuck for real (the kernel's pipe is full and the logger's writer thread blocks in
 * write(2)). The NF's loop must not block: it stays alive and beating, holds the packets it cannot log yet, its full
 * ring refuses more (counted; it is first in its chain, so backpressure has no upstream work to spare), and when the test reads again every packet the logger took is in
 * the file and went on; the books balance.
 */
class PacketLoggerEndToEndTest {
    static final int COUNT = 20_000;

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192, ringCapacity: 1024}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 10000, size: 64, flows: 16, count: %d}
            services:
              - {id: 1, name: log}
              - {id: 2, name: out}
            chains:
              default: [log, out]
            nfs:
              - {nf: packet_logger, service: log, args: ["--file", "%s", "--slab-kib", "4", "--slabs", "2"]}
              - {nf: bridge, service: out}
            """;

    @TempDir
    Path dir;

    @Test
    void aStuckDiskHoldsPacketsAndThrottlesTheChainWithoutStallingTheNfAndEveryTakenPacketIsLogged() throws Exception {
        Path fifo = dir.resolve("log.pcap");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
        CountDownLatch readAgain = new CountDownLatch(1);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        // The reader opens the pipe (which lets the logger's open finish), reads the header, then stops reading.
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (FileChannel in = FileChannel.open(fifo, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                if (!readAgain.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never told to read");
                }
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    file.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        StatsSnapshot end;
        try (Manager manager = TestManagers.start("logger", CONFIG.formatted(COUNT, fifo))) {
            try {
                TestManagers.await("the stuck disk filling the logger's ring", Duration.ofSeconds(30),
                        () -> manager.stats().drops().getOrDefault(DropReason.BACKPRESSURE, 0L)
                                + manager.stats().drops().getOrDefault(DropReason.RING_FULL, 0L) > 100);
                StatsSnapshot stuck = manager.stats();
                StatsSnapshot.Nf logger = logger(stuck);
                NfTable table = new NfTable(manager.region());
                long beat = table.heartbeat(logger.slot());
                TestManagers.await("the logger's loop beating while the disk is stuck", Duration.ofSeconds(10),
                        () -> table.heartbeat(logger.slot()) != beat);
                assertThat(manager.healthy()).as("no NF declared hung").isTrue();
                assertThat(logger(manager.stats()).state()).isEqualTo(logger.state());
                System.out.printf("stuck disk: logger took %d packets, queue %d, drops %s%n", logger.rxPackets(),
                        logger.rxQueue(), stuck.drops());
            } finally {
                readAgain.countDown();
            }
            TestManagers.awaitDrained(manager, COUNT, Duration.ofSeconds(60));
            end = manager.stats();
        }
        reader.get(30, TimeUnit.SECONDS); // the logger closed the pipe at its stop
        StatsSnapshot.Nf logger = logger(end);
        StatsSnapshot.Port port = end.ports().getFirst();
        System.out.printf("after: logger took %d, %d out, drops %s%n", logger.rxPackets(), port.txPackets(), end.drops());
        // When reading resumes the logger hands on its whole ring's worth at once; what the next hop's full ring
        // refuses then is counted in the logger's drops (ring_full), not lost.
        assertThat(logger.txPackets() + logger.drops()).as("every packet the logger took went on or is counted")
                .isEqualTo(logger.rxPackets());
        assertThat(logger.dropsByReason().keySet()).isSubsetOf(DropReason.RING_FULL);
        assertThat(logger.dropsByReason().getOrDefault(DropReason.IO_HELD, 0L)).isZero();
        assertThat(port.txPackets() + end.totalDrops()).as("books").isEqualTo(COUNT);
        assertThat(end.drops().getOrDefault(DropReason.BACKPRESSURE, 0L)
                + end.drops().getOrDefault(DropReason.RING_FULL, 0L)).isPositive();

        ByteBuffer pcap = ByteBuffer.wrap(file.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(pcap.getInt(0)).isEqualTo(PcapWriter.MAGIC_MICROS);
        pcap.position(PcapWriter.GLOBAL_HEADER_BYTES);
        long records = 0;
        while (pcap.remaining() >= PcapWriter.RECORD_HEADER_BYTES) {
            pcap.position(pcap.position() + 8);
            int captured = pcap.getInt();
            assertThat(pcap.getInt()).as("original length").isEqualTo(64);
            pcap.position(pcap.position() + captured);
            records++;
        }
        assertThat(pcap.remaining()).as("no torn record").isZero();
        assertThat(records).as("one record per packet the logger took").isEqualTo(logger.rxPackets());
        Files.deleteIfExists(fifo);
    }

    private static StatsSnapshot.Nf logger(StatsSnapshot s) {
        return s.nfs().stream().filter(nf -> nf.serviceName().equals("log")).findFirst().orElseThrow();
    }
}

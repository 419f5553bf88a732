package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.testing.TestRegions;
import org.jnetvm.nf.runtime.NfRuntime;
import org.junit.jupiter.api.Test;

/**
 * The packet logger on the real NF loop ({@link NfRuntime}) in a real region, chain [logger, sink], with its output
 * a channel whose writes the test lets through: while the "disk" is stuck, packets are held rather than lost or
 * passed on unlogged, the loop keeps beating and takes nothing new, and once the disk moves every packet is logged
 * and handed on in order.
 */
class PacketLoggerTest {
    static final int FRAME = 64;

    static final class StuckDisk implements WritableByteChannel {
        final Semaphore writes = new Semaphore(0);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean open = true;

        @Override
        public int write(ByteBuffer src) throws IOException {
            try {
                if (!writes.tryAcquire(20, TimeUnit.SECONDS)) {
                    throw new IOException("the test never let the write through");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            byte[] b = new byte[src.remaining()];
            src.get(b);
            synchronized (bytes) {
                bytes.write(b, 0, b.length);
            }
            return b.length;
        }

        byte[] written() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    @Test
    void aStuckDiskHoldsPacketsInOrderWithoutBlockingTheLoopAndLosesNone() throws Exception {
        int packets = 600;
        try (Region region = Region.create(TestRegions.small("logger").nfSlots(2).serviceCount(4).portCount(1)
                .threadCount(2).bufferCount(2048).ringCapacity(1024).build())) {
            NfTable nfs = new NfTable(region);
            ServiceTable services = new ServiceTable(region);
            services.define(1, "log");
            services.define(2, "sink");
            long pid = ProcessHandle.current().pid();
            nfs.claim(0, 1, 0, pid, "log");
            nfs.claim(1, 2, 0, pid, "sink");
            nfs.state(0, NfState.RUNNING);
            nfs.state(1, NfState.RUNNING);
            services.addInstance(1, 0);
            services.addInstance(2, 1);
            new ChainTable(region).set(0, "default", new int[] {1, 2});
            PacketPool pool = new PacketPool(region);
            PoolCache cache = pool.newCache();
            PacketMeta meta = pool.newMeta();
            MpmcRing logIn = nfs.rxRing(0);
            MpmcRing sinkIn = nfs.rxRing(1);

            StuckDisk disk = new StuckDisk();
            // two 4 KiB slabs of 80-byte records: 51 each, so the disk's first stuck write holds all later packets
            PacketLogger logger = new PacketLogger(disk, 4, 2);
            NfRuntime runtime = new NfRuntime(logger, region, 0, 1, 0, NfRuntime.Options.defaults());
            Thread loop = Thread.ofPlatform().name("logger-loop").start(runtime);

            int[] one = new int[1];
            for (int seq = 0; seq < packets; seq++) {
                if (cache.alloc(one, 0, 1) != 1) {
                    throw new IllegalStateException("pool empty");
                }
                PacketMeta m = meta.wrap(one[0]).reset();
                m.dataOffset(pool.headroom()).dataLength(FRAME).action(Action.NEXT).chainId(0).chainIndex(0);
                region.segment().set(ValueLayout.JAVA_INT_UNALIGNED, m.dataAddress() + 14, seq);
                assertThat(logIn.enqueueBurst(one, 0, 1)).as("the ring holds all %d packets", packets).isEqualTo(1);
            }
            // The disk takes nothing: the logger fills both slabs, then holds; nothing more reaches the sink.
            await("the logger holding packets", () -> logger.holds() > 0);
            // Counted once the loop has begun a new round: the burst in which it started holding may still have been
            // handing its logged packets on when holds() turned positive (a suite run saw 96, then 101).
            long first = nfs.heartbeat(0);
            await("the loop beating while packets are held", () -> nfs.heartbeat(0) != first);
            long passedWhileStuck = sinkIn.size();
            long beat = nfs.heartbeat(0);
            await("the loop beating again while packets are held", () -> nfs.heartbeat(0) != beat);
            assertThat(sinkIn.size()).as("nothing unlogged passes while the disk is stuck").isEqualTo(passedWhileStuck);
            assertThat(passedWhileStuck).isEqualTo(logger.records()).isLessThan(packets);
            assertThat(logIn.size()).as("no new packet taken while some are held").isPositive();

            disk.writes.release(Integer.MAX_VALUE / 2);
            await("every packet through", () -> sinkIn.size() == packets);
            int[] out = new int[packets];
            assertThat(sinkIn.dequeueBurst(out, 0, packets)).isEqualTo(packets);
            for (int i = 0; i < packets; i++) {
                assertThat(region.segment().get(ValueLayout.JAVA_INT_UNALIGNED, meta.wrap(out[i]).dataAddress() + 14))
                        .as("packet %d in order", i).isEqualTo(i);
            }
            for (int i = 0; i < packets; i++) {
                meta.wrap(out[i]).owner(org.jnetvm.core.route.Owner.POOL);
            }
            cache.free(out, 0, packets);
            runtime.requestStop();
            loop.join(Duration.ofSeconds(10));
            assertThat(loop.isAlive()).isFalse();

            // the "file": a pcap header and one record per packet, in order
            ByteBuffer pcap = ByteBuffer.wrap(disk.written()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(pcap.getInt()).isEqualTo(PcapWriter.MAGIC_MICROS);
            pcap.position(PcapWriter.GLOBAL_HEADER_BYTES);
            for (int i = 0; i < packets; i++) {
                pcap.position(pcap.position() + 8);
                assertThat(pcap.getInt()).as("captured length").isEqualTo(FRAME);
                assertThat(pcap.getInt()).as("original length").isEqualTo(FRAME);
                assertThat(pcap.getInt(pcap.position() + 14)).as("record %d", i).isEqualTo(i);
                pcap.position(pcap.position() + FRAME);
            }
            assertThat(pcap.remaining()).isZero();
            assertThat(logger.records()).isEqualTo(packets);
            assertThat(nfs.counter(0, NfSlotDescriptor.RX_PACKETS)).isEqualTo(packets);
            assertThat(nfs.drops(0, DropReason.IO_HELD)).isZero();
            assertThat(disk.isOpen()).as("closed at stop").isFalse();
            cache.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 20 s");
            }
            Thread.onSpinWait();
        }
    }
}

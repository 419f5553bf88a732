package org.jnetvm.nf.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class BatchedOutputTest {
    static final int SLAB = 4096;

    /** A channel that takes bytes only while its gate lets writes through; fails on demand. */
    static final class GatedChannel implements WritableByteChannel {
        final Semaphore writes = new Semaphore(0);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean fail;
        volatile boolean open = true;

        @Override
        public int write(ByteBuffer src) throws IOException {
            try {
                if (!writes.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IOException("test gate never opened");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (fail) {
                throw new IOException("disk full (test)");
            }
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            synchronized (bytes) {
                bytes.write(b, 0, n);
            }
            return n;
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
    void recordsReachTheChannelInOrderWhenTheWriterKeepsUp() {
        GatedChannel channel = new GatedChannel();
        channel.writes.release(Integer.MAX_VALUE / 2);
        AtomicInteger freed = new AtomicInteger();
        BatchedOutput out = new BatchedOutput(channel, "t", SLAB, 4, 1_000_000_000L, freed::incrementAndGet);
        int records = 10_000; // 40 KB: ten slabs, more than the ring holds, so slabs are reused
        for (int i = 0; i < records; i++) {
            ByteBuffer b = awaitClaim(out, 4);
            b.putInt(i);
        }
        out.close();
        ByteBuffer all = ByteBuffer.wrap(channel.written()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(all.remaining()).isEqualTo(records * 4);
        for (int i = 0; i < records; i++) {
            assertThat(all.getInt()).as("record %d", i).isEqualTo(i);
        }
        assertThat(out.bytesWritten()).isEqualTo(records * 4L);
        assertThat(freed.get()).as("slabs freed, one wake-up each").isGreaterThanOrEqualTo(records * 4 / SLAB);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aWriterThatIsBehindMakesClaimsFailAtOnceAndTheyResumeWhenItCatchesUp() {
        GatedChannel channel = new GatedChannel();
        BatchedOutput out = new BatchedOutput(channel, "t", SLAB, 2, 1_000_000_000L, () -> { });
        int accepted = 0;
        long began = System.nanoTime();
        for (ByteBuffer b = out.claim(1024); b != null; b = out.claim(1024)) {
            assertThat(out.claimedSegment().byteSize()).isEqualTo(SLAB);
            b.position(b.position() + 1024);
            accepted++;
            assertThat(accepted).as("claims before the ring is full").isLessThanOrEqualTo(8);
        }
        long refusedIn = System.nanoTime() - began;
        // two slabs of four 1 KiB records; the first is with the (blocked) writer, the second full
        assertThat(accepted).isEqualTo(8);
        assertThat(out.claim(1024)).as("still behind").isNull();
        assertThat(out.refused()).isEqualTo(2); // the claim that ended the loop, and this one
        assertThat(refusedIn).as("claims never wait for the writer").isLessThan(Duration.ofSeconds(1).toNanos());
        channel.writes.release(Integer.MAX_VALUE / 2);
        awaitClaim(out, 1024).position(1024);
        out.close();
        assertThat(out.bytesWritten()).isEqualTo(9 * 1024L);
    }

    @Test
    void aPartSlabIsWrittenOnceItsFirstRecordIsOlderThanTheFlushInterval() {
        GatedChannel channel = new GatedChannel();
        channel.writes.release(Integer.MAX_VALUE / 2);
        BatchedOutput out = new BatchedOutput(channel, "t", SLAB, 4, 20_000_000L, () -> { });
        out.claim(8).putLong(42);
        out.flushIfDue();
        assertThat(channel.written()).as("not yet due").isEmpty();
        await(() -> {
            out.flushIfDue();
            return channel.written().length == 8;
        });
        out.close();
    }

    @Test
    void aFailedWriteIsCountedAndLaterSlabsAreDiscardedSoTheNfNeverStalls() {
        GatedChannel channel = new GatedChannel();
        channel.fail = true;
        channel.writes.release(Integer.MAX_VALUE / 2);
        BatchedOutput out = new BatchedOutput(channel, "t", SLAB, 2, 1_000_000_000L, () -> { });
        for (int i = 0; i < 64; i++) { // 16 slabs through a ring of 2: only possible if failed slabs come back
            ByteBuffer b = awaitClaim(out, 1024);
            b.position(b.position() + 1024);
        }
        out.close();
        assertThat(out.failure()).hasMessageContaining("disk full");
        assertThat(out.bytesLost()).isEqualTo(64 * 1024L);
        assertThat(out.bytesWritten()).isZero();
    }

    @Test
    void badSizesAreRefusedWithTheirRange() {
        GatedChannel channel = new GatedChannel();
        assertThatThrownBy(() -> new BatchedOutput(channel, "t", 100, 4, 1, () -> { }))
                .hasMessageContaining("4 KiB..64 MiB");
        assertThatThrownBy(() -> new BatchedOutput(channel, "t", SLAB, 1, 1, () -> { }))
                .hasMessageContaining("2..1024");
        BatchedOutput out = new BatchedOutput(channel, "t", SLAB, 2, 1, () -> { });
        assertThatThrownBy(() -> out.claim(SLAB + 1)).hasMessageContaining("does not fit a slab");
        out.close();
        assertThatThrownBy(() -> out.claim(4)).hasMessageContaining("closed");
    }

    private static ByteBuffer awaitClaim(BatchedOutput out, int bytes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            ByteBuffer b = out.claim(bytes);
            if (b != null) {
                return b;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no slab came free within 10 s");
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }
}

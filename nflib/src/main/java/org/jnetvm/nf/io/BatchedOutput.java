package org.jnetvm.nf.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NF's output (log records, captures, summaries) written without a system call on the NF's loop: the NF copies
 * records into slabs in memory, and a virtual thread of this output writes full slabs to the channel. When every
 * slab waits for that writer (the disk is slower than the packets), {@link #claim} answers null at once instead of
 * blocking; the NF then holds the packet ({@link org.jnetvm.nf.PacketBurst#hold}) and the runtime offers it again
 * once a slab is free. That is NFVnice's efficient I/O: the NF's loop never waits on a write.
 *
 * <p>The slabs are a ring with two sequence numbers, each written by one thread:
 *
 * <pre>
 *   sequence:   written ............... published ........ filling = published (the NF's own copy)
 *               |  handed to the writer, |  the slab the NF  |
 *               |  being written out     |  fills now        |
 *   slab of sequence s: slabs[s % count]
 * </pre>
 *
 * The NF owns slab {@code filling % count} while {@code filling - written < count}. Publishing it (flip, then a
 * volatile store of {@code published}) hands it over; the writer writes slabs {@code written .. published - 1} in
 * order, clears each and advances {@code written} (a volatile store), which hands the slab back. No lock and no
 * compare-and-set: each word has one writer, and the volatile store orders the slab's bytes before it. The writer
 * parks when it has caught up and the NF unparks it after a publish (once per slab, not per record); when the
 * writer frees a slab it runs {@code onSlabFree}, which wakes an NF loop that waits for one.
 *
 * <p>A slab is published when the next record does not fit, when its first record is older than the flush
 * interval ({@link #flushIfDue}: the NF calls it once a burst and from its idle hook, so no clock is read per record),
 * and at {@link #close}. A write
 * that fails (disk full, closed pipe) is logged once; from then on slabs are discarded and counted
 * ({@link #bytesLost}), so that a broken disk never stalls the packets.
 *
 * <p>{@link #claim}, {@link #flushIfDue} and {@link #close} belong to the NF's loop thread.
 */
public final class BatchedOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchedOutput.class);
    /** How long {@link #close} waits for the writer to write what is left. */
    static final long CLOSE_TIMEOUT_NANOS = 5_000_000_000L;

    private final WritableByteChannel channel;
    private final String name;
    private final ByteBuffer[] slabs;
    private final MemorySegment[] slabSegments;
    private final int slabBytes;
    private final long flushIntervalNanos;
    private final Runnable onSlabFree;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private volatile boolean writerParked;
    private volatile boolean closing;
    private volatile long bytesWritten;
    private volatile long bytesLost;
    private volatile IOException failure;
    // the NF thread's own
    private long filling;
    private long firstRecordNanos;
    private long refused;
    private int claimedSlab = -1;
    private boolean closed;

    /**
     * @param channel         where the bytes go (a file, a socket); written by this output's writer thread only
     * @param name            for the log and the writer thread's name
     * @param slabBytes       bytes per slab, 4 KiB .. 64 MiB: the largest record, and the unit of a write
     * @param slabCount       slabs, 2 .. 1024: how far the writer may fall behind before records are refused
     * @param flushIntervalNanos longest time a record waits in a slab that is not full
     * @param onSlabFree      run on the writer thread after each slab it frees (wakes a waiting NF loop)
     */
    public BatchedOutput(WritableByteChannel channel, String name, int slabBytes, int slabCount,
                         long flushIntervalNanos, Runnable onSlabFree) {
        if (slabBytes < 4096 || slabBytes > 64 << 20) {
            throw new IllegalArgumentException("slab size " + slabBytes + " B is out of range 4 KiB..64 MiB");
        }
        if (slabCount < 2 || slabCount > 1024) {
            throw new IllegalArgumentException("slab count " + slabCount + " is out of range 2..1024");
        }
        if (flushIntervalNanos <= 0) {
            throw new IllegalArgumentException("flush interval must be positive, not " + flushIntervalNanos + " ns");
        }
        this.channel = channel;
        this.name = name;
        this.slabBytes = slabBytes;
        this.flushIntervalNanos = flushIntervalNanos;
        this.onSlabFree = onSlabFree;
        this.slabs = new ByteBuffer[slabCount];
        this.slabSegments = new MemorySegment[slabCount];
        for (int i = 0; i < slabCount; i++) {
            slabs[i] = ByteBuffer.allocateDirect(slabBytes).order(ByteOrder.LITTLE_ENDIAN);
            slabSegments[i] = MemorySegment.ofBuffer(slabs[i]);
        }
        this.writer = Thread.ofVirtual().name("output " + name).start(this::writeLoop);
    }

    /**
     * Room for a record of {@code bytes}: the current slab (little-endian), positioned where the record goes; put
     * the record's bytes there (its memory for {@link MemorySegment#copy} is {@link #claimedSegment}). Null, at
     * once and without blocking, when every slab waits for the writer: hold the packet and try again later.
     *
     * @throws IllegalArgumentException if {@code bytes} exceeds a slab
     * @throws IllegalStateException    after {@link #close}
     */
    public ByteBuffer claim(int bytes) {
        if (bytes > slabBytes || bytes < 0) {
            throw new IllegalArgumentException("a record of " + bytes + " B does not fit a slab of " + slabBytes + " B");
        }
        if (closed) {
            throw new IllegalStateException("output " + name + " is closed");
        }
        if (!owned()) {
            refused++;
            return null;
        }
        ByteBuffer slab = slabs[slot(filling)];
        if (slab.remaining() < bytes) {
            publish();
            if (!owned()) {
                refused++;
                return null;
            }
            slab = slabs[slot(filling)];
        }
        if (slab.position() == 0) {
            firstRecordNanos = System.nanoTime(); // once per slab
        }
        claimedSlab = slot(filling);
        return slab;
    }

    /** The memory of the slab the last {@link #claim} returned (for copying bytes into it). */
    public MemorySegment claimedSegment() {
        return slabSegments[claimedSlab];
    }

    /** Hands the slab being filled to the writer if its first record is older than the flush interval. */
    public void flushIfDue() {
        if (!closed && owned() && slabs[slot(filling)].position() > 0
                && System.nanoTime() - firstRecordNanos >= flushIntervalNanos) {
            publish();
        }
    }

    /** Claims refused because every slab waited for the writer. */
    public long refused() {
        return refused;
    }

    /** Bytes the writer has written to the channel. Any thread. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Bytes discarded after a write failed. Any thread. */
    public long bytesLost() {
        return bytesLost;
    }

    /** The first write error, or null. Any thread. */
    public IOException failure() {
        return failure;
    }

    /**
     * Publishes what is in the current slab, waits (up to 5 s) for the writer to write everything, and closes the
     * channel. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (owned() && slabs[slot(filling)].position() > 0) {
            publish();
        }
        closed = true;
        closing = true;
        LockSupport.unpark(writer);
        try {
            if (!writer.join(java.time.Duration.ofNanos(CLOSE_TIMEOUT_NANOS))) {
                LOG.warn("output {}: the writer did not finish within {} s; closing with {} slabs unwritten", name,
                        CLOSE_TIMEOUT_NANOS / 1_000_000_000L, published.get() - written.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("output {}: closing failed: {}", name, e.toString());
            }
        }
    }

    private boolean owned() {
        return filling - written.get() < slabs.length;
    }

    private int slot(long sequence) {
        return (int) (sequence % slabs.length);
    }

    private void publish() {
        slabs[slot(filling)].flip();
        published.set(++filling); // volatile: the slab's bytes happen-before the writer's read of them
        if (writerParked) {
            LockSupport.unpark(writer);
        }
    }

    private void writeLoop() {
        while (true) {
            long next = written.get();
            if (next == published.get()) {
                if (closing) {
                    return;
                }
                writerParked = true;
                // Dekker with publish(): the NF stores published then reads writerParked; this stores writerParked
                // then reads published. Both volatile, so at least one sees the other: no lost wake-up.
                if (next == published.get() && !closing) {
                    LockSupport.park(this);
                }
                writerParked = false;
                continue;
            }
            ByteBuffer slab = slabs[slot(next)];
            int length = slab.remaining();
            if (failure == null) {
                try {
                    while (slab.hasRemaining()) {
                        channel.write(slab);
                    }
                    bytesWritten += length;
                } catch (IOException e) {
                    failure = e;
                    bytesLost += slab.remaining();
                    LOG.warn("output {}: write failed ({}); its records are dropped from now on", name, e.toString());
                }
            } else {
                bytesLost += length;
            }
            slab.clear();
            written.set(next + 1); // hands the slab back
            onSlabFree.run();
        }
    }
}

package org.jnetvm.core.pcap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import org.jnetvm.core.buffer.PacketMeta;

/**
 * Writes packets as records of a classic pcap file, what tcpdump and tshark read: little-endian,
 * microsecond timestamps, link type 1 (Ethernet), snap length 65535, the captured length equal
 * to the frame length, each record timestamped when it is written.
 *
 * <pre>
 *   global header (24 B): magic a1b2c3d4 | version 2.4 | thiszone 0 | sigfigs 0 | snaplen | linktype
 *   record header (16 B): seconds | microseconds | captured length | original length, then the frame
 * </pre>
 *
 * <p>Records go into a 1 MiB direct buffer that is written out through a {@link FileChannel} when
 * full and at {@link #close()}: a write system call per MiB, not per packet. A burst is copied
 * under one lock, so several threads may write to one file (a port's RX and TX threads). Capture
 * is a diagnostic that costs a copy per packet; it is off unless the config names a file.
 *
 * <p>Used by the {@code pcap_out} port, the {@code capture:} option of any port, and the
 * {@code capture:} option of a service, which the service's NFs write.
 */
public final class PcapWriter implements AutoCloseable {
    /** Magic of a pcap file with microsecond timestamps, as written in the file's byte order. */
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    /** Magic of a pcap file with nanosecond timestamps. */
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int SNAPLEN = 65_535;
    public static final int GLOBAL_HEADER_BYTES = 24;
    public static final int RECORD_HEADER_BYTES = 16;
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path path;
    private final MemorySegment region;
    private final PacketMeta meta;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final MemorySegment bufferSegment;
    private final ReentrantLock lock = new ReentrantLock();
    private final long wallMicrosAtOpen;
    private final long nanosAtOpen;
    private long written;
    private boolean closed;

    /**
     * Creates (or truncates) {@code path} and writes the global header.
     *
     * @param region the region whose buffers the packets are in
     * @param meta   a metadata view of its pool, used under the lock only
     * @throws UncheckedIOException if the file cannot be created
     */
    public PcapWriter(Path path, MemorySegment region, PacketMeta meta) {
        this.path = path;
        this.region = region;
        this.meta = meta;
        this.buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.bufferSegment = MemorySegment.ofBuffer(buffer);
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pcap file " + path + ": " + e.getMessage(), e);
        }
        putGlobalHeader(buffer, SNAPLEN);
        this.wallMicrosAtOpen = System.currentTimeMillis() * 1000;
        this.nanosAtOpen = System.nanoTime();
    }

    /** Puts a global header for Ethernet frames cut at {@code snaplen} bytes into {@code to} (little-endian). */
    public static void putGlobalHeader(ByteBuffer to, int snaplen) {
        to.order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0)
                .putInt(0).putInt(snaplen).putInt(LINKTYPE_ETHERNET);
    }

    /** Bytes {@link #putRecord} takes for a frame of {@code length} cut at {@code snaplen}. */
    public static int recordBytes(int length, int snaplen) {
        return RECORD_HEADER_BYTES + Math.min(length, snaplen);
    }

    /**
     * Puts one record into {@code to} (little-endian, at least {@link #recordBytes} left): the header, then the
     * frame's first {@code min(length, snaplen)} bytes copied from {@code from[address ..]}. {@code toSegment} is
     * {@code to}'s memory ({@code MemorySegment.ofBuffer(to)}), made once by the caller; nothing is allocated.
     */
    public static void putRecord(ByteBuffer to, MemorySegment toSegment, int seconds, int micros,
                                 MemorySegment from, long address, int length, int snaplen) {
        int captured = Math.min(length, snaplen);
        to.putInt(seconds).putInt(micros).putInt(captured).putInt(length);
        MemorySegment.copy(from, address, toSegment, to.position(), captured);
        to.position(to.position() + captured);
    }

    /** The file written. */
    public Path path() {
        return path;
    }

    /** Records written (into the buffer or the file) so far. */
    public long written() {
        lock.lock();
        try {
            return written;
        } finally {
            lock.unlock();
        }
    }

    /** Appends a record for each packet of {@code indices[offset, offset + count)}; the caller keeps them. */
    public void write(int[] indices, int offset, int count) {
        if (count <= 0) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long micros = wallMicrosAtOpen + (System.nanoTime() - nanosAtOpen) / 1000;
            int seconds = (int) (micros / 1_000_000);
            int fraction = (int) (micros % 1_000_000);
            for (int i = offset; i < offset + count; i++) {
                PacketMeta m = meta.wrap(indices[i]);
                if (buffer.remaining() < recordBytes(m.dataLength(), SNAPLEN)) {
                    flush();
                }
                putRecord(buffer, bufferSegment, seconds, fraction, region, m.dataAddress(), m.dataLength(), SNAPLEN);
                written++;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is buffered to the file now, so a reader sees every record so far. */
    public void flushNow() {
        lock.lock();
        try {
            if (!closed) {
                flush();
            }
        } finally {
            lock.unlock();
        }
    }

    private void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pcap file " + path + ": " + e.getMessage(), e);
        } finally {
            buffer.clear();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                flush();
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close pcap file " + path + ": " + e.getMessage(), e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}

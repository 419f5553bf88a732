package org.jnetvm.manager.port;

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
import org.jnetvm.core.route.Router;

/**
 * Writes every frame sent to it as a record of a classic pcap file (little-endian, microsecond timestamps, link type
 * 1 Ethernet, snap length 65535; what tcpdump and tshark read), timestamped when it is written, with the captured
 * length equal to the frame length, and frees the packet. Receives nothing.
 *
 * <p>Records go into a 1 MiB direct buffer that is written through a {@link FileChannel} when full and at
 * {@link #close()}. Several TX threads may transmit to it: one lock serialises them. That is a deliberate choice for a
 * capture path, which is about fidelity rather than speed; a port that must forward at line rate should not be a pcap
 * file.
 */
public final class PcapOutPort implements Port {
    private static final int BUFFER_BYTES = 1 << 20;
    private static final int SNAPLEN = 65_535;

    private final String name;
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
     * Creates (or truncates) {@code path} and writes the pcap global header to it.
     *
     * @throws AfPacketPort.PortException if the file cannot be created, naming the port and the file
     */
    public PcapOutPort(String name, Path path, MemorySegment region, PacketMeta meta) {
        this.name = name;
        this.path = path;
        this.region = region;
        this.meta = meta;
        this.buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.bufferSegment = MemorySegment.ofBuffer(buffer);
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw new AfPacketPort.PortException(name, "cannot create pcap file " + path + ": " + e);
        }
        buffer.putInt(PcapInPort.MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(SNAPLEN).putInt(PcapInPort.LINKTYPE_ETHERNET);
        this.wallMicrosAtOpen = System.currentTimeMillis() * 1000;
        this.nanosAtOpen = System.nanoTime();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "pcap_out";
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

    @Override
    public int receive(int[] dst, int max, Router router) {
        return 0;
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        lock.lock();
        try {
            if (!closed) {
                long micros = wallMicrosAtOpen + (System.nanoTime() - nanosAtOpen) / 1000;
                int seconds = (int) (micros / 1_000_000);
                int fraction = (int) (micros % 1_000_000);
                for (int i = offset; i < offset + count; i++) {
                    PacketMeta m = meta.wrap(indices[i]);
                    int length = Math.min(m.dataLength(), SNAPLEN);
                    if (buffer.remaining() < 16 + length) {
                        flush();
                    }
                    buffer.putInt(seconds).putInt(fraction).putInt(length).putInt(length);
                    MemorySegment.copy(region, m.dataAddress(), bufferSegment, buffer.position(), length);
                    buffer.position(buffer.position() + length);
                    written++;
                }
            }
        } finally {
            lock.unlock();
        }
        router.release(indices, offset, count);
        return count;
    }

    /** Writes the buffered records to the file (the lock is held). */
    private void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("port " + name + ": cannot write pcap file " + path, e);
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
                    throw new UncheckedIOException("port " + name + ": cannot close pcap file " + path, e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}

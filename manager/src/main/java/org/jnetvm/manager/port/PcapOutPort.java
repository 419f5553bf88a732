package org.jnetvm.manager.port;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.route.Router;

/**
 * Writes every frame sent to it into a pcap file (see {@link PcapWriter} for the format) and
 * frees the packet. Receives nothing. Several TX threads may transmit to it: the writer's lock
 * serialises them, a deliberate choice for a capture path, which is about fidelity rather than
 * speed; a port that must forward at line rate should not be a pcap file.
 */
public final class PcapOutPort implements Port {
    private final String name;
    private final PcapWriter writer;

    /**
     * Creates (or truncates) {@code path} and writes the pcap global header to it.
     *
     * @throws AfPacketPort.PortException if the file cannot be created, naming the port and the file
     */
    public PcapOutPort(String name, Path path, MemorySegment region, PacketMeta meta) {
        this.name = name;
        try {
            this.writer = new PcapWriter(path, region, meta);
        } catch (UncheckedIOException | SecurityException e) {
            throw new AfPacketPort.PortException(name, e.getMessage());
        }
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
        return writer.path();
    }

    /** Records written (into the buffer or the file) so far. */
    public long written() {
        return writer.written();
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        return 0;
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        writer.write(indices, offset, count);
        router.release(indices, offset, count);
        return count;
    }

    @Override
    public void close() {
        writer.close();
    }
}

package org.jnetvm.manager.port;

import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.PortTable;

/**
 * A port with {@code capture: FILE} in the config: every frame it receives and every frame it is
 * given to send goes into one pcap file as well, in the order the port's threads wrote them.
 * A frame is recorded before it is handed on, so a frame the port then refuses (its transmit ring
 * full, counted as ring_full) is in the file although it was not sent.
 */
public final class CapturingPort implements Port {
    private final Port port;
    private final PcapWriter writer;

    public CapturingPort(Port port, PcapWriter writer) {
        this.port = port;
        this.writer = writer;
    }

    /** The capture file's writer. */
    public PcapWriter writer() {
        return writer;
    }

    @Override
    public String name() {
        return port.name();
    }

    @Override
    public String kind() {
        return port.kind();
    }

    @Override
    public Port[] receivers() {
        Port[] inner = port.receivers();
        if (inner.length == 1 && inner[0] == port) {
            return new Port[] {this};
        }
        Port[] wrapped = new Port[inner.length];
        for (int i = 0; i < inner.length; i++) {
            wrapped[i] = new CapturingPort(inner[i], writer);
        }
        return wrapped;
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        int n = port.receive(dst, max, router);
        writer.write(dst, 0, n);
        return n;
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        writer.write(indices, offset, count);
        return port.transmit(indices, offset, count, router);
    }

    @Override
    public int pollFd() {
        return port.pollFd();
    }

    @Override
    public void publishCounters(PortTable table, int portId) {
        port.publishCounters(table, portId);
    }

    /** Closes the port, then the file (receivers made by {@link #receivers()} leave both to this one). */
    @Override
    public void close() {
        try {
            port.close();
        } finally {
            writer.close();
        }
    }
}

package org.jnetvm.manager.tx;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.table.ThreadDescriptor;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.manager.port.Port;

/**
 * Sends OUT packets through the manager's ports and counts what each port took in the calling
 * thread's block (packets and bytes per port, read by stats as the port's tx). One per manager
 * thread: a TX thread's, or an RX thread's for the inline NFs it runs.
 */
public final class PortTransmitter {
    private final Port[] ports;
    private final MemorySegment segment;
    private final long threadBase;
    private final PacketMeta meta;

    /**
     * @param threadIndex the calling thread's block in the THREADS area
     * @param meta        a metadata view of the pool, this thread's own
     */
    public PortTransmitter(Port[] ports, MemorySegment segment, ThreadTable threads, int threadIndex, PacketMeta meta) {
        this.ports = ports.clone();
        this.segment = segment;
        this.threadBase = threads.offset(threadIndex);
        this.meta = meta;
    }

    /**
     * Hands {@code count} packets to port {@code port}; the port frees what it sent through
     * {@code router} (whose pool cache the calling thread owns).
     *
     * @return how many the port took, from the front
     */
    public int transmit(int port, int[] indices, int offset, int count, Router router) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += meta.wrap(indices[offset + i]).dataLength();
        }
        int done = ports[port].transmit(indices, offset, count, router);
        if (done < count) {
            for (int i = done; i < count; i++) {
                bytes -= meta.wrap(indices[offset + i]).dataLength();
            }
        }
        Counters.add(segment, threadBase + ThreadDescriptor.portTxPackets(port), done);
        Counters.add(segment, threadBase + ThreadDescriptor.portTxBytes(port), bytes);
        return done;
    }
}

package org.jnetvm.manager.port;

import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.PortTable;

/**
 * A source and sink of packets the manager owns: the generator now; AF_PACKET, TAP and pcap
 * ports later. A port is read by exactly one RX thread and written by any TX thread.
 */
public interface Port extends AutoCloseable {

    /** Name from the config, unique among ports. */
    String name();

    /** Kind, as named in the config ("generator", "sink", ...). */
    String kind();

    /**
     * RX thread only: fills {@code dst[0 ..]} with up to {@code max} received packets, their
     * buffers taken with {@code router.alloc} and their metadata set (frame, length, flow hash,
     * input port); returns how many.
     */
    int receive(int[] dst, int max, Router router);

    /**
     * Any TX thread: sends {@code count} packets from {@code indices[offset ..]}, taking
     * ownership of those it accepts (it frees them with {@code router.release} once sent).
     *
     * @return how many it accepted, from the front; the caller drops the rest as ring_full
     */
    int transmit(int[] indices, int offset, int count, Router router);

    /**
     * What RX threads read: the port itself, or its queues when it has several (an af_packet port
     * with {@code queues: N}), each read by one RX thread. Each element's {@link #receive} fills in
     * this port's id as the input port.
     */
    default Port[] receivers() {
        return new Port[] {this};
    }

    /**
     * A file descriptor that poll(2) reports readable (POLLIN) when {@link #receive} has frames to
     * give, so that an idle RX thread can sleep in the kernel until traffic comes; -1 when the port
     * has none (a generator is always ready, a pcap file paces itself).
     */
    default int pollFd() {
        return -1;
    }

    /**
     * RX thread only, every few milliseconds and once at the end (never per packet): adds the
     * drops the port counted itself since the last call (frames it could not take, frames the
     * kernel dropped before it read them) to its block in the PORTS area. May make a system call.
     */
    default void publishCounters(PortTable table, int port) {
    }

    @Override
    default void close() {
    }
}

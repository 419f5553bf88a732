package org.jnetvm.manager.port;

import org.jnetvm.core.route.Router;

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

    @Override
    default void close() {
    }
}

package org.jnetvm.manager.port;

import java.util.List;
import org.jnetvm.core.route.Router;

/**
 * An af_packet port read through several sockets in one PACKET_FANOUT group ({@code queues: N}
 * in the config): the kernel spreads the interface's frames over the sockets by flow hash, and
 * each socket is a receiver of its own that one RX thread reads, as RSS queues of a NIC are.
 * Frames go out through the first socket's transmit ring; a flow keeps its order because the
 * kernel keeps it on one socket and one RX thread.
 */
public final class FanoutPort implements Port {
    private final String name;
    private final AfPacketPort[] queues;

    public FanoutPort(String name, List<AfPacketPort> queues) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("port " + name + ": no queues");
        }
        this.name = name;
        this.queues = queues.toArray(AfPacketPort[]::new);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "af_packet";
    }

    @Override
    public Port[] receivers() {
        return queues.clone();
    }

    /** The queues are read one by one through {@link #receivers()}; the port as a whole is not. */
    @Override
    public int receive(int[] dst, int max, Router router) {
        throw new UnsupportedOperationException("port " + name + " is read through its " + queues.length + " queues");
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        return queues[0].transmit(indices, offset, count, router);
    }

    @Override
    public void close() {
        for (AfPacketPort queue : queues) {
            queue.close();
        }
    }
}

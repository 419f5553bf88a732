package org.jnetvm.core.packet;

/** A TCP or UDP header: both start with the source and destination ports. */
public abstract class TransportView extends HeaderView {

    TransportView() {
    }

    public final int srcPort() {
        return Net.u16(seg, off);
    }

    public final void srcPort(int port) {
        Net.put16(seg, off, port);
    }

    public final int dstPort() {
        return Net.u16(seg, off + 2);
    }

    public final void dstPort(int port) {
        Net.put16(seg, off + 2, port);
    }
}

package org.jnetvm.manager.port;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.packet.PacketParser;

/**
 * Fills in the metadata of a frame a port has just copied into a pool buffer: length, input
 * port, and the symmetric flow hash of its 5-tuple (flagged valid only when the frame parsed).
 * One per port, used by its RX thread only (it keeps a parser).
 */
final class ReceivedFrames {
    private final PacketParser parser = new PacketParser();
    private final int portId;

    ReceivedFrames(int portId) {
        this.portId = portId;
    }

    /** Describes the {@code length}-byte frame at {@code data} of {@code region} in {@code m}. */
    void describe(PacketMeta m, MemorySegment region, long data, int length) {
        describe(m, region, data, length, false);
    }

    /**
     * As {@link #describe(PacketMeta, MemorySegment, long, int)}; with {@code checksumPending} the
     * frame's TCP/UDP checksum is computed and written first. A Linux sender with checksum offload
     * (veth, tap and loopback devices have it on by default) hands the frame over with only the
     * pseudo-header sum in the field, and the device that should finish it is us: forwarded as is,
     * the frame would reach a NIC, a pcap file or a stack that checks with a wrong checksum.
     */
    void describe(PacketMeta m, MemorySegment region, long data, int length, boolean checksumPending) {
        boolean parsed = parser.parse(region, data, length) == PacketParser.OK;
        if (parsed && checksumPending) {
            Checksums.updateL4(parser);
        }
        int hash = parsed ? FlowHash.SYMMETRIC.hash(parser) : 0;
        m.dataLength(length).flowHash(hash).flags(hash != 0 ? PacketMeta.FLAG_HASH_VALID : 0).inputPort(portId);
    }
}

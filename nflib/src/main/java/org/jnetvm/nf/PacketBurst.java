package org.jnetvm.nf;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.PacketParser;

/**
 * A burst of packets handed to {@link NetworkFunction#process}: indices into the shared pool,
 * with accessors for each packet's metadata and frame bytes and setters for its action. A
 * flyweight reused for every burst: do not keep it, or any packet index, after the handler
 * returns (the packets belong to the next holder then).
 */
public final class PacketBurst {
    private final int[] indices;
    private final PacketMeta meta;
    private final MemorySegment segment;
    private final boolean[] held;
    private int size;
    private int heldCount;

    public PacketBurst(int[] indices, PacketMeta meta, MemorySegment segment) {
        this.indices = indices;
        this.meta = meta;
        this.segment = segment;
        this.held = new boolean[indices.length];
    }

    /** Sets the burst to the first {@code size} indices of its array, none held (the runtime calls this). */
    public PacketBurst size(int size) {
        if (heldCount > 0) {
            java.util.Arrays.fill(held, false);
            heldCount = 0;
        }
        this.size = size;
        return this;
    }

    public int size() {
        return size;
    }

    /** Pool index of packet {@code i}. */
    public int index(int i) {
        return indices[i];
    }

    /** Metadata of packet {@code i} (one flyweight, re-pointed at each call). */
    public PacketMeta meta(int i) {
        return meta.wrap(indices[i]);
    }

    /** The region's memory; frame bytes of packet {@code i} start at {@link #dataAddress}. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset in {@link #segment} of packet {@code i}'s first frame byte. */
    public long dataAddress(int i) {
        return meta.wrap(indices[i]).dataAddress();
    }

    /** Frame length of packet {@code i}. */
    public int length(int i) {
        return meta.wrap(indices[i]).dataLength();
    }

    /** Parses packet {@code i}'s headers into {@code parser}; returns its result code (0 = OK). */
    public int parse(int i, PacketParser parser) {
        PacketMeta m = meta.wrap(indices[i]);
        return parser.parse(segment, m.dataAddress(), m.dataLength());
    }

    /** Flow hash of packet {@code i} (symmetric Toeplitz over its 5-tuple, set at the port). */
    public int flowHash(int i) {
        return meta.wrap(indices[i]).flowHash();
    }

    /** Packet {@code i} goes on to the next service of its chain (the default). */
    public void forward(int i) {
        meta.wrap(indices[i]).action(Action.NEXT);
    }

    /** Packet {@code i} is dropped (counted as nf_drop). */
    public void drop(int i) {
        meta.wrap(indices[i]).action(Action.DROP);
    }

    /** Packet {@code i} goes to an instance of service {@code serviceId} (by flow hash). */
    public void toService(int i, int serviceId) {
        meta.wrap(indices[i]).action(Action.TONF).destination(serviceId);
    }

    /**
     * Packet {@code i} moves to chain {@code chainId} and goes to its first service (with
     * {@link NfContext#steerFlow} the rest of its flow follows it there at entry).
     */
    public void toChain(int i, int chainId) {
        meta.wrap(indices[i]).chainId(chainId).chainIndex(org.jnetvm.core.route.Router.ENTRY_POSITION)
                .action(Action.NEXT);
    }

    /**
     * The NF keeps packet {@code i} for now: it is not routed after this call, and the runtime hands it to
     * {@link NetworkFunction#process} again in a later burst (before any new packet, in the order held), until the
     * handler lets it go by not holding it. For an NF that waits on something outside the data plane, such as
     * room in its {@link org.jnetvm.nf.io.BatchedOutput}; do the packet's work on the call that does not hold it.
     * While packets are held the NF takes no new ones from its ring (which fills, so the chain's backpressure
     * starts), and its loop waits for room briefly instead of spinning. Packets still held when the NF stops are
     * dropped as {@code io_held} after a bounded wait.
     */
    public void hold(int i) {
        if (!held[i]) {
            held[i] = true;
            heldCount++;
        }
    }

    /** Whether packet {@code i} is held. */
    public boolean held(int i) {
        return held[i];
    }

    /** Packets held in this burst. */
    public int heldCount() {
        return heldCount;
    }

    /** Packet {@code i} leaves through port {@code port}. */
    public void out(int i, int port) {
        meta.wrap(indices[i]).action(Action.OUT).destination(port);
    }
}

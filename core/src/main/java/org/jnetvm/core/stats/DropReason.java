package org.jnetvm.core.stats;

/**
 * Why a packet did not reach a port. Every packet the platform takes in ends either sent out
 * of a port or counted under exactly one of these reasons, in the counters of the thread or NF
 * that dropped it. Codes index the drop counters in shared memory: never renumber.
 */
public enum DropReason {
    /** An NF set the packet's action to DROP: a decision, not a fault. */
    NF_DROP(0, "nf_drop"),
    /** The packet's next service has no live instance. */
    NO_INSTANCE(1, "no_instance"),
    /** The next NF's rx ring (or a port's tx queue) was full. */
    RING_FULL(2, "ring_full"),
    /** The packet reached the end of its chain without an OUT action. */
    CHAIN_END(3, "chain_end"),
    /** The action byte was not one of DROP, NEXT, TONF, OUT, or named a service or port out of range. */
    BAD_ACTION(4, "bad_action"),
    /** The NF holding the packet died; the manager returned its buffers to the pool. */
    NF_DEAD(5, "nf_dead"),
    /** A frame that does not parse (see MalformedReason) was refused at a port. */
    MALFORMED(6, "malformed"),
    /** OUT named a port that does not exist. */
    NO_PORT(7, "no_port"),
    /** The packet's chain id names no chain, or an empty one. */
    NO_CHAIN(8, "no_chain"),
    /** A port received a frame but the pool had no free buffer for it. */
    POOL_EMPTY(9, "pool_empty"),
    /** A port received a frame longer than a buffer's data room (or one the kernel truncated). */
    OVERSIZED(10, "oversized"),
    /**
     * The kernel dropped a frame meant for a port before the port read it: the port's receive
     * ring was full because its RX thread fell behind (AF_PACKET's PACKET_STATISTICS tp_drops).
     */
    KERNEL_DROP(11, "kernel_drop"),
    /** The flow director dropped the packet at entry: a rule or an NF's steer said so for its flow. */
    FLOW_DROP(12, "flow_drop"),
    /**
     * Dropped at chain entry because an NF further along the packet's chain is overloaded (its rx
     * ring passed the high watermark): NFVnice's backpressure, so upstream NFs spend no work on a
     * packet that would be dropped later anyway.
     */
    BACKPRESSURE(13, "backpressure"),
    /**
     * An NF held the packet while it waited for its output (its disk or socket was behind) and stopped before the
     * output had room: dropped after a bounded wait at the NF's stop.
     */
    IO_HELD(14, "io_held"),
    /**
     * A new flow of a per-flow service found no idle instance in the service's pool (every instance serves a
     * live flow, or the manager's table of bound flows had no room near the flow's slot): Flurries' pool limit.
     */
    POOL_FULL(15, "pool_full"),
    /** A per-flow NF threw on this packet's flow: the flow's packets are dropped until it ends; others go on. */
    FLOW_FAILED(16, "flow_failed"),
    /**
     * A packet reached a per-flow NF after its flow had ended there (it was bound at entry, then waited in an earlier
     * NF's ring past the flow's end): it belongs to no flow the instance serves.
     */
    FLOW_ENDED(17, "flow_ended");

    /** Counter slots reserved for reasons in every counter block (room for more reasons without a layout change). */
    public static final int SLOTS = 24;

    private static final DropReason[] BY_CODE = new DropReason[SLOTS];

    static {
        for (DropReason reason : values()) {
            BY_CODE[reason.code] = reason;
        }
    }

    public final int code;
    /** Name used in stats, JSON and metric labels. */
    public final String label;

    DropReason(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The reason with this code, or null. */
    public static DropReason ofCode(int code) {
        return code >= 0 && code < SLOTS ? BY_CODE[code] : null;
    }
}

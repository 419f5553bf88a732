package org.jnetvm.core.flow;

/**
 * A flow's lease on an instance of a per-flow service, in one int: which NF slot serves the flow and which of that
 * instance's flows it is.
 *
 * <pre>
 *   31            20 19                 0
 *   +---------------+--------------------+
 *   | generation    | slot + 1           |     0: no lease
 *   | 12 bits       | 20 bits            |
 *   +---------------+--------------------+
 * </pre>
 *
 * The manager's RX thread that binds a new flow writes the lease into the packet's metadata (and every later packet
 * of the flow gets the same one), and into the instance's NF slot; the router sends a packet of a per-flow service to
 * the lease's slot. The generation tells the instance which flow a packet belongs to: it counts the instance's flows
 * modulo 4096, so a packet that waited in an earlier NF's ring past its flow's end (an older generation) is told from
 * the first packet of the next flow (a newer one). Generations compare modulo 4096, half the circle each way: an
 * instance would have to serve 2048 flows while one packet waits for that to be misread.
 */
public final class FlowLease {
    public static final int NONE = 0;
    public static final int SLOT_BITS = 20;
    /** The largest slot a lease names: 1,048,574. */
    public static final int MAX_SLOT = (1 << SLOT_BITS) - 2;
    public static final int GENERATIONS = 1 << (32 - SLOT_BITS);
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    private FlowLease() {
    }

    public static int of(int slot, int generation) {
        if (slot < 0 || slot > MAX_SLOT) {
            throw new IllegalArgumentException("slot " + slot + " is out of a lease's range 0.." + MAX_SLOT);
        }
        return (generation & (GENERATIONS - 1)) << SLOT_BITS | (slot + 1);
    }

    /** The lease's slot, or -1 for {@link #NONE}. */
    public static int slot(int lease) {
        return (lease & SLOT_MASK) - 1;
    }

    public static int generation(int lease) {
        return lease >>> SLOT_BITS;
    }

    /** The generation after {@code generation}, modulo 4096. */
    public static int next(int generation) {
        return (generation + 1) & (GENERATIONS - 1);
    }

    /**
     * Where generation {@code candidate} stands against {@code current}: 0 the same flow, positive a later flow,
     * negative an earlier one (modulo 4096, half the circle each way).
     */
    public static int compare(int candidate, int current) {
        int d = (candidate - current) & (GENERATIONS - 1);
        return d >= GENERATIONS / 2 ? d - GENERATIONS : d;
    }

    /** "slot 12, flow 3" or "none": for logs. */
    public static String describe(int lease) {
        return lease == NONE ? "none" : "slot " + slot(lease) + ", flow " + generation(lease);
    }
}

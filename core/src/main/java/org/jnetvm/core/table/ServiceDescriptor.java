package org.jnetvm.core.table;

import org.jnetvm.core.util.Align;

/**
 * Layout of one service entry in the region's SERVICES area: which NF slots serve the service
 * now. Entry {@code id} is service id {@code id}; entry 0 is unused. Only the manager writes.
 *
 * <pre>
 *   0   instance count int   release-stored after the slot list is written; read with acquire
 *   4   version int          bumped on every change (readers that cache the list compare it)
 *   8   defined int          1 when the config or an NF named this service
 *   12  per-flow int         1 for a per-flow service: each flow has its own instance, bound at entry
 *                            ({@link org.jnetvm.core.flow.FlowLease}), not picked by flow hash
 *   16  name 32 B            ASCII, NUL padded
 *   48  (reserved up to 64)
 *   64  pool counters of a per-flow service, written by the manager (atomic adds, once per flow):
 *       +0 activations long   flows given an instance   +8 ended long   flows ended, instance back in the pool
 *       +16 pool full long    new flows refused: no idle instance
 *       +24 live int          flows bound now           +28 idle int   instances in the pool, free
 *   128 slots int[maxInstances]   NF slot of instance k, for k < count
 * </pre>
 *
 * A packet's instance is {@code slots[ServiceTable.instanceFor(flowHash, count)]}, so a flow keeps its
 * instance while the count stays the same.
 */
public final class ServiceDescriptor {
    public static final int COUNT_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int DEFINED_OFFSET = 8;
    public static final int PER_FLOW_OFFSET = 12;
    public static final int NAME_OFFSET = 16;
    public static final int NAME_LENGTH = 32;
    public static final int ACTIVATIONS_OFFSET = 64;
    public static final int ENDED_OFFSET = 72;
    public static final int POOL_FULL_OFFSET = 80;
    public static final int LIVE_OFFSET = 88;
    public static final int IDLE_OFFSET = 92;
    public static final int SLOTS_OFFSET = 128;

    private ServiceDescriptor() {
    }

    public static long stride(int maxInstances) {
        return Align.up(SLOTS_OFFSET + (long) maxInstances * Integer.BYTES, Align.CACHE_LINE);
    }
}

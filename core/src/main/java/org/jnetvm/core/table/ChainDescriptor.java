package org.jnetvm.core.table;

import org.jnetvm.core.util.Align;

/**
 * Layout of one chain in the region's CHAINS area: the service ids a packet of this chain
 * visits, in order, and its backpressure state. Chain 0 is the default chain. Only manager threads
 * write.
 *
 * <pre>
 *   0   length int           release-stored after the services are written
 *   4   version int
 *   8   name 32 B            ASCII, NUL padded ("default" for chain 0)
 *   40  throttled int        1 while an NF of the chain is past the high watermark (backpressure):
 *                            RX threads drop (or ECN-mark) the chain's packets at entry
 *   44  bottleneck int       the NF slot that set the mark; RX clears the mark once its ring is
 *                            under the low watermark, without waiting for the scheduler's round
 *   48  backpressure drops long   packets of this chain dropped at entry (atomic adds: many RX threads)
 *   56  ecn marked long      packets of this chain marked CE at entry instead
 *   64  services int[maxChainLength]
 * </pre>
 */
public final class ChainDescriptor {
    public static final int LENGTH_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int NAME_OFFSET = 8;
    public static final int NAME_LENGTH = 32;
    public static final int THROTTLED_OFFSET = 40;
    public static final int BOTTLENECK_OFFSET = 44;
    public static final int BACKPRESSURE_DROPS_OFFSET = 48;
    public static final int ECN_MARKED_OFFSET = 56;
    public static final int SERVICES_OFFSET = 64;

    private ChainDescriptor() {
    }

    public static long stride(int maxChainLength) {
        return Align.up(SERVICES_OFFSET + (long) maxChainLength * Integer.BYTES, Align.CACHE_LINE);
    }
}

package org.jnetvm.core.table;

import org.jnetvm.core.util.Align;

/**
 * Layout of one chain in the region's CHAINS area: the service ids a packet of this chain
 * visits, in order. Chain 0 is the default chain. Only the manager writes.
 *
 * <pre>
 *   0   length int           release-stored after the services are written
 *   4   version int
 *   8   name 32 B            ASCII, NUL padded ("default" for chain 0)
 *   40  (reserved up to 64)
 *   64  services int[maxChainLength]
 * </pre>
 */
public final class ChainDescriptor {
    public static final int LENGTH_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int NAME_OFFSET = 8;
    public static final int NAME_LENGTH = 32;
    public static final int SERVICES_OFFSET = 64;

    private ChainDescriptor() {
    }

    public static long stride(int maxChainLength) {
        return Align.up(SERVICES_OFFSET + (long) maxChainLength * Integer.BYTES, Align.CACHE_LINE);
    }
}

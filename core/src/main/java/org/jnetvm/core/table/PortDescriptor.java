package org.jnetvm.core.table;

import org.jnetvm.core.stats.DropReason;

/**
 * Layout of one port block in the region's PORTS area. The manager writes the description
 * when it opens the port; the port's one RX thread writes the rx counters. Transmit counters
 * live in each manager thread's block ({@link ThreadDescriptor}) because any TX thread may
 * send out of any port.
 *
 * <pre>
 *   0    in use int   +4 kind code int   +8 name 32 B (ASCII, NUL padded)   +40 kind 24 B
 *   128  rx packets long   +8 rx bytes long
 *   256  rx drops[24] long, by {@link DropReason#code} (pool empty, malformed)
 *   448  end
 * </pre>
 */
public final class PortDescriptor {
    public static final int IN_USE_OFFSET = 0;
    public static final int NAME_OFFSET = 8;
    public static final int NAME_LENGTH = 32;
    public static final int KIND_OFFSET = 40;
    public static final int KIND_LENGTH = 24;
    public static final int RX_PACKETS = 128;
    public static final int RX_BYTES = 136;
    public static final int DROPS_OFFSET = 256;
    public static final int STRIDE = DROPS_OFFSET + DropReason.SLOTS * Long.BYTES;

    private PortDescriptor() {
    }

    public static int drop(DropReason reason) {
        return DROPS_OFFSET + reason.code * Long.BYTES;
    }
}

package org.jnetvm.core.table;

import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.HopCounters;
import org.jnetvm.core.util.Align;
import org.jnetvm.core.util.SlotBitmap;

/**
 * Layout of one manager data-plane thread's block in the region's THREADS area. Only that
 * thread writes it (the first line's name and kind are written once, at start).
 *
 * <pre>
 *   0    in use int   +4 kind int (1 rx, 2 tx, 3 reclaimer)   +8 name 32 B
 *   128  loop count long   +8 heartbeat long (nanoTime)
 *   256  doorbell ({@link org.jnetvm.core.idle.Doorbell}, 128 B): a TX thread sleeps on it; NFs
 *        ring it after putting packets into a tx ring that thread drains
 *   384  drops[24] long, by {@link DropReason#code}
 *   576  per port p: +16p tx packets long, +16p+8 tx bytes long
 *   576 + 16 ports: hops (256 B): where this thread's router sent packets, by service or port
 *        ({@link org.jnetvm.core.stats.HopCounters}); an RX thread's come from {@code ENTRY}
 *   then, 64-aligned: tx pending ({@link org.jnetvm.core.util.SlotBitmap}, a bit per NF slot): an NF
 *        sets its bit after putting packets into its tx ring, before ringing the doorbell; the TX
 *        thread drains the rings whose bits it takes, not every NF's (10,000 idle NFs cost it
 *        160 words to look at, not 10,000 rings)
 * </pre>
 */
public final class ThreadDescriptor {
    public static final int IN_USE_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int NAME_OFFSET = 8;
    public static final int NAME_LENGTH = 32;
    public static final int LOOP_COUNT_OFFSET = 128;
    public static final int HEARTBEAT_OFFSET = 136;
    public static final int DOORBELL_OFFSET = 256;
    public static final int DROPS_OFFSET = DOORBELL_OFFSET + org.jnetvm.core.idle.Doorbell.LENGTH;
    public static final int PORT_TX_OFFSET = DROPS_OFFSET + DropReason.SLOTS * Long.BYTES;

    public static final int KIND_RX = 1;
    public static final int KIND_TX = 2;
    public static final int KIND_RECLAIMER = 3;

    private ThreadDescriptor() {
    }

    public static long stride(int portCount, int nfSlots) {
        return Align.up(txPending(portCount) + SlotBitmap.length(nfSlots), Align.FALSE_SHARING_PAD);
    }

    /** Offset of the tx pending bitmap within a block of a region with {@code portCount} ports. */
    public static long txPending(int portCount) {
        return Align.up(hops(portCount) + HopCounters.LENGTH, Align.FALSE_SHARING_PAD);
    }

    /** Offset of the hop counters within a block of a region with {@code portCount} ports. */
    public static long hops(int portCount) {
        return PORT_TX_OFFSET + (long) portCount * 16;
    }

    public static int drop(DropReason reason) {
        return DROPS_OFFSET + reason.code * Long.BYTES;
    }

    public static long portTxPackets(int port) {
        return PORT_TX_OFFSET + port * 16L;
    }

    public static long portTxBytes(int port) {
        return PORT_TX_OFFSET + port * 16L + 8;
    }
}

package org.jnetvm.core.host;

import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.util.Align;
import org.jnetvm.core.util.SlotBitmap;

/**
 * Layout of one NF host's block in the region's HOSTS area. An NF host is one process that runs many NFs, each a
 * virtual thread with its own NF slot; a virtual thread must not block its carrier in futex-wait, so a hosted NF
 * parks instead, and one waker thread per host sleeps on the host's doorbell for all of them.
 *
 * <pre>
 *   0     owner pid long        0: free; the host claims the block with a compare-and-set of its pid
 *   8     owner start long      its start, ms since the epoch (tells a reused pid)
 *   128   doorbell (128 B)      the host's waker sleeps on it; a producer that woke a hosted NF rings it
 *   256   timer int (own line)  1 while the waker owes its deferred NFs a wake-up at the end of its window;
 *                               the producer that sets it 0 -> 1 rings the doorbell, later ones only set bits
 *   384   pending bitmap        ceil(nfSlots / 64) longs: bit s set (atomic OR) by a producer that woke NF slot s;
 *                               the waker swaps each word with 0 and unparks the NFs whose bits were set
 *   ...   deferred bitmap       as many longs: bit s set by a producer that left NF slot s asleep because its ring
 *                               held fewer packets than the NF's wake threshold; the waker wakes those NFs whose
 *                               rings are not empty when its window ends (Flurries' batched wake-up)
 * </pre>
 *
 * A hosted NF marks its own slot's doorbell line: {@link #DOORBELL_HOST_OFFSET} holds its host + 1 (0: not hosted,
 * it futex-waits on its own word) and {@link #DOORBELL_SLOT_OFFSET} its slot, so that {@link Doorbell#ring} can
 * find the host from the doorbell alone, on the cache line it reads anyway.
 */
public final class HostDescriptor {
    public static final int OWNER_PID_OFFSET = 0;
    public static final int OWNER_START_OFFSET = 8;
    public static final int DOORBELL_OFFSET = Align.FALSE_SHARING_PAD;
    public static final int TIMER_OFFSET = DOORBELL_OFFSET + Doorbell.LENGTH;
    public static final int PENDING_OFFSET = TIMER_OFFSET + Align.FALSE_SHARING_PAD;

    /** In an NF slot's doorbell line: the NF's host + 1, or 0. */
    public static final int DOORBELL_HOST_OFFSET = 4;
    /** In an NF slot's doorbell line: the NF's slot, for its bit in the host's pending bitmap. */
    public static final int DOORBELL_SLOT_OFFSET = 8;
    /**
     * In an NF slot's doorbell line: the NF's wake threshold, packets in its rx ring before a producer wakes it at
     * once; with fewer it is left asleep and deferred to the host's timer. 0 or 1: woken by the first packet.
     */
    public static final int DOORBELL_THRESHOLD_OFFSET = 12;

    private HostDescriptor() {
    }

    /** Longs in the pending bitmap of a region with {@code nfSlots} slots. */
    public static int pendingWords(int nfSlots) {
        return SlotBitmap.words(nfSlots);
    }

    /** Offset in a host block of the deferred bitmap of a region with {@code nfSlots} slots. */
    public static long deferredOffset(int nfSlots) {
        return PENDING_OFFSET + (long) pendingWords(nfSlots) * Long.BYTES;
    }

    /** Bytes of one host block. */
    public static long stride(int nfSlots) {
        return Align.up(deferredOffset(nfSlots) + (long) pendingWords(nfSlots) * Long.BYTES, Align.FALSE_SHARING_PAD);
    }
}

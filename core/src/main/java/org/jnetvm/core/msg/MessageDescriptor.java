package org.jnetvm.core.msg;

import org.jnetvm.core.util.Align;

/**
 * Layout of the MESSAGES area: one inbox per NF slot, then the manager's, each a bounded
 * multi-producer, single-consumer queue of fixed-size message slots (so a message costs no
 * allocation and no pointer: its type and payload are copied into the slot).
 *
 * <pre>
 *   area:   inbox 0 (NF slot 0) | inbox 1 | ... | inbox nfSlots-1 | inbox nfSlots (the manager)
 *           each {@link #INBOX_STRIDE} bytes ({@link #CAPACITY} messages), but the small NF slots' (the
 *           last smallSlots NF slots, RegionSpec#smallSlots): {@link #SMALL_INBOX_STRIDE} ({@link #SMALL_CAPACITY}),
 *           and the manager's: {@link #MANAGER_INBOX_STRIDE} ({@link #MANAGER_CAPACITY}: every per-flow NF may
 *           report to it when its flow ends, thousands at once)
 *
 *   inbox:
 *   0      producer position     int      claimed by senders with a CAS (own cache line)
 *   128    consumer position     int      advanced by the inbox's owner only (own cache line)
 *   256    sent                  long     messages the inbox's owner sent and had accepted
 *   264    refused               long     messages the inbox's owner sent to a full inbox (or nowhere)
 *   272    received              long     messages the inbox's owner took from this inbox
 *   384    slots                 {@link #CAPACITY} slots of {@link #SLOT_LENGTH} bytes:
 *            +0  sequence int     Vyukov: == position free, == position + 1 full
 *            +4  type     int     the sender's message type (negative types are the platform's)
 *            +8  sender   int     the sender's NF slot, or {@link #MANAGER} for the manager
 *            +12 length   int     payload bytes used, 0..{@link #PAYLOAD_LENGTH}
 *            +16 payload  {@link #PAYLOAD_LENGTH} bytes
 * </pre>
 *
 * The counters sit in the sender's own inbox block, so each has one writer: an NF's loop thread
 * (the manager's counters are written by its threads with atomic adds).
 */
public final class MessageDescriptor {
    /** The sender id of the manager, and the address of its inbox in the NF API. */
    public static final int MANAGER = -1;

    public static final int CAPACITY = 64;
    /** Messages a small NF slot's inbox holds: a per-flow NF gets few (stop, pause, an odd scale request). */
    public static final int SMALL_CAPACITY = 4;
    /** Messages the manager's inbox holds. */
    public static final int MANAGER_CAPACITY = 4096;
    public static final int SLOT_LENGTH = 64;
    public static final int PAYLOAD_LENGTH = 48;

    public static final int PRODUCER_POSITION_OFFSET = 0;
    public static final int CONSUMER_POSITION_OFFSET = Align.FALSE_SHARING_PAD;
    public static final int SENT_OFFSET = 2 * Align.FALSE_SHARING_PAD;
    public static final int REFUSED_OFFSET = SENT_OFFSET + 8;
    public static final int RECEIVED_OFFSET = SENT_OFFSET + 16;
    public static final int SLOTS_OFFSET = 3 * Align.FALSE_SHARING_PAD;

    public static final int SEQUENCE = 0;
    public static final int TYPE = 4;
    public static final int SENDER = 8;
    public static final int LENGTH = 12;
    public static final int PAYLOAD = 16;

    public static final int INBOX_STRIDE = SLOTS_OFFSET + CAPACITY * SLOT_LENGTH;
    public static final int SMALL_INBOX_STRIDE = SLOTS_OFFSET + SMALL_CAPACITY * SLOT_LENGTH;
    public static final int MANAGER_INBOX_STRIDE = SLOTS_OFFSET + MANAGER_CAPACITY * SLOT_LENGTH;

    private MessageDescriptor() {
    }

    /** Bytes of the MESSAGES area for {@code nfSlots} NF slots, the last {@code smallSlots} small (plus the manager's). */
    public static long length(int nfSlots, int smallSlots) {
        return inboxOffset(nfSlots, nfSlots, smallSlots) + MANAGER_INBOX_STRIDE;
    }

    /** Offset in the area of inbox {@code index} (an NF slot, or nfSlots for the manager's). */
    public static long inboxOffset(int index, int nfSlots, int smallSlots) {
        int big = nfSlots - smallSlots;
        return index <= big ? (long) index * INBOX_STRIDE
                : (long) big * INBOX_STRIDE + (long) (Math.min(index, nfSlots) - big) * SMALL_INBOX_STRIDE;
    }

    /** Message slots of inbox {@code index}. */
    public static int capacity(int index, int nfSlots, int smallSlots) {
        if (index == nfSlots) {
            return MANAGER_CAPACITY;
        }
        return index >= nfSlots - smallSlots ? SMALL_CAPACITY : CAPACITY;
    }
}

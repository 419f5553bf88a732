package org.jnetvm.core.msg;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.util.Counters;

/**
 * The inboxes of a region ({@link MessageDescriptor}) and the send/refuse counters beside them.
 * One object per process; inbox objects are made once, so sending allocates nothing.
 *
 * <p>Thread-safety: {@link #send} from any thread; an inbox's {@link Inbox#poll} from its owner only.
 */
public final class Messages {
    private final MemorySegment segment;
    private final int nfSlots;
    private final Inbox[] inboxes;

    /** A view on {@code region}'s MESSAGES area (formatted by {@link MessageArea} when the region was made). */
    public Messages(Region region) {
        this.segment = region.segment();
        this.nfSlots = region.layout().nfSlots();
        long area = region.layout().area(AreaKind.MESSAGES).offset();
        this.inboxes = new Inbox[nfSlots + 1];
        int smallSlots = region.layout().smallSlots();
        for (int i = 0; i <= nfSlots; i++) {
            inboxes[i] = MessageArea.inbox(segment, area, nfSlots, smallSlots, i);
        }
    }

    /** The inbox of NF slot {@code slot}, or the manager's for {@link MessageDescriptor#MANAGER}. */
    public Inbox inbox(int slot) {
        if (slot == MessageDescriptor.MANAGER) {
            return inboxes[nfSlots];
        }
        if (slot < 0 || slot >= nfSlots) {
            throw new IndexOutOfBoundsException("NF slot " + slot + " of " + nfSlots);
        }
        return inboxes[slot];
    }

    /**
     * Sends a message from {@code sender} (an NF slot, or the manager) to {@code to}'s inbox and
     * counts it in the sender's block as sent or refused.
     *
     * @return false if the inbox is full (the message is not delivered)
     */
    public boolean send(int sender, int to, int type, byte[] payload, int offset, int length) {
        boolean ok = inbox(to).offer(sender, type, payload, offset, length);
        count(sender, ok);
        return ok;
    }

    /** Counts a send by {@code sender}: accepted, or refused (full inbox, or no such receiver). */
    public void count(int sender, boolean accepted) {
        long at = inbox(sender).base() + (accepted ? MessageDescriptor.SENT_OFFSET : MessageDescriptor.REFUSED_OFFSET);
        if (sender == MessageDescriptor.MANAGER) {
            Counters.addShared(segment, at, 1); // the manager sends from more than one thread
        } else {
            Counters.add(segment, at, 1);
        }
    }

    /** Counts a message taken by {@code owner}; the owner only. */
    public void countReceived(int owner) {
        long at = inbox(owner).base() + MessageDescriptor.RECEIVED_OFFSET;
        if (owner == MessageDescriptor.MANAGER) {
            Counters.addShared(segment, at, 1);
        } else {
            Counters.add(segment, at, 1);
        }
    }

    /** Messages {@code sender} sent and had accepted. */
    public long sent(int sender) {
        return Counters.get(segment, inbox(sender).base() + MessageDescriptor.SENT_OFFSET);
    }

    /** Messages {@code sender} could not deliver (full inbox, or no receiver). */
    public long refused(int sender) {
        return Counters.get(segment, inbox(sender).base() + MessageDescriptor.REFUSED_OFFSET);
    }

    /** Messages {@code owner} took from its inbox. */
    public long received(int owner) {
        return Counters.get(segment, inbox(owner).base() + MessageDescriptor.RECEIVED_OFFSET);
    }
}

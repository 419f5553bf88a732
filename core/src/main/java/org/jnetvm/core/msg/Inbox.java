package org.jnetvm.core.msg;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.jnetvm.core.msg.MessageDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One inbox in shared memory ({@link MessageDescriptor}): Dmitry Vyukov's bounded queue with
 * the message in the slot. A sender reads the producer position, checks that the slot of that
 * position is free (its sequence equals the position), claims the position with a CAS, copies
 * type, sender and payload into the slot and publishes it by writing sequence {@code position + 1}
 * with release. The one receiver takes the slot at its position once its sequence says full,
 * copies it out and frees it for the next lap ({@code position + capacity}) with release.
 *
 * <p>A full inbox makes {@link #offer} return false at once: nothing waits and nothing is lost
 * silently. A sender that dies between claim and publish leaves its slot claimed: the receiver
 * stops at it until the inbox is formatted again (when the slot is next claimed by an NF), which
 * costs that inbox its messages, never packets.
 *
 * <p>Threads: any number of senders in any process; one receiver (the inbox's owner).
 */
public final class Inbox {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final long base;
    private final int capacity;
    private final int mask;

    /** The inbox at {@code base} with {@code capacity} message slots (a power of two; {@link MessageDescriptor#capacity}). */
    public Inbox(MemorySegment segment, long base, int capacity) {
        this.segment = segment;
        this.base = base;
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    public int capacity() {
        return capacity;
    }

    /** Empties the inbox (counters are kept: sums never go backwards). Only while nobody uses it. */
    public void format() {
        for (int i = 0; i < capacity; i++) {
            INT.setRelease(segment, slot(i), i);
        }
        INT.setRelease(segment, base + CONSUMER_POSITION_OFFSET, 0);
        INT.setRelease(segment, base + PRODUCER_POSITION_OFFSET, 0);
    }

    private long slot(int position) {
        return base + SLOTS_OFFSET + (long) (position & mask) * SLOT_LENGTH;
    }

    /**
     * Puts a message in the inbox, or returns false at once if it is full.
     *
     * @throws IllegalArgumentException if {@code length} is over {@link MessageDescriptor#PAYLOAD_LENGTH}
     */
    public boolean offer(int sender, int type, byte[] payload, int offset, int length) {
        if (length < 0 || length > PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("message payload of " + length + " bytes, at most "
                    + PAYLOAD_LENGTH + " fit in a slot");
        }
        while (true) {
            int position = (int) INT.getAcquire(segment, base + PRODUCER_POSITION_OFFSET);
            long slot = slot(position);
            int difference = (int) INT.getAcquire(segment, slot + SEQUENCE) - position;
            if (difference < 0) {
                return false; // the slot still holds a message from the last lap: full
            }
            if (difference == 0
                    && INT.compareAndSet(segment, base + PRODUCER_POSITION_OFFSET, position, position + 1)) {
                segment.set(JAVA_INT, slot + TYPE, type);
                segment.set(JAVA_INT, slot + SENDER, sender);
                segment.set(JAVA_INT, slot + LENGTH, length);
                if (length > 0) {
                    MemorySegment.copy(payload, offset, segment, JAVA_BYTE, slot + PAYLOAD, length);
                }
                INT.setRelease(segment, slot + SEQUENCE, position + 1);
                return true;
            }
            Thread.onSpinWait(); // another sender moved the position: look again
        }
    }

    /** Takes the oldest message into {@code into}; false if there is none. The owner only. */
    public boolean poll(Message into) {
        int position = (int) INT.getOpaque(segment, base + CONSUMER_POSITION_OFFSET);
        long slot = slot(position);
        if ((int) INT.getAcquire(segment, slot + SEQUENCE) != position + 1) {
            return false;
        }
        int length = Math.min(Math.max(segment.get(JAVA_INT, slot + LENGTH), 0), PAYLOAD_LENGTH);
        into.set(segment.get(JAVA_INT, slot + TYPE), segment.get(JAVA_INT, slot + SENDER), length);
        MemorySegment.copy(segment, JAVA_BYTE, slot + PAYLOAD, into.buffer(), 0, length);
        INT.setRelease(segment, slot + SEQUENCE, position + capacity);
        INT.setRelease(segment, base + CONSUMER_POSITION_OFFSET, position + 1);
        return true;
    }

    /** Messages waiting (a snapshot). */
    public int size() {
        int consumer = (int) INT.getAcquire(segment, base + CONSUMER_POSITION_OFFSET);
        int producer = (int) INT.getAcquire(segment, base + PRODUCER_POSITION_OFFSET);
        return Math.max(0, Math.min(producer - consumer, capacity));
    }

    /** Where the inbox starts in the region. */
    public long base() {
        return base;
    }
}

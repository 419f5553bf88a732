package org.jnetvm.core.msg;

import java.nio.charset.StandardCharsets;

/**
 * One message as its receiver sees it: a holder the receiver reuses for every message it takes
 * from its inbox (so taking one allocates nothing). Valid until the next message is taken; copy
 * what must outlive it.
 */
public final class Message {
    /** Platform type (NF to manager): start another instance of my service, with my NF name and args. */
    public static final int SCALE_UP = -1;

    private final byte[] payload = new byte[MessageDescriptor.PAYLOAD_LENGTH];
    private int type;
    private int sender;
    private int length;

    /** The sender's type; negative types are the platform's (such as {@link #SCALE_UP}). */
    public int type() {
        return type;
    }

    /** The sender's NF slot, or {@link MessageDescriptor#MANAGER}. */
    public int sender() {
        return sender;
    }

    /** Payload bytes used. */
    public int length() {
        return length;
    }

    /** Payload byte {@code i} (0 .. length-1). */
    public byte payload(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("payload byte " + i + " of " + length);
        }
        return payload[i];
    }

    /** Copies the payload into {@code dst[offset ..]}; returns its length. */
    public int copyPayload(byte[] dst, int offset) {
        System.arraycopy(payload, 0, dst, offset, length);
        return length;
    }

    /** The payload decoded as UTF-8 (allocates: for tests and the control plane). */
    public String payloadString() {
        return new String(payload, 0, length, StandardCharsets.UTF_8);
    }

    byte[] buffer() {
        return payload;
    }

    void set(int type, int sender, int length) {
        this.type = type;
        this.sender = sender;
        this.length = length;
    }

    @Override
    public String toString() {
        return "Message[type " + type + " from " + (sender == MessageDescriptor.MANAGER ? "manager" : "slot " + sender)
                + ", " + length + " bytes]";
    }
}

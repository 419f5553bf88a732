package org.jnetvm.nf.control;

/**
 * Why a control message was refused: the {@code code} of an {@code error} reply and of a
 * {@link ControlProtocolException}. Sent on the wire by name, so never rename a constant; add
 * new ones at the end. Immutable, usable from any thread.
 */
public enum ControlError {
    /** The connection ended, or stalled past the server's timeout, in the middle of a frame. */
    TRUNCATED,
    /** A frame length of 0 or more than {@link ControlCodec#MAX_FRAME}. */
    OVERSIZED,
    /** Not JSON, not one object, or a field missing, of the wrong type, or not known. */
    MALFORMED,
    /** A {@code type} this side does not know, or does not accept from that peer. */
    UNKNOWN_TYPE,
    /** A {@code v} other than {@link ControlCodec#VERSION}. */
    WRONG_VERSION,
    /** The NF was built for another shared-memory layout version than the manager's region. */
    LAYOUT_MISMATCH,
    /** The manager knows no service by that name or id. */
    UNKNOWN_SERVICE,
    /** The instance id asked for is held by another NF. */
    INSTANCE_TAKEN,
    /** The manager has no free NF slot (rings) left. */
    NO_SLOT,
    /** {@code state} or {@code bye} before a successful {@code register}. */
    NOT_REGISTERED,
    /** A second {@code register} on a connection that is registered already. */
    ALREADY_REGISTERED,
    /** The manager failed while handling the message; its log says why. */
    INTERNAL;

    /**
     * Whether the reader no longer knows where the next frame starts after this error, so
     * that the connection must be closed. Errors found in a complete frame leave it usable.
     */
    public boolean losesFrameSync() {
        return this == TRUNCATED || this == OVERSIZED;
    }
}

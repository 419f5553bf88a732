package org.jnetvm.nf.control;

import java.util.Objects;

/**
 * The manager answered a request with an {@code error} message, for example
 * {@link ControlError#INSTANCE_TAKEN} for a {@code register}. Thrown by
 * {@link ControlClient#register} on the calling thread.
 */
public final class ControlRejectedException extends RuntimeException {
    private final ControlError error;
    private final String reason;

    public ControlRejectedException(String request, ControlError error, String reason) {
        super("the manager rejected " + request + " with " + error + ": " + reason);
        this.error = Objects.requireNonNull(error, "error");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The code of the manager's {@code error} reply. */
    public ControlError error() {
        return error;
    }

    /** The manager's own words, without the code. */
    public String reason() {
        return reason;
    }
}

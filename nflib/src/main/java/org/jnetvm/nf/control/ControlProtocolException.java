package org.jnetvm.nf.control;

import java.util.Objects;

/**
 * A frame or message that breaks the control protocol, found while reading it: the
 * {@link ControlError} to report to the peer and a message saying what was wrong, with the
 * offending value. Unchecked, because it is about the peer's input, not about this side's I/O.
 */
public final class ControlProtocolException extends RuntimeException {
    private final ControlError error;

    public ControlProtocolException(ControlError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The code to put in the {@code error} reply. */
    public ControlError error() {
        return error;
    }
}

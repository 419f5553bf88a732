package org.jnetvm.core.table;

/** Life of an NF slot, stored as its code in the slot's state word. Codes are shared: never renumber. */
public enum NfState {
    /** Nobody holds the slot. */
    FREE(0),
    /** Registered; the NF is mapping the region and running its init hook. Producers may feed it. */
    STARTING(1),
    /** Processing packets. */
    RUNNING(2),
    /** Asked to pause: packets wait in its rx ring (and drop as ring_full once it fills). */
    PAUSED(3),
    /** Finishing: it handles what is in its ring, then says bye. */
    STOPPING(4),
    /** Gone; its buffers are being returned to the pool. Producers must not feed it. */
    DEAD(5);

    private static final NfState[] BY_CODE = values();

    public final int code;

    NfState(int code) {
        this.code = code;
    }

    public static NfState ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Whether producers may enqueue to an NF in this state. */
    public static boolean accepts(int code) {
        return code >= STARTING.code && code <= STOPPING.code;
    }
}

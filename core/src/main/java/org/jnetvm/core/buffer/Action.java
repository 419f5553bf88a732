package org.jnetvm.core.buffer;

/**
 * What the manager does with a packet an NF hands back, stored as a byte in
 * {@link PacketMeta#action()}. Codes are part of the shared-memory layout: never renumber.
 */
public final class Action {
    /** Not set: the NF did not decide. The manager counts it as a bad action and drops. */
    public static final byte NONE = 0;
    /** Free the buffer. */
    public static final byte DROP = 1;
    /** Send to the next service of the packet's chain. */
    public static final byte NEXT = 2;
    /** Send to the service named in {@link PacketMeta#destination()}. */
    public static final byte TONF = 3;
    /** Transmit on the port named in {@link PacketMeta#destination()}. */
    public static final byte OUT = 4;

    private static final String[] NAMES = {"NONE", "DROP", "NEXT", "TONF", "OUT"};

    private Action() {
    }

    public static boolean isValid(int action) {
        return action >= DROP && action <= OUT;
    }

    public static String name(int action) {
        return action >= 0 && action < NAMES.length ? NAMES[action] : "INVALID(" + action + ")";
    }
}

package org.jnetvm.core.flow;

/**
 * Where the flow director sends a flow, packed in one int (rules and entries store it so):
 * kind in the top 4 bits, a chain or service id below. {@link #DEFAULT} (0) means "the default
 * chain of the moment", so a switch of the default chain also moves flows cached with it.
 */
public final class FlowTarget {
    public static final int DEFAULT = 0;
    public static final int KIND_CHAIN = 1;
    public static final int KIND_SERVICE = 2;
    public static final int KIND_DROP = 3;
    private static final int VALUE_MASK = (1 << 28) - 1;

    private FlowTarget() {
    }

    public static int chain(int id) {
        return KIND_CHAIN << 28 | check(id);
    }

    public static int service(int id) {
        return KIND_SERVICE << 28 | check(id);
    }

    public static int drop() {
        return KIND_DROP << 28;
    }

    public static int kind(int target) {
        return target >>> 28;
    }

    public static int value(int target) {
        return target & VALUE_MASK;
    }

    private static int check(int id) {
        if (id < 0 || id > VALUE_MASK) {
            throw new IllegalArgumentException("flow target id " + id + " is out of range");
        }
        return id;
    }

    /** "default", "chain 3", "service 2", "drop": for logs and errors. */
    public static String describe(int target) {
        return switch (kind(target)) {
            case KIND_CHAIN -> "chain " + value(target);
            case KIND_SERVICE -> "service " + value(target);
            case KIND_DROP -> "drop";
            default -> "default";
        };
    }
}

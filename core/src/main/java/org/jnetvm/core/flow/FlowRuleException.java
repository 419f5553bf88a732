package org.jnetvm.core.flow;

/** A flow rule that cannot be added: malformed, in conflict with another, or no room. Names the field at fault. */
public final class FlowRuleException extends IllegalArgumentException {
    private final String field;

    public FlowRuleException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The rule field at fault ("src", "dstPort", "priority", "target", ...), or "rules" for the table as a whole. */
    public String field() {
        return field;
    }
}

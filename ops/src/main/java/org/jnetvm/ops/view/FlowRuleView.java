package org.jnetvm.ops.view;

import org.jnetvm.core.flow.FlowRule;
import org.jnetvm.core.flow.FlowTarget;
import org.jnetvm.manager.flow.FlowRuleResolver;

/**
 * A flow rule as the API shows it: the fields a client POSTs (wildcards as null), its id, and the
 * rule in words. Immutable.
 *
 * @param description the rule as the manager's log writes it ("priority 5 dst 10.0.0.0/8 -> chain web")
 */
public record FlowRuleView(int id, int priority, String protocol, String src, String dst, String srcPort,
                           String dstPort, String chain, String service, Boolean drop, String description) {

    /** The flow table's size and counters. */
    public record FlowTableView(int entries, int maxRules, long live, long inserted, long aged, long full,
                                long steered) {
    }

    public static FlowRuleView of(FlowRule r, FlowRuleResolver names) {
        String target = names.targetName(r.target());
        int kind = FlowTarget.kind(r.target());
        return new FlowRuleView(r.id(), r.priority(), FlowRuleResolver.protocolName(r.protocol()),
                r.srcLength() == 0 ? null : FlowRuleResolver.prefixText(r.family(), r.srcHi(), r.srcLo(), r.srcLength()),
                r.dstLength() == 0 ? null : FlowRuleResolver.prefixText(r.family(), r.dstHi(), r.dstLo(), r.dstLength()),
                ports(r.srcPortLow(), r.srcPortHigh()), ports(r.dstPortLow(), r.dstPortHigh()),
                kind == FlowTarget.KIND_CHAIN ? target.substring("chain ".length()) : null,
                kind == FlowTarget.KIND_SERVICE ? target.substring("service ".length()) : null,
                kind == FlowTarget.KIND_DROP ? Boolean.TRUE : null, names.describe(r));
    }

    private static String ports(int low, int high) {
        if (low == 0 && high == 65535) {
            return null;
        }
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}

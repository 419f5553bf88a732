package org.jnetvm.manager.config;

import java.util.List;
import org.jnetvm.manager.flow.FlowRuleSpec;

/**
 * The flow director ({@code flows:}): the size of its table in the region, how long an idle flow
 * keeps its entry, and the rules the manager starts with (more come from its API, REST and NFs).
 *
 * @param entries       exact-match flow entries (a power of two): flows the table can follow at once
 * @param maxRules      rules the table can hold
 * @param idleTimeoutMs a flow with no packet for this long loses its entry (counted as aged)
 * @param rules         rules, each {@link FlowRuleSpec}: match fields, priority, and chain, service or drop
 */
public record FlowsConfig(int entries, int maxRules, int idleTimeoutMs, List<FlowRuleSpec> rules) {

    /** What an absent {@code flows:} key, or an absent key inside it, means. */
    static final FlowsConfig DEFAULTS = new FlowsConfig(16_384, 256, 30_000, List.of());

    public FlowsConfig {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}

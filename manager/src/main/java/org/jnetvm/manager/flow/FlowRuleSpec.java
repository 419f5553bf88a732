package org.jnetvm.manager.flow;

/**
 * A flow rule as people write it (config {@code flows.rules}, REST {@code POST /api/v1/flows}); the
 * {@link FlowDirector} checks it and turns it into a {@link org.jnetvm.core.flow.FlowRule}. Absent
 * fields are wildcards; exactly one of {@code chain}, {@code service} and {@code drop: true} says where
 * the flow goes.
 *
 * @param priority higher wins; rules of equal priority must not overlap (default 0)
 * @param protocol tcp, udp, icmp, icmpv6, any, or a number 0..255 (default any)
 * @param src      source address or prefix, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32", "10.1.2.3")
 * @param dst      destination address or prefix
 * @param srcPort  source port or range ("80", "1000-2000")
 * @param dstPort  destination port or range
 * @param chain    name of the chain the flow takes ("default" for chain 0)
 * @param service  name (or id) of the one service the flow goes to
 * @param drop     true: the flow is dropped at entry (counted as flow_drop)
 */
public record FlowRuleSpec(Integer priority, String protocol, String src, String dst, String srcPort, String dstPort,
                           String chain, String service, Boolean drop) {
}

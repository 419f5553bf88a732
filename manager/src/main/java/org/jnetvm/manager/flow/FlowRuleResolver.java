package org.jnetvm.manager.flow;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jnetvm.core.flow.FlowRule;
import org.jnetvm.core.flow.FlowRuleException;
import org.jnetvm.core.flow.FlowTarget;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.PacketParser;

/**
 * Turns {@link FlowRuleSpec}s (names, text) into {@link FlowRule}s (ids, numbers) and back into
 * words, for the config checks and the {@link FlowDirector}. One place for what a rule may say, so
 * the config file, the manager's API and REST refuse the same things with the same words.
 * Immutable; any thread.
 */
public final class FlowRuleResolver {
    private final List<String> chainNames;
    private final Map<String, Integer> services;

    /**
     * @param chainNames chain names by id (0 is "default")
     * @param services   service name (and id in digits) to id
     */
    public FlowRuleResolver(List<String> chainNames, Map<String, Integer> services) {
        this.chainNames = List.copyOf(chainNames);
        this.services = Map.copyOf(services);
    }

    /**
     * Refuses {@code rule} if it overlaps one of {@code rules} at the same priority (which of the
     * two a flow would take would be arbitrary). {@code nameOfId} names the other rule in the error.
     */
    public void checkConflicts(List<FlowRule> rules, FlowRule rule, java.util.function.IntFunction<String> nameOfId) {
        for (FlowRule other : rules) {
            if (other.priority() == rule.priority() && other.overlaps(rule)) {
                throw new FlowRuleException("priority", (other.samePattern(rule) ? "the same pattern as" : "overlaps")
                        + " " + nameOfId.apply(other.id()) + " (" + describe(other)
                        + ") at the same priority " + rule.priority() + "; give one of them another priority");
            }
        }
    }

    /** Target of a chain name, "service:NAME", or "drop"; for the API. */
    public int target(String chain, String service, Boolean drop) {
        int given = (chain != null ? 1 : 0) + (service != null ? 1 : 0) + (Boolean.TRUE.equals(drop) ? 1 : 0);
        if (given != 1) {
            throw new FlowRuleException("chain", given == 0
                    ? "missing; say where the flow goes: chain (a chain name), service (a service name) or drop: true"
                    : "give only one of chain, service and drop: true");
        }
        if (chain != null) {
            int id = chainNames.indexOf(chain);
            if (id < 0) {
                throw new FlowRuleException("chain", "no chain is named '" + chain + "'; chains: " + chainNames);
            }
            return FlowTarget.chain(id);
        }
        if (service != null) {
            Integer id = services.get(service);
            if (id == null) {
                throw new FlowRuleException("service", "no service is named '" + service + "'; services: "
                        + services.keySet().stream().filter(s -> !s.chars().allMatch(Character::isDigit)).sorted().toList());
            }
            return FlowTarget.service(id);
        }
        return FlowTarget.drop();
    }

    /** "chain web", "service scrubber", "drop", "default": a target in the names of the config. */
    public String targetName(int target) {
        return switch (FlowTarget.kind(target)) {
            case FlowTarget.KIND_CHAIN -> "chain " + chainNames.get(FlowTarget.value(target));
            case FlowTarget.KIND_SERVICE -> "service " + services.entrySet().stream()
                    .filter(e -> e.getValue() == FlowTarget.value(target) && !e.getKey().chars().allMatch(Character::isDigit))
                    .map(Map.Entry::getKey).findFirst().orElse(String.valueOf(FlowTarget.value(target)));
            case FlowTarget.KIND_DROP -> "drop";
            default -> "default";
        };
    }

    /** The rule in the words of a spec (for logs and errors). */
    public String describe(FlowRule r) {
        StringBuilder s = new StringBuilder("priority ").append(r.priority());
        if (r.protocol() != FlowRule.ANY_PROTOCOL) {
            s.append(" protocol ").append(protocolName(r.protocol()));
        }
        if (r.srcLength() > 0) {
            s.append(" src ").append(prefixText(r.family(), r.srcHi(), r.srcLo(), r.srcLength()));
        }
        if (r.dstLength() > 0) {
            s.append(" dst ").append(prefixText(r.family(), r.dstHi(), r.dstLo(), r.dstLength()));
        }
        if (r.srcPortLow() != 0 || r.srcPortHigh() != 65535) {
            s.append(" srcPort ").append(portText(r.srcPortLow(), r.srcPortHigh()));
        }
        if (r.dstPortLow() != 0 || r.dstPortHigh() != 65535) {
            s.append(" dstPort ").append(portText(r.dstPortLow(), r.dstPortHigh()));
        }
        return s.append(" -> ").append(targetName(r.target())).toString();
    }

    /** Checks and converts {@code spec} (no id yet). */
    public FlowRule resolve(FlowRuleSpec spec) {
        int priority = spec.priority() == null ? 0 : spec.priority();
        int protocol = protocol(spec.protocol());
        long[] src = prefix("src", spec.src());
        long[] dst = prefix("dst", spec.dst());
        int family = (int) Math.max(src[3], dst[3]);
        if (src[3] != 0 && dst[3] != 0 && src[3] != dst[3]) {
            throw new FlowRuleException("dst", "src is IPv" + src[3] + " but dst is IPv" + dst[3] + "; a flow has one family");
        }
        if (protocol == PacketParser.PROTO_ICMPV6 && family == FiveTuple.FAMILY_IPV4
                || protocol == PacketParser.PROTO_ICMP && family == FiveTuple.FAMILY_IPV6) {
            throw new FlowRuleException("protocol", "protocol " + spec.protocol() + " does not go with IPv" + family + " addresses");
        }
        int[] sp = ports("srcPort", spec.srcPort());
        int[] dp = ports("dstPort", spec.dstPort());
        int target = target(spec.chain(), spec.service(), spec.drop());
        return new FlowRule(0, priority, family, protocol, src[0], src[1], (int) src[2], dst[0], dst[1], (int) dst[2],
                sp[0], sp[1], dp[0], dp[1], target);
    }

    /** "tcp", "udp", "icmp", "icmpv6", "any", or the number. */
    public static String protocolName(int protocol) {
        return switch (protocol) {
            case FlowRule.ANY_PROTOCOL -> "any";
            case PacketParser.PROTO_TCP -> "tcp";
            case PacketParser.PROTO_UDP -> "udp";
            case PacketParser.PROTO_ICMP -> "icmp";
            case PacketParser.PROTO_ICMPV6 -> "icmpv6";
            default -> Integer.toString(protocol);
        };
    }

    private static int protocol(String text) {
        if (text == null || text.isBlank()) {
            return FlowRule.ANY_PROTOCOL;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "any" -> FlowRule.ANY_PROTOCOL;
            case "tcp" -> PacketParser.PROTO_TCP;
            case "udp" -> PacketParser.PROTO_UDP;
            case "icmp" -> PacketParser.PROTO_ICMP;
            case "icmpv6" -> PacketParser.PROTO_ICMPV6;
            default -> {
                try {
                    int p = Integer.parseInt(text.trim());
                    if (p >= 0 && p <= 255) {
                        yield p;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw new FlowRuleException("protocol", "'" + text + "' is not a protocol; use tcp, udp, icmp, icmpv6,"
                        + " any, or a number 0..255");
            }
        };
    }

    /** {hi, lo, length, family} of "addr[/len]"; all 0 for absent. */
    private static long[] prefix(String field, String text) {
        if (text == null || text.isBlank() || text.trim().equals("any")) {
            return new long[4];
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(address); // never a DNS lookup
        } catch (IllegalArgumentException e) {
            throw new FlowRuleException(field, "'" + text + "' is not an IPv4 or IPv6 address or prefix"
                    + " (such as 10.0.0.0/8 or 2001:db8::/32)");
        }
        boolean v4 = a instanceof Inet4Address;
        int bits = v4 ? 32 : 128;
        int length = bits;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > bits) {
                throw new FlowRuleException(field, "'" + text + "' has a prefix length out of 0.." + bits);
            }
        }
        ByteBuffer b = ByteBuffer.wrap(a.getAddress());
        long hi = v4 ? 0 : b.getLong();
        long lo = v4 ? Integer.toUnsignedLong(b.getInt()) : b.getLong();
        long maskHi = v4 || length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
        long maskLo = length == 0 ? 0 : v4 ? (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL
                : length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        if ((hi & ~maskHi) != 0 || (lo & ~maskLo) != 0) {
            throw new FlowRuleException(field, "'" + text + "' has address bits set beyond its prefix length " + length
                    + "; write the network address");
        }
        return new long[] {hi, lo, length, v4 ? FiveTuple.FAMILY_IPV4 : FiveTuple.FAMILY_IPV6};
    }

    private static int[] ports(String field, String text) {
        if (text == null || text.isBlank() || text.trim().equals("any")) {
            return new int[] {0, 65535};
        }
        String t = text.trim();
        int dash = t.indexOf('-');
        try {
            int low = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).trim());
            int high = dash < 0 ? low : Integer.parseInt(t.substring(dash + 1).trim());
            if (low >= 0 && high <= 65535 && low <= high) {
                return new int[] {low, high};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new FlowRuleException(field, "'" + text + "' is not a port (0..65535) or a range such as 1000-2000");
    }

    private static String portText(int low, int high) {
        return low == high ? String.valueOf(low) : low + "-" + high;
    }

    /** "10.0.0.0/8" or "2001:db8:0:0:0:0:0:0/32". */
    public static String prefixText(int family, long hi, long lo, int length) {
        try {
            ByteBuffer b = ByteBuffer.allocate(family == FiveTuple.FAMILY_IPV6 ? 16 : 4);
            if (family == FiveTuple.FAMILY_IPV6) {
                b.putLong(hi).putLong(lo);
            } else {
                b.putInt((int) lo);
            }
            return InetAddress.getByAddress(b.array()).getHostAddress() + "/" + length;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // not for 4 or 16 bytes
        }
    }

}

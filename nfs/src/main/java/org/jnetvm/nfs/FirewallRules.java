package org.jnetvm.nfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.PacketParser;
import picocli.CommandLine;

/**
 * The firewall's ordered rules, parsed once from a file into flat arrays that the data path
 * scans in order (first match wins) without allocating. Immutable after parsing.
 *
 * <p>File format, one rule per line ({@code #} comments, blank lines skipped):
 * <pre>
 * allow|deny [proto tcp|udp|icmp|icmpv6|any|0-255] [from CIDR|any] [sport PORTS] [to CIDR|any] [dport PORTS]
 * </pre>
 * Clauses after the action are optional (absent means any), in any order, each at most once.
 * CIDR is IPv4 or IPv6 ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address); PORTS is a
 * port, a range {@code 1000-2000} or {@code any}, and needs {@code proto tcp} or {@code udp}.
 */
final class FirewallRules {
    static final int ANY = -1;

    final Path file;
    final int count;
    final boolean[] allow;
    final int[] family;
    final int[] protocol;
    final long[] srcHi;
    final long[] srcLo;
    final long[] srcMaskHi;
    final long[] srcMaskLo;
    final long[] dstHi;
    final long[] dstLo;
    final long[] dstMaskHi;
    final long[] dstMaskLo;
    final int[] sportLo;
    final int[] sportHi;
    final int[] dportLo;
    final int[] dportHi;
    /** Line number and text of each rule, for reports. */
    final int[] line;
    final String[] text;

    private FirewallRules(Path file, List<Rule> rules) {
        this.file = file;
        count = rules.size();
        allow = new boolean[count];
        family = new int[count];
        protocol = new int[count];
        srcHi = new long[count];
        srcLo = new long[count];
        srcMaskHi = new long[count];
        srcMaskLo = new long[count];
        dstHi = new long[count];
        dstLo = new long[count];
        dstMaskHi = new long[count];
        dstMaskLo = new long[count];
        sportLo = new int[count];
        sportHi = new int[count];
        dportLo = new int[count];
        dportHi = new int[count];
        line = new int[count];
        text = new String[count];
        for (int r = 0; r < count; r++) {
            Rule rule = rules.get(r);
            allow[r] = rule.allow;
            family[r] = rule.family;
            protocol[r] = rule.protocol;
            if (rule.src != null) {
                srcHi[r] = rule.src.hi();
                srcLo[r] = rule.src.lo();
                srcMaskHi[r] = rule.src.maskHi();
                srcMaskLo[r] = rule.src.maskLo();
            }
            if (rule.dst != null) {
                dstHi[r] = rule.dst.hi();
                dstLo[r] = rule.dst.lo();
                dstMaskHi[r] = rule.dst.maskHi();
                dstMaskLo[r] = rule.dst.maskLo();
            }
            sportLo[r] = rule.sport[0];
            sportHi[r] = rule.sport[1];
            dportLo[r] = rule.dport[0];
            dportHi[r] = rule.dport[1];
            line[r] = rule.line;
            text[r] = rule.text;
        }
    }

    /** The first rule that matches {@code t}, or -1. No allocation. */
    int match(FiveTuple t) {
        int f = t.family();
        int proto = t.protocol();
        long sh = t.srcHi();
        long sl = t.srcLo();
        long dh = t.dstHi();
        long dl = t.dstLo();
        int sp = t.srcPort();
        int dp = t.dstPort();
        for (int r = 0; r < count; r++) {
            if ((family[r] == ANY || family[r] == f)
                    && (protocol[r] == ANY || protocol[r] == proto)
                    && (sh & srcMaskHi[r]) == srcHi[r] && (sl & srcMaskLo[r]) == srcLo[r]
                    && (dh & dstMaskHi[r]) == dstHi[r] && (dl & dstMaskLo[r]) == dstLo[r]
                    && sp >= sportLo[r] && sp <= sportHi[r]
                    && dp >= dportLo[r] && dp <= dportHi[r]) {
                return r;
            }
        }
        return -1;
    }

    /** "rules.txt:3" for rule {@code r}. */
    String where(int r) {
        return file.getFileName() + ":" + line[r];
    }

    private static final class Rule {
        boolean allow;
        int family = ANY;
        int protocol = ANY;
        Prefix src;
        Prefix dst;
        int[] sport = {0, 65535};
        int[] dport = {0, 65535};
        int line;
        String text;
    }

    /** Reads and checks a rule file; every error names the file, the line and what is wrong. */
    static FirewallRules read(Path file) {
        List<Rule> rules = new ArrayList<>();
        for (RuleFile.Line l : RuleFile.read(file)) {
            rules.add(parse(l));
        }
        return new FirewallRules(file, rules);
    }

    private static Rule parse(RuleFile.Line l) {
        Rule rule = new Rule();
        rule.line = l.number();
        rule.text = l.text();
        String action = l.words().getFirst();
        switch (action) {
            case "allow", "accept", "pass" -> rule.allow = true;
            case "deny", "drop", "block" -> rule.allow = false;
            default -> throw l.error("'" + action + "' is not an action: a rule starts with allow or deny");
        }
        List<String> seen = new ArrayList<>();
        String protocolFamilyFrom = null;
        for (int i = 1; i < l.words().size(); i += 2) {
            String clause = l.words().get(i);
            if (!List.of("proto", "from", "to", "sport", "dport").contains(clause)) {
                throw l.error("unknown word '" + clause + "'; after the action come proto, from, sport, to, dport,"
                        + " each followed by its value");
            }
            if (seen.contains(clause)) {
                throw l.error("'" + clause + "' is given twice");
            }
            seen.add(clause);
            String value = l.word(i + 1, "a value after '" + clause + "'");
            try {
                switch (clause) {
                    case "proto" -> {
                        rule.protocol = protocol(value);
                        if (value.equals("icmp")) {
                            protocolFamilyFrom = "proto icmp";
                            rule.family = FiveTuple.FAMILY_IPV4;
                        } else if (value.equals("icmpv6")) {
                            protocolFamilyFrom = "proto icmpv6";
                            rule.family = FiveTuple.FAMILY_IPV6;
                        }
                    }
                    case "from" -> rule.src = value.equals("any") ? null : Addresses.prefix(value);
                    case "to" -> rule.dst = value.equals("any") ? null : Addresses.prefix(value);
                    case "sport" -> rule.sport = Addresses.portRange(value);
                    default -> rule.dport = Addresses.portRange(value);
                }
            } catch (IllegalArgumentException e) {
                throw l.error(clause + " " + e.getMessage());
            }
        }
        boolean ports = seen.contains("sport") || seen.contains("dport");
        if (ports && rule.protocol != PacketParser.PROTO_TCP && rule.protocol != PacketParser.PROTO_UDP) {
            throw l.error("sport and dport need proto tcp or proto udp (other protocols have no ports)");
        }
        String familyFrom = protocolFamilyFrom;
        String[] clauses = {"from", "to"};
        Prefix[] prefixes = {rule.src, rule.dst};
        for (int k = 0; k < 2; k++) {
            Prefix p = prefixes[k];
            if (p == null) {
                continue;
            }
            if (rule.family != ANY && rule.family != p.family()) {
                throw l.error(familyFrom + " and " + clauses[k] + " " + p
                        + " are of different IP versions: the rule could never match");
            }
            rule.family = p.family();
            if (familyFrom == null) {
                familyFrom = clauses[k] + " " + p;
            }
        }
        return rule;
    }

    private static int protocol(String value) {
        return switch (value) {
            case "tcp" -> PacketParser.PROTO_TCP;
            case "udp" -> PacketParser.PROTO_UDP;
            case "icmp" -> PacketParser.PROTO_ICMP;
            case "icmpv6" -> PacketParser.PROTO_ICMPV6;
            case "any" -> ANY;
            default -> {
                if (!value.isEmpty() && value.length() <= 3 && value.chars().allMatch(Character::isDigit)
                        && Integer.parseInt(value) <= 255) {
                    yield Integer.parseInt(value);
                }
                throw new IllegalArgumentException("'" + value + "' is not tcp, udp, icmp, icmpv6, any or a protocol"
                        + " number 0-255");
            }
        };
    }

    /** picocli: {@code --rules FILE} is read and checked while the options are parsed. */
    static final class Reader implements CommandLine.ITypeConverter<FirewallRules> {
        @Override
        public FirewallRules convert(String value) {
            try {
                return read(Path.of(value));
            } catch (RuleFileException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

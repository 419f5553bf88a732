package org.jnetvm.nfs;

import java.util.Locale;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.L3Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A stateless packet filter: each IP packet is checked against ordered allow/deny rules from a
 * file ({@link FirewallRules}); the first rule that matches decides, else the default action.
 * Allowed packets go on along the chain, denied ones are dropped (the platform counts them as
 * {@code nf_drop}). Every rule counts the packets and bytes it decided (hits), printed every
 * {@code --interval} seconds and when the NF stops.
 *
 * <p>Frames that are not IP (ARP, ...) follow {@code --non-ip}; IP frames that do not parse are
 * dropped as {@code malformed}. Fragments carry no ports (see {@link FiveTuple}), so only rules
 * without sport/dport can match them.
 */
@Command(name = "firewall", description = {"Allows or denies IP packets by ordered rules from a file: the first rule"
        + " that matches decides, else --default. Counts hits per rule; prints them every --interval and at stop.",
        "Rule file: one rule per line, # comments; clauses optional, in any order:",
        "  allow|deny [proto tcp|udp|icmp|icmpv6|any|N]",
        "             [from CIDR|any] [sport PORT|LO-HI|any]",
        "             [to CIDR|any]   [dport PORT|LO-HI|any]",
        "e.g.  allow proto tcp to 10.0.1.0/24 dport 80",
        "      deny proto udp from fd00::/8 sport 1000-2000"})
public final class Firewall implements NetworkFunction {

    /** What happens to a packet. */
    enum Verdict { allow, deny }

    static final int ALLOWED = 0;
    static final int DENIED = 1;
    static final int NON_IP = 2;
    static final int MALFORMED = 3;

    @Option(names = "--rules", required = true, paramLabel = "FILE", converter = FirewallRules.Reader.class,
            description = "Rule file (format above); read and checked at start, errors name the line.")
    FirewallRules rules;

    @Option(names = "--default", defaultValue = "deny", paramLabel = "allow|deny",
            description = "What happens to IP packets no rule matches (default ${DEFAULT-VALUE}).")
    Verdict defaultVerdict;

    @Option(names = "--non-ip", defaultValue = "allow", paramLabel = "allow|deny",
            description = "What happens to frames that are not IPv4 or IPv6, such as ARP (default ${DEFAULT-VALUE}).")
    Verdict nonIp;

    @Option(names = "--interval", defaultValue = "0", paramLabel = "SECONDS",
            description = "Print the rule hit counters this often; 0: only when the NF stops (default ${DEFAULT-VALUE}).")
    double interval;

    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();
    final NfCounters counters = new NfCounters("allowed", "denied", "non_ip", "malformed");
    /** Per rule, then the default action at index rules.count: packets and bytes it decided. */
    long[] hits;
    long[] bytes;
    private boolean defaultAllow;
    private boolean nonIpAllow;
    private PeriodicTask report;

    @Override
    public void init(NfContext context) {
        hits = new long[rules.count + 1];
        bytes = new long[rules.count + 1];
        defaultAllow = defaultVerdict == Verdict.allow;
        nonIpAllow = nonIp == Verdict.allow;
        report = PeriodicTask.report("firewall", interval, System.out, this::report);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        for (int i = 0; i < burst.size(); i++) {
            int result = burst.parse(i, parser);
            L3Kind l3 = parser.l3Kind();
            if (l3 != L3Kind.IPV4 && l3 != L3Kind.IPV6) {
                if (result == PacketParser.OK && nonIpAllow) {
                    c[NON_IP]++;
                    continue;
                }
                c[result == PacketParser.OK ? NON_IP : MALFORMED]++;
                burst.drop(i);
                continue;
            }
            if (result != PacketParser.OK || !tuple.extract(parser)) {
                c[MALFORMED]++;
                burst.drop(i);
                continue;
            }
            int rule = rules.match(tuple);
            boolean allow = rule >= 0 ? rules.allow[rule] : defaultAllow;
            int counter = rule >= 0 ? rule : rules.count;
            hits[counter]++;
            bytes[counter] += burst.length(i);
            if (allow) {
                c[ALLOWED]++;
            } else {
                c[DENIED]++;
                burst.drop(i);
            }
        }
    }

    @Override
    public void stop(NfContext context) {
        if (report != null) {
            report.close();
            System.out.println(report());
        }
    }

    /** Hits of rule {@code r} (0-based, in file order), or of the default action for {@code r == rules.count}. */
    long hits(int r) {
        return NfCounters.read(hits, r);
    }

    /** The counters and every rule's hits, one rule per line. */
    String report() {
        StringBuilder s = new StringBuilder("firewall: ").append(counters.format());
        for (int r = 0; r <= rules.count; r++) {
            String what = r < rules.count ? String.format(Locale.ROOT, "rule %d (%s) %s", r + 1, rules.where(r),
                    rules.text[r]) : "default " + defaultVerdict;
            s.append(String.format(Locale.ROOT, "%n  %s: %d packets, %d bytes", what, NfCounters.read(hits, r),
                    NfCounters.read(bytes, r)));
        }
        return s.toString();
    }
}

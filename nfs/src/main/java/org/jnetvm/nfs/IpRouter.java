package org.jnetvm.nfs;

import java.util.List;
import java.util.Locale;
import org.jnetvm.core.packet.EthernetView;
import org.jnetvm.core.packet.Ipv4View;
import org.jnetvm.core.packet.L3Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An IPv4 router: the longest prefix that covers a packet's destination ({@link LpmTable})
 * names the port it leaves by and, optionally, the next hop's MAC. It checks the header
 * checksum, decrements the TTL and patches the checksum incrementally (RFC 1624). Drops, each
 * counted by reason: {@code ttl_expired} (TTL 1 or 0; no ICMP time-exceeded is sent),
 * {@code no_route}, {@code bad_checksum}, {@code not_ipv4} (IPv6, ARP, ...), {@code malformed}.
 */
@Command(name = "router", description = {"Routes IPv4 packets to ports by longest-prefix match, decrementing the TTL"
        + " and patching the header checksum; counts drops by reason (ttl_expired, no_route, bad_checksum, not_ipv4,"
        + " malformed).",
        "Routes file: one route per line, # comments:",
        "  PREFIX PORT [NEXT-HOP-MAC]     e.g.  10.1.0.0/16 p1 02:00:00:00:01:01"})
public final class IpRouter implements NetworkFunction {

    static final int FORWARDED = 0;
    static final int TTL_EXPIRED = 1;
    static final int NO_ROUTE = 2;
    static final int BAD_CHECKSUM = 3;
    static final int NOT_IPV4 = 4;
    static final int MALFORMED = 5;

    @Option(names = "--routes", required = true, paramLabel = "FILE", converter = RouteFile.Reader.class,
            description = "Routes file (format above); read and checked at start, errors name the line.")
    RouteFile routes;

    @Option(names = "--mac", paramLabel = "MAC", converter = MacConverter.class,
            description = "Source MAC of the frames it forwards (default: left as they came).")
    Long mac;

    final NfCounters counters = new NfCounters("forwarded", "ttl_expired", "no_route", "bad_checksum", "not_ipv4",
            "malformed");
    private final PacketParser parser = new PacketParser();
    private final Ipv4View ip = new Ipv4View();
    private final EthernetView ethernet = new EthernetView();
    private LpmTable table;
    /** Per next hop (route): output port and destination MAC (-1: leave it). */
    private int[] hopPort;
    private long[] hopMac;
    private long sourceMac = -1;

    @Override
    public void init(NfContext context) {
        List<RouteFile.Route> list = routes.routes();
        int n = list.size();
        int[] prefixes = new int[n];
        int[] lengths = new int[n];
        int[] hops = new int[n];
        hopPort = new int[n];
        hopMac = new long[n];
        for (int i = 0; i < n; i++) {
            RouteFile.Route r = list.get(i);
            int port = context.port(r.port());
            if (port < 0) {
                throw new RuleFileException(routes.file(), r.line(), "'" + r.port() + "' is not a port of the manager"
                        + " (it has " + context.portCount() + "; name one of its ports: section ports: of its config)");
            }
            prefixes[i] = r.prefix().ipv4();
            lengths[i] = r.prefix().length();
            hops[i] = i;
            hopPort[i] = port;
            hopMac[i] = r.mac();
        }
        table = LpmTable.build(prefixes, lengths, hops);
        sourceMac = mac != null ? mac : -1;
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        for (int i = 0; i < burst.size(); i++) {
            int result = burst.parse(i, parser);
            if (parser.l3Kind() != L3Kind.IPV4) {
                c[parser.l3Kind() == L3Kind.NONE ? MALFORMED : NOT_IPV4]++;
                burst.drop(i);
                continue;
            }
            // The L3 header is sound once the parser got past it, even if the L4 header is cut short.
            if (parser.l3HeaderLength() == 0 && result != PacketParser.OK) {
                c[MALFORMED]++;
                burst.drop(i);
                continue;
            }
            ip.wrap(parser);
            if (!ip.verifyChecksum()) {
                c[BAD_CHECKSUM]++;
                burst.drop(i);
                continue;
            }
            int ttl = ip.ttl();
            if (ttl <= 1) {
                c[TTL_EXPIRED]++;
                burst.drop(i);
                continue;
            }
            int hop = table.lookup(ip.dst());
            if (hop < 0) {
                c[NO_ROUTE]++;
                burst.drop(i);
                continue;
            }
            ip.ttlUpdatingChecksum(ttl - 1);
            if (hopMac[hop] >= 0 || sourceMac >= 0) {
                ethernet.wrap(parser);
                if (hopMac[hop] >= 0) {
                    ethernet.dst(hopMac[hop]);
                }
                if (sourceMac >= 0) {
                    ethernet.src(sourceMac);
                }
            }
            burst.out(i, hopPort[hop]);
            c[FORWARDED]++;
        }
    }

    @Override
    public void stop(NfContext context) {
        System.out.println(String.format(Locale.ROOT, "router: %s (%d routes)", counters.format(), hopPort.length));
    }
}

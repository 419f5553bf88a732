package org.jnetvm.nfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.jnetvm.core.packet.ArpView;
import org.jnetvm.core.packet.EthernetView;
import org.jnetvm.core.packet.L3Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Answers ARP requests for the IPv4 addresses it is given (proxy ARP): the request is turned
 * into the reply in its own buffer (no copy, no allocation) and sent back out of the port it
 * came in on, or {@code --out}. Everything else goes on along the chain: ARP it does not answer
 * (replies, requests for other addresses, gratuitous ARP) and other frames, each counted.
 */
@Command(name = "arp_response", description = {"Answers ARP requests for configured IPv4 addresses out of the port they"
        + " came in on (or --out); passes every other frame on.",
        "Entries file: one entry per line, # comments:",
        "  IP MAC     e.g.  10.0.0.1 02:00:00:00:00:01"})
public final class ArpResponse implements NetworkFunction {

    static final int REPLIED = 0;
    static final int ARP_PASSED = 1;
    static final int OTHER_PASSED = 2;
    static final int MALFORMED = 3;

    @Option(names = "--entry", paramLabel = "IP=MAC", description = "An address to answer for, e.g. 10.0.0.1=02:00:00:00:00:01 (repeatable).")
    List<String> entries = new ArrayList<>();

    @Option(names = "--entries", paramLabel = "FILE", converter = EntryFile.class, description = "A file of entries (format above).")
    EntryFile.Entries fileEntries;

    @Option(names = "--out", paramLabel = "PORT", description = "Port (name or number) replies leave by (default: the port the request came in on).")
    String out;

    final NfCounters counters = new NfCounters("replied", "arp_passed", "other_passed", "malformed");
    private final PacketParser parser = new PacketParser();
    private final EthernetView ethernet = new EthernetView();
    private final ArpView arp = new ArpView();
    /** Sorted addresses and their MACs: a binary search per request. */
    private int[] ips;
    private long[] macs;
    private int outPort = -1;

    @Override
    public void init(NfContext context) {
        TreeMap<Integer, Long> table = new TreeMap<>(Integer::compareUnsigned);
        if (fileEntries != null) {
            table.putAll(fileEntries.table());
        }
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--entry " + e + ": write IP=MAC, e.g. 10.0.0.1=02:00:00:00:00:01");
            }
            try {
                table.put(Addresses.ipv4(e.substring(0, eq)), Addresses.mac(e.substring(eq + 1)));
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException("--entry " + e + ": " + x.getMessage());
            }
        }
        if (table.isEmpty()) {
            throw new IllegalArgumentException("no addresses to answer for: give --entry IP=MAC or --entries FILE");
        }
        ips = new int[table.size()];
        macs = new long[table.size()];
        int k = 0;
        for (var e : table.entrySet()) {
            ips[k] = e.getKey();
            macs[k++] = e.getValue();
        }
        if (out != null) {
            outPort = context.port(out);
            if (outPort < 0) {
                throw new IllegalArgumentException("--out " + out + ": no such port; the manager has " + context.portCount()
                        + " ports");
            }
        }
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        for (int i = 0; i < burst.size(); i++) {
            int result = burst.parse(i, parser);
            if (parser.l3Kind() != L3Kind.ARP) {
                c[OTHER_PASSED]++;
                continue;
            }
            arp.wrap(parser);
            if (result != PacketParser.OK || !arp.isEthernetIpv4()) {
                c[MALFORMED]++;
                burst.drop(i);
                continue;
            }
            int target = arp.targetIp();
            int sender = arp.senderIp();
            int k = arp.op() == ArpView.OP_REQUEST && target != sender ? find(target) : -1;
            if (k < 0) {
                c[ARP_PASSED]++;
                continue;
            }
            long mac = macs[k];
            long requester = arp.senderMac();
            arp.op(ArpView.OP_REPLY);
            arp.targetMac(requester);
            arp.targetIp(sender);
            arp.senderMac(mac);
            arp.senderIp(target);
            ethernet.wrap(parser);
            ethernet.dst(requester);
            ethernet.src(mac);
            burst.out(i, outPort >= 0 ? outPort : burst.meta(i).inputPort());
            c[REPLIED]++;
        }
    }

    private int find(int ip) {
        int lo = 0;
        int hi = ips.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Integer.compareUnsigned(ips[mid], ip);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    @Override
    public void stop(NfContext context) {
        System.out.println(String.format(Locale.ROOT, "arp_response: %s (%d addresses)", counters.format(), ips.length));
    }

    /** picocli: {@code --entries FILE} is read and checked while the options are parsed. */
    static final class EntryFile implements CommandLine.ITypeConverter<EntryFile.Entries> {
        /** The entries of a file: address (network-order int) to MAC. */
        record Entries(TreeMap<Integer, Long> table) {
        }

        @Override
        public Entries convert(String value) {
            try {
                return read(Path.of(value));
            } catch (RuleFileException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }

        static Entries read(Path file) {
            TreeMap<Integer, Long> table = new TreeMap<>(Integer::compareUnsigned);
            TreeMap<Integer, Integer> lines = new TreeMap<>();
            for (RuleFile.Line l : RuleFile.read(file)) {
                if (l.words().size() != 2) {
                    throw l.error("expected 'IP MAC', e.g. 10.0.0.1 02:00:00:00:00:01; found " + l.words().size()
                            + " words");
                }
                int ip;
                long mac;
                try {
                    ip = Addresses.ipv4(l.words().get(0));
                    mac = Addresses.mac(l.words().get(1));
                } catch (IllegalArgumentException e) {
                    throw l.error(e.getMessage());
                }
                Integer first = lines.putIfAbsent(ip, l.number());
                if (first != null) {
                    throw l.error(l.words().get(0) + " is already given on line " + first);
                }
                table.put(ip, mac);
            }
            return new Entries(table);
        }
    }
}

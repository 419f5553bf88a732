package org.jnetvm.nfs;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.EthernetView;
import org.jnetvm.core.packet.Ipv4View;
import org.jnetvm.core.packet.L3Kind;
import org.jnetvm.core.packet.L4Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.TcpView;
import org.jnetvm.core.packet.UdpView;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A layer-4 load balancer for one virtual IP (VIP), NAT style. A new TCP or UDP connection to
 * the VIP (and {@code --ports}) gets the next backend that is up (round robin) and keeps it:
 * the connection table ({@link FlowTable}, keyed by the client's 5-tuple) remembers the backend
 * and the client's MAC. Client-to-VIP packets get the backend's IP and MAC as destination;
 * backend-to-client packets of a known connection get the VIP as source and the client's MAC
 * as destination; checksums are patched incrementally (RFC 1624: IPv4 header, and TCP/UDP for
 * the pseudo-header's address). Every packet goes on along the chain (a bridge or router after
 * it sends it out). Ports are not rewritten, so backends listen on the VIP's port.
 *
 * <p>Health comes from the backends file: a backend marked {@code down} gets no new
 * connections and keeps the ones it has. The file is re-read when it changes (a thread of its
 * own looks every {@code --reload} seconds; the loop picks the new health up at its next burst);
 * only up/down may change while running.
 *
 * <p>Connections end after {@code --idle-timeout} without packets, or {@code --closed-timeout}
 * after a TCP FIN or RST. IPv4 only; fragments, other protocols and other destinations pass
 * unchanged ({@code other}).
 */
@Command(name = "load_balancer", description = {"Balances TCP/UDP connections to a virtual IP over backends (round robin"
        + " over those up; a connection stays on its backend), rewriting destination IP/MAC one way and source IP back"
        + " the other, checksums patched.",
        "Backends file: one backend per line, # comments; re-read when it changes (only up/down may change):",
        "  NAME IP MAC [up|down]     e.g.  web1 10.0.1.1 02:00:00:00:01:01"})
public final class LoadBalancer implements NetworkFunction {

    static final int BACKEND = 0;
    static final int CLIENT_MAC = 1;
    static final int EXPIRES = 2;
    private static final int VALUES = 3;
    private static final int SWEEP_PER_BURST = 64;

    static final int NEW_CONNECTIONS = 0;
    static final int TO_BACKEND = 1;
    static final int TO_CLIENT = 2;
    static final int OTHER = 3;
    static final int NO_BACKEND = 4;
    static final int TABLE_FULL = 5;
    static final int EXPIRED = 6;

    @Option(names = "--vip", required = true, paramLabel = "IP", description = "The virtual IPv4 address clients connect to.")
    String vip;

    @Option(names = "--ports", defaultValue = "any", paramLabel = "PORTS",
            description = "VIP ports balanced: a port, LO-HI or any (default ${DEFAULT-VALUE}); others pass unchanged.")
    String ports;

    @Option(names = "--backends", required = true, paramLabel = "FILE", converter = BackendFile.Reader.class,
            description = "Backends file (format above).")
    BackendFile backendFile;

    @Option(names = "--mac", paramLabel = "MAC", converter = MacConverter.class,
            description = "Source MAC of the frames it rewrites, its own (default: left as they came).")
    Long mac;

    @Option(names = "--max-connections", defaultValue = "65536", paramLabel = "N",
            description = "Connections tracked at once (default ${DEFAULT-VALUE}); beyond, new ones are dropped (table_full).")
    int maxConnections;

    @Option(names = "--idle-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "A connection without packets this long is forgotten (default ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Option(names = "--closed-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long a TCP connection is kept after a FIN or RST (default ${DEFAULT-VALUE}).")
    double closedTimeout;

    @Option(names = "--reload", defaultValue = "1", paramLabel = "SECONDS",
            description = "How often to look for a changed backends file; 0: never (default ${DEFAULT-VALUE}).")
    double reload;

    @Option(names = "--interval", defaultValue = "0", paramLabel = "SECONDS",
            description = "Print the counters and connections per backend this often; 0: only at stop (default ${DEFAULT-VALUE}).")
    double interval;

    /** Where time comes from (System.nanoTime; tests set their own). */
    LongSupplier clock = System::nanoTime;
    /** Where the file watcher reports (tests capture it). */
    PrintStream log = System.out;
    final NfCounters counters = new NfCounters("new_connections", "to_backend", "to_client", "other", "no_backend",
            "table_full", "expired");
    private final PacketParser parser = new PacketParser();
    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private final UdpView udp = new UdpView();
    private final EthernetView ethernet = new EthernetView();
    private int vipAddress;
    private int portLo;
    private int portHi;
    private List<BackendFile.Backend> backends;
    private int[] backendIp;
    private long[] backendMac;
    /** Health per backend; replaced (never changed in place) by the file watcher. */
    private volatile boolean[] health;
    /** Connections each backend was given. */
    long[] assigned;
    private int next;
    private long idleNanos;
    private long closedNanos;
    private long sourceMac;
    private FlowTable table;
    private PeriodicTask report;
    private PeriodicTask watch;
    private long fileStamp;

    @Override
    public void init(NfContext context) {
        try {
            vipAddress = Addresses.ipv4(vip);
            int[] range = Addresses.portRange(ports);
            portLo = range[0];
            portHi = range[1];
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--vip/--ports: " + e.getMessage());
        }
        if (maxConnections < 1 || maxConnections > 1 << 24 || idleTimeout <= 0 || closedTimeout <= 0) {
            throw new IllegalArgumentException("--max-connections must be 1.." + (1 << 24)
                    + " and the timeouts above 0");
        }
        backends = backendFile.backends();
        int n = backends.size();
        backendIp = new int[n];
        backendMac = new long[n];
        boolean[] up = new boolean[n];
        for (int b = 0; b < n; b++) {
            backendIp[b] = backends.get(b).ip();
            backendMac[b] = backends.get(b).mac();
            up[b] = backends.get(b).up();
            if (backendIp[b] == vipAddress) {
                throw new RuleFileException(backendFile.file(), backends.get(b).line(), "backend " + backends.get(b).name()
                        + " has the VIP's address " + vip);
            }
        }
        health = up;
        assigned = new long[n];
        idleNanos = (long) (idleTimeout * 1e9);
        closedNanos = (long) (closedTimeout * 1e9);
        sourceMac = mac != null ? mac : -1;
        table = new FlowTable(maxConnections, FlowKey.WORDS, VALUES);
        fileStamp = stamp();
        watch = PeriodicTask.start("load_balancer-watch", reload, this::reloadIfChanged);
        report = PeriodicTask.report("load_balancer", interval, System.out, this::report);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long now = clock.getAsLong();
        boolean[] up = health;
        long[] c = counters.values;
        FlowTable t = table;
        long[] key = t.key;
        for (int i = 0; i < burst.size(); i++) {
            if (burst.parse(i, parser) != PacketParser.OK || parser.l3Kind() != L3Kind.IPV4 || parser.isFragment()
                    || (parser.l4Kind() != L4Kind.TCP && parser.l4Kind() != L4Kind.UDP)) {
                c[OTHER]++;
                continue;
            }
            MemorySegment seg = parser.segment();
            ip.wrap(parser);
            int protocol = parser.ipProtocol();
            long l4 = parser.l4Offset();
            int sport = tcp.wrap(parser).srcPort();
            int dport = tcp.dstPort();
            int src = ip.src();
            int dst = ip.dst();
            boolean tcpClosing = protocol == PacketParser.PROTO_TCP && (tcp.flags() & (TcpView.FIN | TcpView.RST)) != 0;
            if (dst == vipAddress && dport >= portLo && dport <= portHi) {
                FlowKey.packIpv4(protocol, src, sport, vipAddress, dport, key);
                int hash = hash(key);
                int slot = t.find(hash);
                if (slot < 0) {
                    int b = pick(up);
                    if (b < 0) {
                        c[NO_BACKEND]++;
                        burst.drop(i);
                        continue;
                    }
                    slot = t.insert(slot, hash);
                    if (slot < 0) {
                        c[TABLE_FULL]++;
                        burst.drop(i);
                        continue;
                    }
                    t.value(slot, BACKEND, b);
                    t.value(slot, CLIENT_MAC, ethernet.wrap(parser).src());
                    assigned[b]++;
                    c[NEW_CONNECTIONS]++;
                }
                int b = (int) t.value(slot, BACKEND);
                t.value(slot, EXPIRES, now + (tcpClosing ? closedNanos : idleNanos));
                ip.dstUpdatingChecksum(backendIp[b]);
                patchL4(seg, protocol, l4, vipAddress, backendIp[b]);
                ethernet.wrap(parser).dst(backendMac[b]);
                if (sourceMac >= 0) {
                    ethernet.src(sourceMac);
                }
                c[TO_BACKEND]++;
            } else {
                // A backend's reply carries the client as destination: the key of its connection.
                FlowKey.packIpv4(protocol, dst, dport, vipAddress, sport, key);
                int slot = t.find(hash(key));
                if (slot < 0 || backendIp[(int) t.value(slot, BACKEND)] != src) {
                    c[OTHER]++;
                    continue;
                }
                if (tcpClosing) {
                    t.value(slot, EXPIRES, Math.min(t.value(slot, EXPIRES), now + closedNanos));
                } else {
                    t.value(slot, EXPIRES, now + idleNanos);
                }
                ip.srcUpdatingChecksum(vipAddress);
                patchL4(seg, protocol, l4, src, vipAddress);
                ethernet.wrap(parser).dst(t.value(slot, CLIENT_MAC));
                if (sourceMac >= 0) {
                    ethernet.src(sourceMac);
                }
                c[TO_CLIENT]++;
            }
        }
        c[EXPIRED] += t.expire(SWEEP_PER_BURST, EXPIRES, now);
    }

    @Override
    public void idle(NfContext context) {
        counters.values[EXPIRED] += table.expire(SWEEP_PER_BURST * 16, EXPIRES, clock.getAsLong());
    }

    // The next backend that is up, round robin; -1 when none is.
    private int pick(boolean[] up) {
        int n = up.length;
        for (int k = 0; k < n; k++) {
            int b = next;
            next = b + 1 == n ? 0 : b + 1;
            if (up[b]) {
                return b;
            }
        }
        return -1;
    }

    private static int hash(long[] key) {
        long h = key[0] * 0x9E37_79B9_7F4A_7C15L ^ key[2] * 0xC2B2_AE3D_27D4_EB4FL ^ key[4] * 0x1656_67B1_9E37_79F9L;
        return (int) (h ^ h >>> 32);
    }

    // The TCP or UDP checksum covers the addresses through the pseudo-header: patch it for one
    // changed address. A UDP checksum of 0 means none was sent, and stays 0.
    private void patchL4(MemorySegment seg, int protocol, long l4, int oldAddress, int newAddress) {
        if (protocol == PacketParser.PROTO_TCP) {
            tcp.checksum(Checksums.incremental32(tcp.checksum(), oldAddress, newAddress));
        } else {
            udp.wrap(seg, l4, 8);
            int c = udp.checksum();
            if (c != 0) {
                c = Checksums.incremental32(c, oldAddress, newAddress);
                udp.checksum(c == 0 ? 0xFFFF : c);
            }
        }
    }

    @Override
    public void stop(NfContext context) {
        if (watch != null) {
            watch.close();
        }
        if (report != null) {
            report.close();
            System.out.println(report());
        }
    }

    /** Connections in the table now. */
    int connections() {
        return table.size();
    }

    String report() {
        boolean[] up = health;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "load_balancer %s: %d connections, %s",
                vip, table.size(), counters.format()));
        for (int b = 0; b < backends.size(); b++) {
            BackendFile.Backend be = backends.get(b);
            s.append(String.format(Locale.ROOT, "%n  %s %s %s: %d connections assigned", be.name(),
                    Addresses.formatIpv4(be.ip()), up[b] ? "up" : "down", NfCounters.read(assigned, b)));
        }
        return s.toString();
    }

    private long stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(backendFile.file(), BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() * 31 + a.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Re-reads the backends file if it changed and publishes the new health; the watcher thread calls it. */
    void reloadIfChanged() {
        long s = stamp();
        if (s == fileStamp || s == -1) {
            return;
        }
        fileStamp = s;
        BackendFile fresh;
        try {
            fresh = BackendFile.read(backendFile.file());
        } catch (RuleFileException e) {
            log.println("load_balancer: " + e.getMessage() + " (backends kept as they were)");
            return;
        }
        List<BackendFile.Backend> now = fresh.backends();
        boolean same = now.size() == backends.size();
        for (int b = 0; same && b < now.size(); b++) {
            same = now.get(b).sameAs(backends.get(b));
        }
        if (!same) {
            log.println("load_balancer: " + backendFile.file() + " changed its backends, not only up/down; restart"
                    + " the NF to use new backends (backends kept as they were)");
            return;
        }
        boolean[] up = new boolean[now.size()];
        StringBuilder states = new StringBuilder();
        for (int b = 0; b < up.length; b++) {
            up[b] = now.get(b).up();
            states.append(' ').append(now.get(b).name()).append(up[b] ? "=up" : "=down");
        }
        health = up;
        log.println("load_balancer: " + backendFile.file() + " re-read:" + states);
    }
}

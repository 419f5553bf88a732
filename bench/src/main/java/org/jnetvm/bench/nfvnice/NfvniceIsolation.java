package org.jnetvm.bench.nfvnice;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.bench.forward.Iperf3;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.testsupport.Testbed;

/**
 * NFVnice's isolation case: one TCP flow (iperf3) shares an NF with ten unresponsive UDP floods, between two network
 * namespaces through two {@code af_packet} ports. TCP takes the chain {@code shared -> fwd}; UDP (a flow rule) the
 * chain {@code shared -> costly -> fwd}. Both busy NFs are pinned to one CPU. Without NFVnice the floods fill
 * {@code shared}'s ring with packets {@code costly} will drop anyway, and the TCP flow, losing its packets there,
 * collapses; with backpressure the UDP chain is throttled at its entry (it is {@code costly} that is overloaded), so
 * {@code shared} has room and CPU for TCP. A first run with TCP alone (kernel scheduler, no floods) is the baseline.
 * The TCP flow asks for ECN ({@code net.ipv4.tcp_ecn=1} in both namespaces), for the mode that marks instead of
 * dropping.
 */
public final class NfvniceIsolation {
    /** Work per packet of the NF both chains share, and of the one only the floods cross. */
    static final long SHARED_NS = 4000;
    static final long COSTLY_NS = 20000;
    static final int FLOODS = 10;
    static final int UDP_PORT = Iperf3.IPERF3_PORT + 1;
    /** The floods start this long before the TCP flow, so that it meets them at full rate. */
    static final long FLOOD_LEAD_MILLIS = 1000;
    private static final int SUBNET = 98;

    /** One mode's figures; {@code mode} is null for the TCP-alone baseline. */
    public record Result(NfvniceBench.Mode mode, double tcpGbps, long tcpRetransmits, double udpPps,
                         Map<String, Long> drops, long ecnMarked, Map<String, String> nfs, String error) {
        public String key() {
            return mode == null ? "tcp_alone" : mode.key;
        }
    }

    private NfvniceIsolation() {
    }

    static String config(String name, Testbed bed, NfvniceBench.Mode mode, int nfCpu) {
        String managerCpus = NfvniceBench.managerCpus(nfCpu);
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 4096, nfSlots: 8, maxServices: 8, maxChains: 4}
                threads: {rx: 1, tx: 1, cpus: %s}
                heartbeatTimeoutMs: 10000
                scheduler: %s
                ports:
                  - {name: a, kind: af_packet, interface: %s}
                  - {name: b, kind: af_packet, interface: %s}
                services:
                  - {id: 1, name: shared}
                  - {id: 2, name: costly}
                  - {id: 3, name: fwd}
                chains:
                  default: [shared, fwd]
                  named: {udp: [shared, costly, fwd]}
                flows:
                  rules:
                    - {protocol: udp, chain: udp}
                nfs:
                  - {nf: busy, service: shared, args: ["--work", "%d"]}
                  - {nf: busy, service: costly, args: ["--work", "%d"]}
                  - {nf: bridge, service: fwd, inProcess: true}
                """.formatted(name, managerCpus, mode.scheduler(), bed.hostInterface(0), bed.hostInterface(1), SHARED_NS,
                COSTLY_NS);
    }

    /** The TCP-alone baseline, then each of {@code modes} with the floods; {@code seconds} of TCP per run. */
    public static List<Result> run(List<NfvniceBench.Mode> modes, int cpu, int seconds, PrintStream progress) {
        List<Result> results = new ArrayList<>();
        try (Testbed bed = Testbed.create(Testbed.uniqueName("nvi"), SUBNET, false);
             ExecutorService floods = Executors.newVirtualThreadPerTaskExecutor()) {
            // TCP asks for ECN (Linux's default only accepts it), so that a CE mark can stand in for a drop.
            for (int side = 0; side < 2; side++) {
                bed.run(side, "sysctl", "-qw", "net.ipv4.tcp_ecn=1");
            }
            Result alone = runOne(bed, null, cpu, seconds, floods);
            progress.println(line(alone));
            results.add(alone);
            for (NfvniceBench.Mode mode : modes) {
                Result r = runOne(bed, mode, cpu, seconds, floods);
                progress.println(line(r));
                results.add(r);
            }
        }
        return results;
    }

    private static Result runOne(Testbed bed, NfvniceBench.Mode mode, int cpu, int seconds, ExecutorService floods) {
        NfvniceBench.Mode settings = mode == null ? NfvniceBench.Mode.KERNEL : mode;
        String name = BenchManager.uniqueName("nfvnice-iso-" + (mode == null ? "alone" : mode.key.replace('_', '-')));
        try (BenchManager m = BenchManager.start(name, config(name, bed, settings, cpu))) {
            m.checkAlive();
            for (StatsSnapshot.Nf nf : m.manager().stats().nfs()) {
                if (nf.serviceName().equals("shared") || nf.serviceName().equals("costly")) {
                    NfvniceBench.applyPolicy(nf.pid(), cpu, settings);
                }
            }
            Future<Iperf3.Udp> udp = null;
            if (mode != null) {
                udp = floods.submit(() -> Iperf3.udp64(bed, seconds + 2, UDP_PORT, FLOODS));
                Thread.sleep(FLOOD_LEAD_MILLIS);
            }
            StatsSnapshot before = m.manager().stats();
            Iperf3.Tcp tcp = Iperf3.tcp(bed, seconds, Iperf3.IPERF3_PORT);
            StatsSnapshot after = m.manager().stats();
            double udpPps = udp == null ? 0 : udp.get().pps();
            m.checkAlive();
            long marked = after.chains().stream().mapToLong(StatsSnapshot.Chain::ecnMarked).sum()
                    - before.chains().stream().mapToLong(StatsSnapshot.Chain::ecnMarked).sum();
            return new Result(mode, tcp.gbps(), tcp.retransmits(), udpPps, NfvniceBench.drops(before, after), marked,
                    nfFigures(before, after), null);
        } catch (ExecutionException e) {
            return new Result(mode, 0, 0, 0, Map.of(), 0, Map.of(), "UDP floods: " + e.getCause());
        } catch (Exception e) {
            return new Result(mode, 0, 0, 0, Map.of(), 0, Map.of(), e.toString());
        }
    }

    // Per busy NF: what it took and what its full ring refused (kpps), and the share written last.
    private static Map<String, String> nfFigures(StatsSnapshot before, StatsSnapshot after) {
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        Map<String, String> figures = new LinkedHashMap<>();
        for (StatsSnapshot.Nf a : after.nfs()) {
            if (!a.serviceName().equals("shared") && !a.serviceName().equals("costly")) {
                continue;
            }
            StatsSnapshot.Nf b = before.nfs().stream().filter(n -> n.slot() == a.slot()).findFirst().orElse(a);
            figures.put(a.serviceName(), String.format(Locale.ROOT, "took %.1f kpps, refused %.1f kpps, cost %.1f us, share %d",
                    (a.rxPackets() - b.rxPackets()) / seconds / 1e3, (a.rxRefused() - b.rxRefused()) / seconds / 1e3,
                    a.costPicos() / 1e6, a.cpuShare()));
        }
        return figures;
    }

    static String line(Result r) {
        if (r.error() != null) {
            return String.format(Locale.ROOT, "%-8s %-24s failed: %s", "isolate", r.key(), r.error());
        }
        return String.format(Locale.ROOT,
                "%-8s %-24s TCP %6.3f Gbit/s (%d retransmits)  UDP floods %,9.0f pps received  drops %s  ECN marked %d",
                "isolate", r.key(), r.tcpGbps(), r.tcpRetransmits(), r.udpPps(), r.drops(), r.ecnMarked())
                + "  " + r.nfs();
    }

    /** The table's lines for the isolation case. */
    public static String table(List<Result> results) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "isolation: one TCP flow shares '%s' (%d ns) with %d UDP floods that also cross '%s' (%d ns)%n",
                "shared", SHARED_NS, FLOODS, "costly", COSTLY_NS));
        b.append(String.format(Locale.ROOT, "%-8s %-24s %10s %12s %14s%n", "case", "mode", "TCP Gbit/s", "retransmits",
                "UDP pps"));
        for (Result r : results) {
            if (r.error() != null) {
                b.append(String.format(Locale.ROOT, "%-8s %-24s failed: %s%n", "isolate", r.key(), r.error()));
            } else {
                b.append(String.format(Locale.ROOT, "%-8s %-24s %10.3f %12d %,14.0f%n", "isolate", r.key(), r.tcpGbps(),
                        r.tcpRetransmits(), r.udpPps()));
            }
        }
        return b.toString();
    }

    /** {@code {MODE: {tcp_gbps, tcp_retransmits, udp_pps, drops}}}, with {@code tcp_alone} first. */
    static Map<String, Object> json(List<Result> results) {
        Map<String, Object> modes = new LinkedHashMap<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (r.error() != null) {
                m.put("error", r.error());
            } else {
                m.put("tcp_gbps", Math.round(r.tcpGbps() * 1000) / 1000.0);
                m.put("tcp_retransmits", r.tcpRetransmits());
                m.put("udp_pps", Math.round(r.udpPps()));
                m.put("drops", r.drops());
                m.put("ecn_marked", r.ecnMarked());
            }
            modes.put(r.key(), m);
        }
        return modes;
    }
}

package org.jnetvm.bench.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.bench.chain.CpuShare;
import org.jnetvm.testsupport.Testbed;

/**
 * Forwarding between two real kernel stacks: on the same two veth pairs of a {@link Testbed} and
 * for the same duration, one after the other, the Linux bridge, dpdk-testpmd (io forwarding over
 * two net_af_packet devices) and JNetVM (two af_packet ports, a chain of one bridge NF) carry an
 * iperf3 TCP transfer and a 64-byte UDP flood from host A to host B. Offloads are off on every
 * veth end for all three (testpmd's AF_PACKET driver cannot carry TSO super-frames, and all three
 * must see the same interfaces). The figures are TCP Gbit/s, UDP datagrams per second received
 * and UDP loss, and JNetVM's ratios to the other two.
 */
public final class ForwardBench {

    /**
     * What one forwarder did; {@code error} is set (and the figures 0) when its run failed.
     * {@code drops}: JNetVM's own drop counters by reason at the end of its run (those not zero).
     */
    public record Figures(String forwarder, double tcpGbps, long tcpRetransmits, double udpPps, double udpLossPct,
                          Map<String, Double> cpu, Map<String, Long> drops, String error) {
        static Figures failed(String forwarder, String error) {
            return new Figures(forwarder, 0, 0, 0, 0, Map.of(), Map.of(), error);
        }
    }

    /**
     * @param seconds    length of each iperf3 run
     * @param forwarders which of bridge, testpmd, jnetvm to run
     * @param nf         where JNetVM's bridge NF runs: "process" (its own JVM), "thread" (a thread of
     *                   the manager's JVM) or "inline" (on the manager's RX thread, run to completion)
     * @param rxThreads  the manager's RX threads (and af_packet queues per port)
     */
    public record Options(int seconds, java.util.Set<String> forwarders, String nf, int rxThreads) {
        public static final java.util.List<String> ALL = java.util.List.of("bridge", "testpmd", "jnetvm");
        public static final java.util.List<String> PLACEMENTS = java.util.List.of("process", "thread", "inline");

        public Options {
            if (!PLACEMENTS.contains(nf)) {
                throw new IllegalArgumentException("NF placement '" + nf + "': one of " + PLACEMENTS);
            }
        }
    }

    /** The three runs. */
    public record Result(Figures bridge, Figures testpmd, Figures jnetvm) {
    }

    private ForwardBench() {
    }

    public static Result run(Options options, PrintStream out) {
        try (Testbed bed = Testbed.create(Testbed.uniqueName("fw"), 97, false)) {
            out.printf(Locale.ROOT, "testbed: %s (%s) <-> %s <-> %s <-> %s (%s); offloads off; %d s per run%n",
                    bed.namespace(0), bed.address(0), bed.hostInterface(0), bed.hostInterface(1), bed.namespace(1),
                    bed.address(1), options.seconds());
            Figures bridge = !options.forwarders().contains("bridge") ? Figures.failed("bridge", "skipped")
                    : measure("bridge", bed, options, out, () -> {
                        bed.bridge();
                        return (Running) bed::unbridge;
                    });
            Figures testpmd = !options.forwarders().contains("testpmd") ? Figures.failed("testpmd", "skipped")
                    : !Testpmd.available() ? Figures.failed("testpmd", "dpdk-testpmd not installed (bin/jnetvm setup)")
                    : measure("testpmd", bed, options, out, () -> (Running) Testpmd.start(bed)::close);
            Figures jnetvm = !options.forwarders().contains("jnetvm") ? Figures.failed("jnetvm", "skipped")
                    : measure("jnetvm", bed, options, out, () -> {
                        String name = BenchManager.uniqueName("forward");
                        BenchManager m = BenchManager.start(name, config(name, bed, options));
                        return new Running() {
                            @Override
                            public Map<String, Long> drops() {
                                Map<String, Long> drops = new java.util.TreeMap<>();
                                m.manager().stats().drops().forEach((reason, n) -> {
                                    if (n > 0) {
                                        drops.put(reason.label, n);
                                    }
                                });
                                return drops;
                            }

                            @Override
                            public void close() {
                                m.close();
                            }
                        };
                    });
            return new Result(bridge, testpmd, jnetvm);
        }
    }

    /**
     * JNetVM's config: the two ports spread over the RX threads (each port gets rx/2 fanout queues,
     * at least one), and the bridge NF where {@link Options#nf()} says. Inline, each RX thread runs
     * an instance of its own, so a direction of the traffic never leaves the thread that read it
     * (with two RX threads: A to B on one, B to A on the other, as the kernel's bridge runs each
     * direction in its sender's context).
     */
    static String config(String name, Testbed bed, Options options) {
        int rx = Math.max(1, options.rxThreads());
        int queues = Math.max(1, rx / 2);
        boolean inline = options.nf().equals("inline");
        return """
                region: {name: %s, buffers: 16384}
                threads: {rx: %d, tx: 1}
                ports:
                  - {name: a, kind: af_packet, interface: %s, queues: %d}
                  - {name: b, kind: af_packet, interface: %s, queues: %d}
                chains: {default: [fwd]}
                nfs:
                  - {nf: bridge, service: fwd, inProcess: %s, inline: %s, instances: %d}
                """.formatted(name, rx, bed.hostInterface(0), queues, bed.hostInterface(1), queues,
                !options.nf().equals("process"), inline, inline ? rx : 1);
    }

    /** One line saying how JNetVM ran. */
    public static String describe(Options options) {
        int rx = Math.max(1, options.rxThreads());
        return switch (options.nf()) {
            case "inline" -> rx + " RX thread(s), each running a bridge NF instance inline (run to completion)";
            case "thread" -> rx + " RX thread(s), a bridge NF on a thread of the manager's JVM, 1 TX thread";
            default -> rx + " RX thread(s), a bridge NF process, 1 TX thread";
        };
    }

    private interface Forwarder {
        /** Starts the forwarder; returns what stops it. */
        Running start() throws Exception;
    }

    /** A forwarder that runs; closing it stops it. */
    private interface Running extends AutoCloseable {
        /** Its own drop counters by reason, where it has any. */
        default Map<String, Long> drops() {
            return Map.of();
        }

        @Override
        void close() throws Exception;
    }

    private static Figures measure(String name, Testbed bed, Options options, PrintStream out, Forwarder forwarder) {
        out.printf(Locale.ROOT, "%-8s ", name);
        out.flush();
        try (Running running = forwarder.start()) {
            CpuShare.Sample before = CpuShare.now();
            Iperf3.Tcp tcp = Iperf3.tcp(bed, options.seconds());
            Iperf3.Udp udp = Iperf3.udp64(bed, options.seconds());
            Map<String, Double> cpu = CpuShare.between(before, CpuShare.now());
            Figures f = new Figures(name, tcp.gbps(), tcp.retransmits(), udp.pps(), udp.lossPct(), cpu,
                    running.drops(), null);
            out.printf(Locale.ROOT, "TCP %6.2f Gbit/s (%d retransmits)   UDP 64 B %,10.0f pps received, %5.1f %% lost%s%n",
                    f.tcpGbps(), f.tcpRetransmits(), f.udpPps(), f.udpLossPct(),
                    name.equals("jnetvm") ? "; its drops: " + (f.drops().isEmpty() ? "none" : f.drops()) : "");
            return f;
        } catch (Exception e) {
            out.println("failed: " + e.getMessage());
            return Figures.failed(name, String.valueOf(e.getMessage()));
        }
    }

    /** JNetVM's figure over another's, or NaN when either is missing. */
    public static double ratio(double jnetvm, double other) {
        return jnetvm > 0 && other > 0 ? jnetvm / other : Double.NaN;
    }

    public static void printRatios(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "JNetVM / testpmd: TCP %.2f, UDP pps %.2f%n", ratio(r.jnetvm().tcpGbps(),
                r.testpmd().tcpGbps()), ratio(r.jnetvm().udpPps(), r.testpmd().udpPps()));
        out.printf(Locale.ROOT, "JNetVM / bridge:  TCP %.2f, UDP pps %.2f%n", ratio(r.jnetvm().tcpGbps(),
                r.bridge().tcpGbps()), ratio(r.jnetvm().udpPps(), r.bridge().udpPps()));
    }

    /** The one-line JSON report: keys bridge, testpmd, jnetvm, ratio_vs_testpmd, ratio_vs_bridge. */
    public static String json(Result r, Options options, String command) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("bench", "forward");
        root.put("seconds", options.seconds());
        root.put("cpus", Runtime.getRuntime().availableProcessors());
        for (Figures f : new Figures[] {r.bridge(), r.testpmd(), r.jnetvm()}) {
            ObjectNode n = root.putObject(f.forwarder());
            n.put("tcp_gbps", round(f.tcpGbps()));
            n.put("tcp_retransmits", f.tcpRetransmits());
            n.put("udp64_pps", Math.round(f.udpPps()));
            n.put("udp64_loss_pct", round(f.udpLossPct()));
            n.set("cpu", json.valueToTree(f.cpu()));
            if (f.forwarder().equals("jnetvm")) {
                n.set("drops", json.valueToTree(f.drops()));
            }
            if (f.error() != null) {
                n.put("error", f.error());
            }
        }
        root.set("ratio_vs_testpmd", ratios(json, r.jnetvm(), r.testpmd()));
        root.set("ratio_vs_bridge", ratios(json, r.jnetvm(), r.bridge()));
        root.put("jnetvm_nf", options.nf());
        root.put("jnetvm_rx_threads", Math.max(1, options.rxThreads()));
        root.put("command", command);
        return root.toString();
    }

    // A ratio with a missing side is null (JSON has no NaN).
    private static ObjectNode ratios(ObjectMapper json, Figures jnetvm, Figures other) {
        ObjectNode n = json.createObjectNode();
        double tcp = ratio(jnetvm.tcpGbps(), other.tcpGbps());
        double udp = ratio(jnetvm.udpPps(), other.udpPps());
        if (Double.isNaN(tcp)) {
            n.putNull("tcp");
        } else {
            n.put("tcp", round(tcp));
        }
        if (Double.isNaN(udp)) {
            n.putNull("udp64_pps");
        } else {
            n.put("udp64_pps", round(udp));
        }
        return n;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
    }
}

package org.jnetvm.bench.nfvnice;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.core.stats.StatsSnapshot;

/**
 * NFVnice's experiment in the shape of the paper, on this machine: three busy NFs of low, medium and high CPU cost
 * per packet, pinned to one shared CPU, in one chain behind a generator that offers more than the chain can carry,
 * under (a) the kernel scheduler alone, (b) cpu shares, (c) shares and backpressure. Per run: goodput (packets the chain
 * sends out of the port; an in-manager bridge ends it), each NF's CPU share, wasted work (CPU spent on packets dropped further down the chain, weighted by
 * each NF's cost), and Jain's index of the NFs' served fraction of what arrived at each.
 *
 * <p>Two cases: one chain through the three NFs, and three chains of one NF each with equal offered load (flow rules
 * split the generator's flows in three). The kernel runs come in three policies: CFS, SCHED_BATCH, and SCHED_RR
 * with a 100 ms slice, as the paper compared.
 */
public final class NfvniceBench {

    /**
     * Where the three NFs sit: one chain through all three, or a chain of its own each with equal offered load; or
     * the isolation case ({@link NfvniceIsolation}), a TCP flow and UDP floods through two of them.
     */
    public enum Topology {
        CHAIN("chain"), SEPARATE("separate"), ISOLATION("isolation");

        public final String key;

        Topology(String key) {
            this.key = key;
        }
    }

    /**
     * The scheduler settings of one run: NFVnice's shares and backpressure on or off, and for the kernel-only runs
     * the Linux scheduling policy of every thread of the NF processes ({@code chrt -a}; null: SCHED_OTHER, CFS).
     */
    public enum Mode {
        KERNEL("kernel", "disabled", false, false, null),
        KERNEL_BATCH("kernel_batch", "disabled", false, false, "--batch"),
        KERNEL_RR("kernel_rr", "disabled", false, false, "--rr"),
        SHARES("shares", "auto", false, false, null),
        SHARES_BACKPRESSURE("shares_backpressure", "auto", true, false, null),
        /** Backpressure CE-marks ECN-capable packets instead of dropping them: only the isolation case has any. */
        SHARES_BACKPRESSURE_ECN("shares_backpressure_ecn", "auto", true, true, null);

        public final String key;
        final String shares;
        final boolean backpressure;
        final boolean ecn;
        final String policy;

        Mode(String key, String shares, boolean backpressure, boolean ecn, String policy) {
            this.key = key;
            this.shares = shares;
            this.backpressure = backpressure;
            this.ecn = ecn;
            this.policy = policy;
        }

        /** The {@code scheduler:} section of this mode's config. */
        String scheduler() {
            return "{shares: " + shares + ", backpressure: " + backpressure + (ecn ? ", ecn: true" : "")
                    + (kernelOnly() ? ", localRetryUs: 0" : "") + "}";
        }

        /** NFVnice's mechanisms, including the local retry of a full next hop, are all off in the kernel runs. */
        boolean kernelOnly() {
            return shares.equals("disabled");
        }
    }

    /** One NF's figures in a run. */
    public record NfFigures(String service, long workNanos, double rxMpps, double txMpps, double arrivedMpps,
                            double cpuShare) {
    }

    /** One run. */
    public record Run(Topology topology, Mode mode, double goodputMpps, double wastedPct, double jain,
                      List<NfFigures> nfs, Map<String, Long> drops, String error) {
    }

    /**
     * The bench's settings: the NFs' costs, the rate offered to each chain (the chain case has one, the separate
     * case three), the CPU the NFs share, timing, and what to run.
     */
    public record Settings(long[] workNanos, long offeredPps, int cpu, long warmupMillis, long windowMillis,
                           List<Topology> topologies, List<Mode> modes) {
        public static Settings standard(int cpu) {
            return new Settings(new long[] {400, 900, 1800}, 400_000, cpu, 2500, 3500, List.of(Topology.values()),
                    List.of(Mode.values()));
        }
    }

    static final String[] SERVICES = {"low", "medium", "high"};
    /** Flows per chain in the separate case; the generator cycles through its flows, so each chain gets a third. */
    static final int FLOWS_PER_CHAIN = 85;
    /** Round-robin slice of the SCHED_RR runs, as the paper set it. */
    static final int RR_SLICE_MS = 100;
    private static final Path RR_TIMESLICE = Path.of("/proc/sys/kernel/sched_rr_timeslice_ms");

    private NfvniceBench() {
    }

    /** {@code threads.cpus} for the manager: off the NFs' CPU where there is another, as the paper's manager is. */
    static String managerCpus(int nfCpu) {
        return Runtime.getRuntime().availableProcessors() > 1 ? "[" + (nfCpu == 0 ? 1 : 0) + "]" : "[]";
    }

    static String config(String name, Topology topology, Mode mode, Settings s) {
        String managerCpus = managerCpus(s.cpu());
        String chains;
        String flows;
        long rate;
        int generatorFlows;
        if (topology == Topology.CHAIN) {
            chains = "  default: [low, medium, high, out]\n";
            flows = "";
            rate = s.offeredPps();
            generatorFlows = 256;
        } else {
            // Source ports 1024.. in three ranges, one per chain (UdpTraffic numbers its flows that way).
            chains = "  default: [low, out]\n  named: {mid: [medium, out], top: [high, out]}\n";
            int lo = 1024 + FLOWS_PER_CHAIN;
            flows = """
                    flows:
                      rules:
                        - {protocol: udp, srcPort: "%d-%d", chain: mid}
                        - {protocol: udp, srcPort: "%d-%d", chain: top}
                    """.formatted(lo, lo + FLOWS_PER_CHAIN - 1, lo + FLOWS_PER_CHAIN, lo + 2 * FLOWS_PER_CHAIN - 1);
            rate = 3 * s.offeredPps();
            generatorFlows = 3 * FLOWS_PER_CHAIN;
        }
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 4096, nfSlots: 8, maxServices: 8, maxChains: 4}
                threads: {rx: 1, tx: 1, cpus: %s}
                hop: direct
                heartbeatTimeoutMs: 10000
                scheduler: %s
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: %d}
                services:
                  - {id: 1, name: low}
                  - {id: 2, name: medium}
                  - {id: 3, name: high}
                  - {id: 4, name: out}
                chains:
                %s%snfs:
                  - {nf: busy, service: low, args: ["--work", "%d"]}
                  - {nf: busy, service: medium, args: ["--work", "%d"]}
                  - {nf: busy, service: high, args: ["--work", "%d"]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(name, managerCpus, mode.scheduler(), rate, generatorFlows, chains, flows, s.workNanos()[0], s.workNanos()[1], s.workNanos()[2]);
    }

    /** Runs the chain and separate cases under every mode, one after another; a failed run is reported, not thrown. */
    public static List<Run> run(Settings settings, PrintStream progress) {
        List<Run> runs = new ArrayList<>();
        for (Topology topology : settings.topologies()) {
            if (topology == Topology.ISOLATION) {
                continue; // NfvniceIsolation
            }
            for (Mode mode : settings.modes()) {
                if (mode.ecn) {
                    continue; // the generator's packets are not ECN-capable: it would be shares_backpressure again
                }
                Run r = runOne(topology, mode, settings);
                progress.println(line(r));
                runs.add(r);
            }
        }
        return runs;
    }

    static Run runOne(Topology topology, Mode mode, Settings s) {
        String name = BenchManager.uniqueName("nfvnice-" + topology.key + "-" + mode.key.replace('_', '-'));
        try (BenchManager m = BenchManager.start(name, config(name, topology, mode, s)); RrSlice slice = RrSlice.of(mode)) {
            m.checkAlive();
            for (StatsSnapshot.Nf nf : byService(m.manager().stats())) {
                applyPolicy(nf.pid(), s.cpu(), mode);
            }
            Thread.sleep(s.warmupMillis());
            StatsSnapshot before = m.manager().stats();
            long[] cpuBefore = cpuNanos(byService(before));
            Thread.sleep(s.windowMillis());
            StatsSnapshot after = m.manager().stats();
            long[] cpuAfter = cpuNanos(byService(after));
            m.checkAlive();
            long out = after.ports().getFirst().txPackets() - before.ports().getFirst().txPackets();
            return figures(topology, mode, s, byService(before), byService(after), cpuBefore, cpuAfter,
                    (after.nanos() - before.nanos()), out, drops(before, after));
        } catch (Exception e) {
            return new Run(topology, mode, 0, 0, 0, List.of(), Map.of(), e.toString());
        }
    }

    /** Every thread of NF process {@code pid} onto {@code cpu}, under the mode's scheduling policy if it has one. */
    static void applyPolicy(long pid, int cpu, Mode mode) throws IOException, InterruptedException {
        command("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(pid));
        if (mode.policy != null) {
            command("chrt", "-a", mode.policy, "-p", mode == Mode.KERNEL_RR ? "1" : "0", Long.toString(pid));
        }
    }

    /** The SCHED_RR slice set to {@link #RR_SLICE_MS} for a {@code kernel_rr} run, and put back after it. */
    record RrSlice(String restore) implements AutoCloseable {
        static RrSlice of(Mode mode) throws IOException {
            if (mode != Mode.KERNEL_RR) {
                return new RrSlice(null);
            }
            String old = Files.readString(RR_TIMESLICE).strip();
            Files.writeString(RR_TIMESLICE, Integer.toString(RR_SLICE_MS));
            return new RrSlice(old);
        }

        @Override
        public void close() {
            if (restore != null) {
                try {
                    Files.writeString(RR_TIMESLICE, restore);
                } catch (IOException e) {
                    System.err.println("bench nfvnice: could not restore " + RR_TIMESLICE + " to " + restore + ": " + e);
                }
            }
        }
    }

    /**
     * Wasted work is work spent on a packet that never left: in the chain, what each NF took beyond what left the
     * port; in separate chains, what each NF took beyond what it passed on. Jain's index is over each NF's
     * throughput against its demand: what arrived at its ring in the chain, its chain's offered rate when separate.
     */
    static Run figures(Topology topology, Mode mode, Settings s, List<StatsSnapshot.Nf> before,
                       List<StatsSnapshot.Nf> after, long[] cpuBefore, long[] cpuAfter, long wallNanos, long out,
                       Map<String, Long> drops) {
        double micros = wallNanos / 1e3;
        List<NfFigures> figures = new ArrayList<>();
        double work = 0;
        double wasted = 0;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < before.size(); i++) {
            StatsSnapshot.Nf b = before.get(i);
            StatsSnapshot.Nf a = after.get(i);
            long rx = a.rxPackets() - b.rxPackets();
            long tx = a.txPackets() - b.txPackets();
            long arrived = a.arrivals() - b.arrivals();
            long cost = s.workNanos()[i];
            work += (double) rx * cost;
            wasted += (double) Math.max(0, rx - (topology == Topology.CHAIN ? out : tx)) * cost;
            // Demand: in the chain, what arrived at the NF; in separate chains, what the generator offered its chain
            // (packets dropped at entry by backpressure never arrive, but they were demanded).
            double demand = topology == Topology.CHAIN ? arrived : s.offeredPps() * micros / 1e6;
            double served = demand == 0 ? 1 : rx / demand;
            sum += served;
            squares += served * served;
            figures.add(new NfFigures(a.serviceName(), cost, rx / micros, tx / micros, arrived / micros,
                    (cpuAfter[i] - cpuBefore[i]) / (double) wallNanos));
        }
        double jain = squares == 0 ? 0 : sum * sum / (before.size() * squares);
        return new Run(topology, mode, out / micros, work == 0 ? 0 : 100 * wasted / work, jain, figures, drops, null);
    }

    private static List<StatsSnapshot.Nf> byService(StatsSnapshot s) {
        List<StatsSnapshot.Nf> nfs = new ArrayList<>();
        for (String service : SERVICES) {
            nfs.add(s.nfs().stream().filter(nf -> nf.serviceName().equals(service)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no NF of service " + service + " is registered")));
        }
        return nfs;
    }

    private static long[] cpuNanos(List<StatsSnapshot.Nf> nfs) {
        long[] cpu = new long[nfs.size()];
        for (int i = 0; i < nfs.size(); i++) {
            cpu[i] = ProcessHandle.of(nfs.get(i).pid()).flatMap(p -> p.info().totalCpuDuration())
                    .orElseThrow(() -> new IllegalStateException("cannot read an NF process's CPU time")).toNanos();
        }
        return cpu;
    }

    static Map<String, Long> drops(StatsSnapshot before, StatsSnapshot after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.drops().forEach((reason, n) -> {
            long delta = n - before.drops().getOrDefault(reason, 0L);
            if (delta > 0) {
                d.put(reason.label, delta);
            }
        });
        return d;
    }

    // taskset -a / chrt -a: every thread of the NF's JVM, so its JIT and GC share the NF's CPU and policy too.
    private static void command(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    /** One line per run for the progress output. */
    static String line(Run r) {
        if (r.error() != null) {
            return String.format(Locale.ROOT, "%-8s %-20s failed: %s", r.topology().key, r.mode().key, r.error());
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %-20s goodput %.3f Mpps  wasted %5.1f %%  jain %.3f  cpu",
                r.topology().key, r.mode().key, r.goodputMpps(), r.wastedPct(), r.jain()));
        for (NfFigures nf : r.nfs()) {
            b.append(String.format(Locale.ROOT, " %s %.2f", nf.service(), nf.cpuShare()));
        }
        return b.append("  drops ").append(r.drops()).toString();
    }

    /** The table printed after the runs. */
    public static String table(List<Run> runs, Settings s) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "bench nfvnice: NFs low(%d ns), medium(%d ns), high(%d ns) on CPU %d, %d pps of 64 B offered to each chain;"
                        + " chain: low -> medium -> high; separate: one chain each%n",
                s.workNanos()[0], s.workNanos()[1], s.workNanos()[2], s.cpu(), s.offeredPps()));
        b.append(String.format(Locale.ROOT, "%-8s %-20s %12s %9s %6s %s%n", "case", "mode", "goodput Mpps", "wasted %",
                "jain", "cpu share low/medium/high"));
        for (Run r : runs) {
            if (r.error() != null) {
                b.append(String.format(Locale.ROOT, "%-8s %-20s failed: %s%n", r.topology().key, r.mode().key, r.error()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-8s %-20s %12.3f %9.1f %6.3f", r.topology().key, r.mode().key,
                    r.goodputMpps(), r.wastedPct(), r.jain()));
            for (NfFigures nf : r.nfs()) {
                b.append(String.format(Locale.ROOT, " %.2f", nf.cpuShare()));
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

    /**
     * {@code {"bench":"nfvnice","runs":{"chain":{MODE:R},"separate":{MODE:R},"isolation":{MODE:I}}}}, each R with
     * goodput_mpps, wasted_pct, jain, cpu_share (per NF), mpps (per NF) and drops; each I as
     * {@link NfvniceIsolation#json}.
     */
    public static String json(List<Run> runs, List<NfvniceIsolation.Result> isolation, Settings s) {
        Map<String, Object> byTopology = new LinkedHashMap<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (r.error() != null) {
                m.put("error", r.error());
            } else {
                m.put("goodput_mpps", round(r.goodputMpps()));
                m.put("wasted_pct", round(r.wastedPct()));
                m.put("jain", round(r.jain()));
                Map<String, Object> share = new LinkedHashMap<>();
                Map<String, Object> mpps = new LinkedHashMap<>();
                r.nfs().forEach(nf -> {
                    share.put(nf.service(), round(nf.cpuShare()));
                    mpps.put(nf.service(), round(nf.rxMpps()));
                });
                m.put("cpu_share", share);
                m.put("mpps", mpps);
                m.put("drops", r.drops());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> modes = (Map<String, Object>) byTopology.computeIfAbsent(r.topology().key,
                    k -> new LinkedHashMap<String, Object>());
            modes.put(r.mode().key, m);
        }
        if (!isolation.isEmpty()) {
            byTopology.put(Topology.ISOLATION.key, NfvniceIsolation.json(isolation));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "nfvnice");
        root.put("work_ns", s.workNanos());
        root.put("offered_pps_per_chain", s.offeredPps());
        root.put("cpu", s.cpu());
        root.put("runs", byTopology);
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}

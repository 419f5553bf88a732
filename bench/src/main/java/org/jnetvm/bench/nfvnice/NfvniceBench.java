package org.jnetvm.bench.nfvnice;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
 * <p>This is the chain case of issue #12's experiment; the three-separate-chains case, SCHED_BATCH/SCHED_RR and the
 * iperf3 isolation case are not written yet (docs/status.md).
 */
public final class NfvniceBench {

    /** The scheduler settings of one run. */
    public enum Mode {
        KERNEL("kernel", "disabled", false), SHARES("shares", "auto", false),
        SHARES_BACKPRESSURE("shares_backpressure", "auto", true);

        public final String key;
        final String shares;
        final boolean backpressure;

        Mode(String key, String shares, boolean backpressure) {
            this.key = key;
            this.shares = shares;
            this.backpressure = backpressure;
        }
    }

    /** One NF's figures in a run. */
    public record NfFigures(String service, long workNanos, double rxMpps, double txMpps, double arrivedMpps,
                            double cpuShare) {
    }

    /** One run. */
    public record Run(Mode mode, double goodputMpps, double wastedPct, double jain, List<NfFigures> nfs,
                      Map<String, Long> drops, String error) {
    }

    /** The bench's settings: the NFs' costs, the offered rate, the CPU they share, timing. */
    public record Settings(long[] workNanos, long offeredPps, int cpu, long warmupMillis, long windowMillis) {
        public static Settings standard(int cpu) {
            return new Settings(new long[] {400, 900, 1800}, 400_000, cpu, 3000, 4000);
        }
    }

    static final String[] SERVICES = {"low", "medium", "high"};

    private NfvniceBench() {
    }

    static String config(String name, Mode mode, Settings s) {
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 4096, nfSlots: 8, maxServices: 8, maxChains: 2}
                threads: {rx: 1, tx: 1}
                hop: direct
                heartbeatTimeoutMs: 10000
                scheduler: {shares: %s, backpressure: %s}
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: 256}
                services:
                  - {id: 1, name: low}
                  - {id: 2, name: medium}
                  - {id: 3, name: high}
                  - {id: 4, name: out}
                chains:
                  default: [low, medium, high, out]
                nfs:
                  - {nf: busy, service: low, args: ["--work", "%d"]}
                  - {nf: busy, service: medium, args: ["--work", "%d"]}
                  - {nf: busy, service: high, args: ["--work", "%d"]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(name, mode.shares, mode.backpressure, s.offeredPps(), s.workNanos()[0], s.workNanos()[1],
                s.workNanos()[2]);
    }

    /** Runs the three modes one after another; a failed run is reported, not thrown. */
    public static List<Run> run(Settings settings, PrintStream progress) {
        List<Run> runs = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            Run r = runOne(mode, settings);
            progress.println(line(r));
            runs.add(r);
        }
        return runs;
    }

    static Run runOne(Mode mode, Settings s) {
        String name = BenchManager.uniqueName("nfvnice-" + mode.key.replace('_', '-'));
        try (BenchManager m = BenchManager.start(name, config(name, mode, s))) {
            m.checkAlive();
            List<StatsSnapshot.Nf> nfs = byService(m.manager().stats());
            for (StatsSnapshot.Nf nf : nfs) {
                pin(nf.pid(), s.cpu());
            }
            Thread.sleep(s.warmupMillis());
            StatsSnapshot before = m.manager().stats();
            long[] cpuBefore = cpuNanos(byService(before));
            Thread.sleep(s.windowMillis());
            StatsSnapshot after = m.manager().stats();
            long[] cpuAfter = cpuNanos(byService(after));
            m.checkAlive();
            long out = after.ports().getFirst().txPackets() - before.ports().getFirst().txPackets();
            return figures(mode, s, byService(before), byService(after), cpuBefore, cpuAfter,
                    (after.nanos() - before.nanos()), out, drops(before, after));
        } catch (Exception e) {
            return new Run(mode, 0, 0, 0, List.of(), Map.of(), e.toString());
        }
    }

    static Run figures(Mode mode, Settings s, List<StatsSnapshot.Nf> before, List<StatsSnapshot.Nf> after,
                       long[] cpuBefore, long[] cpuAfter, long wallNanos, long out, Map<String, Long> drops) {
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
            long arrived = a.arrivals() - b.arrivals();
            long cost = s.workNanos()[i];
            work += (double) rx * cost;
            wasted += (double) Math.max(0, rx - out) * cost; // processed here, never out of the port
            double served = arrived == 0 ? 1 : (double) rx / arrived;
            sum += served;
            squares += served * served;
            figures.add(new NfFigures(a.serviceName(), cost, rx / micros, (a.txPackets() - b.txPackets()) / micros,
                    arrived / micros, (cpuAfter[i] - cpuBefore[i]) / (double) wallNanos));
        }
        double jain = squares == 0 ? 0 : sum * sum / (before.size() * squares);
        return new Run(mode, out / micros, work == 0 ? 0 : 100 * wasted / work, jain, figures, drops, null);
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

    private static Map<String, Long> drops(StatsSnapshot before, StatsSnapshot after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.drops().forEach((reason, n) -> {
            long delta = n - before.drops().getOrDefault(reason, 0L);
            if (delta > 0) {
                d.put(reason.label, delta);
            }
        });
        return d;
    }

    // Every thread of the NF's JVM onto one CPU: the NFs share a core, as in the paper.
    private static void pin(long pid, int cpu) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("taskset could not pin NF process " + pid + " to CPU " + cpu);
        }
    }

    /** One line per run for the progress output. */
    static String line(Run r) {
        if (r.error() != null) {
            return String.format(Locale.ROOT, "%-20s failed: %s", r.mode().key, r.error());
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-20s goodput %.3f Mpps  wasted %5.1f %%  jain %.3f  cpu",
                r.mode().key, r.goodputMpps(), r.wastedPct(), r.jain()));
        for (NfFigures nf : r.nfs()) {
            b.append(String.format(Locale.ROOT, " %s %.2f", nf.service(), nf.cpuShare()));
        }
        return b.append("  drops ").append(r.drops()).toString();
    }

    /** The table printed after the runs. */
    public static String table(List<Run> runs, Settings s) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "bench nfvnice: chain low(%d ns) -> medium(%d ns) -> high(%d ns) on CPU %d, %d pps offered, 64 B%n",
                s.workNanos()[0], s.workNanos()[1], s.workNanos()[2], s.cpu(), s.offeredPps()));
        b.append(String.format(Locale.ROOT, "%-20s %12s %9s %6s %s%n", "mode", "goodput Mpps", "wasted %", "jain",
                "cpu share low/medium/high"));
        for (Run r : runs) {
            if (r.error() != null) {
                b.append(String.format(Locale.ROOT, "%-20s failed: %s%n", r.mode().key, r.error()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-20s %12.3f %9.1f %6.3f", r.mode().key, r.goodputMpps(),
                    r.wastedPct(), r.jain()));
            for (NfFigures nf : r.nfs()) {
                b.append(String.format(Locale.ROOT, " %.2f", nf.cpuShare()));
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

    /** {@code {"bench":"nfvnice","runs":{"chain":{MODE:{goodput_mpps, wasted_pct, jain, cpu_share:{NF:x}}}}}}. */
    public static String json(List<Run> runs, Settings s) {
        Map<String, Object> chain = new LinkedHashMap<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (r.error() != null) {
                m.put("error", r.error());
            } else {
                m.put("goodput_mpps", round(r.goodputMpps()));
                m.put("wasted_pct", round(r.wastedPct()));
                m.put("jain", round(r.jain()));
                Map<String, Object> share = new LinkedHashMap<>();
                r.nfs().forEach(nf -> share.put(nf.service(), round(nf.cpuShare())));
                m.put("cpu_share", share);
                m.put("drops", r.drops());
            }
            chain.put(r.mode().key, m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "nfvnice");
        root.put("work_ns", s.workNanos());
        root.put("offered_pps", s.offeredPps());
        root.put("cpu", s.cpu());
        root.put("runs", Map.of("chain", chain));
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

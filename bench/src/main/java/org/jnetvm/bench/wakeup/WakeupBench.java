package org.jnetvm.bench.wakeup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;

/**
 * Does batched wake-up beat waking a hosted NF on every packet? One NF host runs {@code nfs} {@code basic_monitor}
 * NFs in small slots behind a generator that spreads its flows over all of them; a {@link LatencyProbe} in the
 * bench's JVM ends the chain and records each packet's time inside JNetVM. Each case runs twice, in the same way:
 * {@code per_packet} (wake threshold 1: the first packet wakes a sleeping NF, what the host did before) and
 * {@code batched} (threshold 32, window 1 ms: a sleeping NF is woken when 32 packets wait or the window ends).
 * Figures per run: the host process's CPU (share of one core), NF wake-ups per packet (the hosted NFs' sleeps,
 * each of which ends in a wake-up), packets per second through the probe, latency p50/p99, drops.
 */
public final class WakeupBench {
    static final int HOSTED = 1;
    static final int PROBE = 2;
    static final int BATCH_THRESHOLD = 32;
    static final int BATCH_WINDOW_US = 1000;

    /** One case: how many hosted NFs, and the generator's packets per second spread over them. */
    public record Case(int nfs, long rate) {
    }

    /** What to run: the cases, and how long each run warms up and measures. */
    public record Settings(List<Case> cases, long warmupMillis, long measureMillis) {
        public Settings {
            cases = List.copyOf(cases);
            if (cases.isEmpty() || warmupMillis < 0 || measureMillis < 200) {
                throw new IllegalArgumentException("wakeup settings: at least one case, warm-up >= 0, measuring >= 200 ms");
            }
        }

        public static Settings defaults() {
            return new Settings(List.of(new Case(10, 50_000), new Case(100, 50_000), new Case(1000, 50_000)), 2000, 5000);
        }
    }

    /** One run's figures. */
    public record Run(String mode, int nfs, long rate, double hostCpu, double wakeupsPerPacket, double pps,
                      double p50Us, double p99Us, long drops, long packets) {
    }

    private WakeupBench() {
    }

    static String config(String name, Case c, int threshold, int windowUs) {
        return """
                region: {name: %s, buffers: 16384, nfSlots: %d, smallSlots: %d, smallRingCapacity: 64, maxInstances: %d}
                heartbeatTimeoutMs: 5000
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: %d}
                services:
                  - {id: %d, name: hosted, smallSlots: true}
                  - {id: %d, name: probe}
                chains:
                  default: [hosted, probe]
                nfs:
                  - {nf: basic_monitor, service: hosted, host: true, instances: %d, wakeThreshold: %d, wakeWindowUs: %d,
                     args: ["--interval", "0", "--max-flows", "64"]}
                  - {nf: %s, service: probe, inProcess: true}
                """.formatted(name, c.nfs() + 8, c.nfs(), Math.max(1, c.nfs()), c.rate(), Math.max(64, c.nfs() * 4),
                HOSTED, PROBE, c.nfs(), threshold, windowUs, LatencyProbe.class.getName());
    }

    public static List<Run> run(Settings s, PrintStream progress) {
        List<Run> runs = new ArrayList<>();
        for (Case c : s.cases()) {
            runs.add(run(c, "per_packet", 1, BATCH_WINDOW_US, s, progress));
            runs.add(run(c, "batched", BATCH_THRESHOLD, BATCH_WINDOW_US, s, progress));
        }
        return runs;
    }

    static Run run(Case c, String mode, int threshold, int windowUs, Settings s, PrintStream progress) {
        String name = BenchManager.uniqueName("wakeup");
        try (BenchManager m = BenchManager.start(name, config(name, c, threshold, windowUs))) {
            Manager manager = m.manager();
            m.awaitRegistered(c.nfs() + 1, 120_000);
            long hostPid = manager.registry().nfs().stream().filter(nf -> nf.serviceId() == HOSTED).findFirst()
                    .orElseThrow().pid();
            ProcessHandle host = ProcessHandle.of(hostPid).orElseThrow(() -> new IllegalStateException("the NF host died"));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(s.warmupMillis()));
            LatencyProbe probe = LatencyProbe.LAST.get();
            probe.interval(); // start the measured interval
            StatsSnapshot before = manager.stats();
            Duration cpuBefore = host.info().totalCpuDuration().orElseThrow();
            long wallBefore = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(s.measureMillis()));
            Duration cpuAfter = host.info().totalCpuDuration().orElseThrow();
            long wallAfter = System.nanoTime();
            StatsSnapshot after = manager.stats();
            Histogram latency = probe.interval();
            if (!manager.healthy()) {
                throw new IllegalStateException("a manager data-plane thread failed");
            }
            double seconds = (wallAfter - wallBefore) / 1e9;
            long packets = rx(after, PROBE) - rx(before, PROBE);
            long sleeps = sleeps(after) - sleeps(before);
            Run r = new Run(mode, c.nfs(), c.rate(), cpuAfter.minus(cpuBefore).toNanos() / 1e9 / seconds,
                    packets == 0 ? 0 : (double) sleeps / packets, packets / seconds,
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                    after.totalDrops() - before.totalDrops(), packets);
            progress.printf(Locale.ROOT, "wakeup: %-10s %5d NFs %7d pps: host %.1f %% of a core, %.3f wake-ups/packet,"
                            + " p50 %.0f us p99 %.0f us, %d drops%n", mode, c.nfs(), c.rate(), r.hostCpu() * 100,
                    r.wakeupsPerPacket(), r.p50Us(), r.p99Us(), r.drops());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long rx(StatsSnapshot s, int service) {
        return s.nfs().stream().filter(nf -> nf.serviceId() == service).mapToLong(StatsSnapshot.Nf::rxPackets).sum();
    }

    private static long sleeps(StatsSnapshot s) {
        return s.nfs().stream().filter(nf -> nf.serviceId() == HOSTED).mapToLong(StatsSnapshot.Nf::sleeps).sum();
    }

    /** The runs as a table, with each case's batched figures against its per-packet ones. */
    public static String table(List<Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-10s %6s %8s %10s %14s %10s %9s %9s %8s%n", "mode", "NFs", "pps in",
                "host CPU", "wake-ups/pkt", "pps out", "p50 us", "p99 us", "drops"));
        for (Run r : runs) {
            b.append(String.format(Locale.ROOT, "%-10s %6d %8d %9.1f%% %14.3f %10.0f %9.0f %9.0f %8d%n", r.mode(), r.nfs(),
                    r.rate(), r.hostCpu() * 100, r.wakeupsPerPacket(), r.pps(), r.p50Us(), r.p99Us(), r.drops()));
        }
        b.append(String.format("%nbatched against per_packet, same case (threshold %d, window %d us):%n",
                BATCH_THRESHOLD, BATCH_WINDOW_US));
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            Run p = runs.get(i);
            Run q = runs.get(i + 1);
            b.append(String.format(Locale.ROOT, "  %5d NFs, %d pps: host CPU x%.2f, wake-ups per packet x%.2f,"
                            + " p99 %+.0f us%n", p.nfs(), p.rate(), ratio(q.hostCpu(), p.hostCpu()),
                    ratio(q.wakeupsPerPacket(), p.wakeupsPerPacket()), q.p99Us() - p.p99Us()));
        }
        return b.toString();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    /** One JSON object: every run, by mode and NF count. */
    public static String json(List<Run> runs) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Map<String, Object>> byMode = new LinkedHashMap<>();
        for (Run r : runs) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("rate_pps", r.rate());
            figures.put("host_cpu", round(r.hostCpu()));
            figures.put("wakeups_per_packet", round(r.wakeupsPerPacket()));
            figures.put("pps", Math.round(r.pps()));
            figures.put("p50_us", round(r.p50Us()));
            figures.put("p99_us", round(r.p99Us()));
            figures.put("drops", r.drops());
            byMode.computeIfAbsent(r.mode(), k -> new LinkedHashMap<>()).put(Integer.toString(r.nfs()), figures);
        }
        root.put("runs", byMode);
        root.put("batched", Map.of("threshold", BATCH_THRESHOLD, "window_us", BATCH_WINDOW_US));
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

package org.jnetvm.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.core.pool.PoolAudit;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;

/**
 * A long run at full rate with an NF killed (SIGKILL) every few seconds: does JNetVM hold? A generator at full rate
 * feeds the chain {@code victim -> keeper}; {@code victim} is a {@code simple_forward} process with
 * {@code restart: true}, killed {@code kills} times, spread evenly, and started again by the manager each time;
 * {@code keeper} (a {@code bridge} process) lives the whole run. Every sample period: the RSS of the manager's JVM
 * and of {@code keeper}, the manager's heap after its last GC, the pool and the drops. At the end, once the ports
 * stop and the pool drains: buffers leaked (in flight when nothing should be), packets and drops, the time from
 * each kill until packets flowed through the new victim again, and each process's RSS growth fitted (least
 * squares) over the samples after warm-up.
 */
public final class SoakBench {
    static final int VICTIM = 1;
    static final int KEEPER = 2;
    /** Longest a restart may take before the run counts it as failed and goes on. */
    static final long RESTART_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What to run: its length, how many kills, how often to sample, the generator's rate (0: as fast as it can). */
    public record Settings(long durationMillis, int kills, long sampleMillis, long rate) {
        public Settings {
            if (durationMillis < 10_000 || kills < 0 || sampleMillis < 500 || rate < 0) {
                throw new IllegalArgumentException("soak settings: duration >= 10 s, kills >= 0, samples >= 0.5 s apart,"
                        + " rate >= 0");
            }
        }
    }

    /** One sample. */
    public record Sample(long atMillis, long managerRssKib, long keeperRssKib, long managerHeapAfterGcKib,
                         long managerCodeCacheKib, int poolFree, int poolCached, int poolInFlight, long drops) {
    }

    /** The run's figures. */
    public record Result(long packets, long generated, Map<String, Long> drops, int leakedBuffers, int kills,
                         long[] restartNanos, int failedRestarts, List<Sample> samples,
                         Map<String, Double> rssGrowthMibPerHour, double codeCacheGrowthMibPerHour, String error) {
    }

    private SoakBench() {
    }

    static String config(String name, long rate) {
        return """
                region: {name: %s, buffers: 16384, ringCapacity: 1024}
                heartbeatTimeoutMs: 2000
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: 256}
                services:
                  - {id: %d, name: victim}
                  - {id: %d, name: keeper}
                chains:
                  default: [victim, keeper]
                nfs:
                  - {nf: simple_forward, service: victim, args: ["--dest", "keeper"], restart: true}
                  - {nf: bridge, service: keeper}
                """.formatted(name, rate, VICTIM, KEEPER);
    }

    public static Result run(Settings s, PrintStream progress) {
        String name = BenchManager.uniqueName("soak");
        try (BenchManager m = BenchManager.start(name, config(name, s.rate()))) {
            Manager manager = m.manager();
            NfRegistry registry = manager.registry();
            long keeperPid = nf(registry, KEEPER).pid();
            long start = System.nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(s.durationMillis());
            long killEvery = s.kills() == 0 ? Long.MAX_VALUE : (end - start) / (s.kills() + 1);
            long nextKill = start + killEvery;
            long nextSample = start;
            List<Sample> samples = new ArrayList<>();
            List<Long> restarts = new ArrayList<>();
            int kills = 0;
            int failed = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (!manager.healthy()) {
                    throw new IllegalStateException("a manager data-plane thread failed");
                }
                if (now >= nextSample) {
                    samples.add(sample(manager, keeperPid, (now - start) / 1_000_000));
                    nextSample += TimeUnit.MILLISECONDS.toNanos(s.sampleMillis());
                }
                if (kills < s.kills() && now >= nextKill) {
                    long took = killAndAwaitTraffic(manager, registry);
                    kills++;
                    if (took < 0) {
                        failed++;
                        progress.printf(Locale.ROOT, "soak: kill %d: no traffic through a new victim within %d s%n",
                                kills, RESTART_LIMIT_NANOS / 1_000_000_000L);
                    } else {
                        restarts.add(took);
                    }
                    nextKill += killEvery;
                    continue;
                }
                LockSupport.parkNanos(Math.max(1_000_000, Math.min(nextSample, nextKill) - System.nanoTime()));
            }
            samples.add(sample(manager, keeperPid, (System.nanoTime() - start) / 1_000_000));
            manager.stopReceiving();
            boolean drained = manager.awaitDrained();
            StatsSnapshot last = manager.stats();
            PoolAudit pool = last.pool();
            Map<String, Long> drops = new LinkedHashMap<>();
            last.drops().forEach((reason, n) -> {
                if (n > 0) {
                    drops.put(reason.label, n);
                }
            });
            StatsSnapshot.Port port = last.ports().getFirst();
            long[] restartNanos = restarts.stream().mapToLong(Long::longValue).toArray();
            Map<String, Double> growth = new LinkedHashMap<>();
            long warmup = Math.min(60_000, s.durationMillis() / 4);
            growth.put("manager", growthMibPerHour(samples, warmup, Sample::managerRssKib));
            growth.put("keeper", growthMibPerHour(samples, warmup, Sample::keeperRssKib));
            double codeCache = growthMibPerHour(samples, warmup, Sample::managerCodeCacheKib);
            progress.printf(Locale.ROOT, "soak: drained %s, pool %s%n", drained, pool);
            return new Result(port.txPackets(), port.rxPackets(), drops, drained ? pool.inFlight() : pool.inFlight(),
                    kills, restartNanos, failed, samples, growth, codeCache, null);
        } catch (Exception e) {
            return new Result(0, 0, Map.of(), -1, 0, new long[0], 0, List.of(), Map.of(), Double.NaN, e.toString());
        }
    }

    // Kills the victim and waits until a new one is registered and packets leave the port through it again;
    // returns how long that took, or -1 past the limit.
    private static long killAndAwaitTraffic(Manager manager, NfRegistry registry) {
        NfRegistry.Nf victim = nf(registry, VICTIM);
        long killedAt = System.nanoTime();
        ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = killedAt + RESTART_LIMIT_NANOS;
        long txAtRegistration = -1;
        int slot = -1;
        while (System.nanoTime() < deadline) {
            if (slot < 0) {
                NfRegistry.Nf again = registry.nfs().stream()
                        .filter(n -> n.serviceId() == VICTIM && n.pid() != victim.pid() && !n.dead())
                        .findFirst().orElse(null);
                if (again != null) {
                    slot = again.slot();
                    txAtRegistration = manager.stats().ports().getFirst().txPackets();
                }
            } else {
                StatsSnapshot s = manager.stats();
                int at = slot;
                long rx = s.nfs().stream().filter(n -> n.slot() == at).mapToLong(StatsSnapshot.Nf::rxPackets).sum();
                if (rx > 0 && s.ports().getFirst().txPackets() > txAtRegistration) {
                    return System.nanoTime() - killedAt;
                }
            }
            LockSupport.parkNanos(500_000);
        }
        return -1;
    }

    private static NfRegistry.Nf nf(NfRegistry registry, int service) {
        return registry.nfs().stream().filter(n -> n.serviceId() == service && !n.dead()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no live NF of service " + service));
    }

    private static Sample sample(Manager manager, long keeperPid, long atMillis) {
        StatsSnapshot s = manager.stats();
        PoolAudit pool = s.pool();
        return new Sample(atMillis, rssKib(ProcessHandle.current().pid()), rssKib(keeperPid), heapAfterGcKib(),
                codeCacheKib(), pool.free(), pool.cached(), pool.inFlight(), s.totalDrops());
    }

    /** VmRSS of a process in KiB, from /proc; 0 if it is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    // The heap after the last collection, without forcing one (a forced GC would pause the data plane).
    private static long heapAfterGcKib() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                bytes += after.getUsed();
            }
        }
        return bytes / 1024;
    }

    // The JIT's code heaps, committed: the part of the manager's RSS that grows while rarely run paths (an NF's
    // restart, every few seconds here) reach their compile thresholds one after another.
    private static long codeCacheKib() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.NON_HEAP && pool.getName().startsWith("CodeHeap")) {
                bytes += pool.getUsage().getCommitted();
            }
        }
        return bytes / 1024;
    }

    /** Least-squares slope of RSS over time for the samples after {@code warmupMillis}, in MiB per hour. */
    static double growthMibPerHour(List<Sample> samples, long warmupMillis,
                                   java.util.function.ToLongFunction<Sample> rssKib) {
        List<Sample> used = samples.stream().filter(x -> x.atMillis() >= warmupMillis && rssKib.applyAsLong(x) > 0).toList();
        int n = used.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mt = used.stream().mapToDouble(Sample::atMillis).average().orElse(0);
        double mr = used.stream().mapToDouble(rssKib::applyAsLong).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample x : used) {
            num += (x.atMillis() - mt) * (rssKib.applyAsLong(x) - mr);
            den += (x.atMillis() - mt) * (x.atMillis() - mt);
        }
        return den == 0 ? Double.NaN : num / den * 3_600_000 / 1024; // KiB/ms -> MiB/h
    }

    /**
     * Each process's RSS growth fitted over the second half of the run only: JIT warm-up of the once-a-kill restart
     * path takes the manager most of an hour, so on a long run this is the figure after warm-up.
     */
    static Map<String, Double> secondHalfGrowthMibPerHour(List<Sample> samples) {
        long half = samples.isEmpty() ? 0 : samples.getLast().atMillis() / 2;
        Map<String, Double> growth = new LinkedHashMap<>();
        growth.put("manager", growthMibPerHour(samples, half, Sample::managerRssKib));
        growth.put("keeper", growthMibPerHour(samples, half, Sample::keeperRssKib));
        return growth;
    }

    private static Map<String, Object> rounded(Map<String, Double> growth) {
        Map<String, Object> out = new LinkedHashMap<>();
        growth.forEach((k, v) -> out.put(k, Double.isNaN(v) ? null : Math.round(v * 100) / 100.0));
        return out;
    }

    static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** The table printed after the run. */
    public static String table(Result r, Settings s) {
        if (r.error() != null) {
            return "bench soak: failed: " + r.error() + System.lineSeparator();
        }
        long[] sorted = r.restartNanos().clone();
        Arrays.sort(sorted);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "bench soak: %.1f min, generator rate %s, %d kills of the victim NF%n",
                s.durationMillis() / 60_000.0, s.rate() == 0 ? "full" : s.rate() + " pps", r.kills()));
        b.append(String.format(Locale.ROOT, "  packets out %,d of %,d generated; drops %s%n", r.packets(), r.generated(),
                r.drops()));
        b.append(String.format(Locale.ROOT, "  leaked buffers %d (in flight once drained)%n", r.leakedBuffers()));
        b.append(String.format(Locale.ROOT, "  restart, kill to traffic through the new NF: p50 %d ms, p99 %d ms, max %d ms,"
                        + " %d failed%n", percentile(sorted, 50) / 1_000_000, percentile(sorted, 99) / 1_000_000,
                sorted.length == 0 ? -1 : sorted[sorted.length - 1] / 1_000_000, r.failedRestarts()));
        Sample first = r.samples().getFirst();
        Sample last = r.samples().getLast();
        b.append(String.format(Locale.ROOT, "  RSS manager %d -> %d MiB (%.2f MiB/h after warm-up, of which the JIT's code"
                        + " cache %.2f), keeper %d -> %d MiB (%.2f MiB/h); manager heap after GC %d -> %d MiB%n",
                first.managerRssKib() / 1024, last.managerRssKib() / 1024, r.rssGrowthMibPerHour().get("manager"),
                r.codeCacheGrowthMibPerHour(),
                first.keeperRssKib() / 1024, last.keeperRssKib() / 1024, r.rssGrowthMibPerHour().get("keeper"),
                first.managerHeapAfterGcKib() / 1024, last.managerHeapAfterGcKib() / 1024));
        Map<String, Double> late = secondHalfGrowthMibPerHour(r.samples());
        b.append(String.format(Locale.ROOT, "  RSS growth over the second half: manager %.2f MiB/h, keeper %.2f MiB/h%n",
                late.get("manager"), late.get("keeper")));
        return b.toString();
    }

    /**
     * {@code {"bench":"soak", leaked_buffers, kills, restart_p50_ms, restart_p99_ms, rss_growth_mib_per_h,
     * rss_growth_second_half_mib_per_h, drops, ...}}.
     */
    public static String json(Result r, Settings s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "soak");
        root.put("minutes", s.durationMillis() / 60_000.0);
        root.put("rate", s.rate());
        if (r.error() != null) {
            root.put("error", r.error());
        } else {
            long[] sorted = r.restartNanos().clone();
            Arrays.sort(sorted);
            root.put("packets", r.packets());
            root.put("generated", r.generated());
            root.put("leaked_buffers", r.leakedBuffers());
            root.put("kills", r.kills());
            root.put("failed_restarts", r.failedRestarts());
            root.put("restart_p50_ms", percentile(sorted, 50) / 1e6);
            root.put("restart_p99_ms", percentile(sorted, 99) / 1e6);
            root.put("rss_growth_mib_per_h", rounded(r.rssGrowthMibPerHour()));
            root.put("rss_growth_second_half_mib_per_h", rounded(secondHalfGrowthMibPerHour(r.samples())));
            double codeCache = r.codeCacheGrowthMibPerHour();
            root.put("code_cache_growth_mib_per_h", Double.isNaN(codeCache) ? null : Math.round(codeCache * 100) / 100.0);
            root.put("drops", r.drops());
            root.put("samples", r.samples());
        }
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

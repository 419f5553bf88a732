package org.jnetvm.bench.flurries;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.bench.wakeup.LatencyProbe;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;

/**
 * Flurries' first figure: activations per second, end to end. A generator sends each packet on a flow it has not used
 * for seconds (it cycles through a million UDP flows), so every packet is a new flow of the per-flow service
 * {@code flow}: the RX thread binds it to an idle instance from the pool, the instance (a virtual thread of one NF
 * host, in a small slot) starts the flow, handles the packet and passes it to a {@link LatencyProbe}, which records
 * how long the packet was inside JNetVM (its port's RX to the probe: the activation latency) and sends it out; the
 * flow ends after 1 ms without a packet and its instance goes back to the pool. Figures: flows activated per second
 * (each had its own instance and its first packet delivered), the activation latency p50/p99, and the new flows the
 * pool had no idle instance for (pool_full).
 */
public final class FlurriesBench {
    static final int PER_FLOW = 1;
    static final int PROBE = 2;
    static final int BATCH_THRESHOLD = 32;

    /**
     * What to run: instances in the pool, the generator's rate (0: as fast as it goes), the hosted NFs' wake-up
     * window (0: each is woken by its packet; else woken in its host's batches, at most this late, or at once when
     * {@link #BATCH_THRESHOLD} packets wait), warm-up and measuring.
     */
    public record Settings(int instances, long rate, int wakeWindowUs, long warmupMillis, long measureMillis) {
        public Settings {
            if (instances < 1 || rate < 0 || wakeWindowUs < 0 || warmupMillis < 0 || measureMillis < 200) {
                throw new IllegalArgumentException("flurries settings: instances >= 1, rate >= 0, warm-up >= 0,"
                        + " measuring >= 200 ms");
            }
        }

        public static Settings defaults() {
            return new Settings(500, 150_000, 200, 2000, 5000);
        }
    }

    /** One run's figures. */
    public record Result(int instances, long rate, int wakeWindowUs, double activationsPerS, double p50Us, double p99Us,
                         double poolFullPerS, long activations, long otherDrops) {
    }

    private FlurriesBench() {
    }

    static String config(String name, Settings s) {
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 4096, nfSlots: %d, smallSlots: %d, smallRingCapacity: 64,
                         maxInstances: %d}
                heartbeatTimeoutMs: 5000
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: 1000000}
                services:
                  - {id: %d, name: flow, smallSlots: true, perFlow: {idleMs: 1, lingerMs: 1}}
                  - {id: %d, name: probe}
                chains:
                  default: [flow, probe]
                nfs:
                  - {nf: basic_monitor, service: flow, host: true, instances: %d, wakeThreshold: %d, wakeWindowUs: %d,
                     args: ["--interval", "0", "--max-flows", "4"]}
                  - {nf: %s, service: probe, inProcess: true}
                """.formatted(name, s.instances() + 8, s.instances(), s.instances(), s.rate(), PER_FLOW, PROBE,
                s.instances(), s.wakeWindowUs() > 0 ? BATCH_THRESHOLD : 1, s.wakeWindowUs(), LatencyProbe.class.getName());
    }

    public static Result run(Settings s, PrintStream progress) {
        String name = BenchManager.uniqueName("flurries");
        try (BenchManager m = BenchManager.start(name, config(name, s))) {
            Manager manager = m.manager();
            m.awaitRegistered(s.instances() + 1, 180_000);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(s.warmupMillis()));
            LatencyProbe probe = LatencyProbe.LAST.get();
            probe.interval();
            StatsSnapshot before = manager.stats();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(s.measureMillis()));
            StatsSnapshot after = manager.stats();
            Histogram latency = probe.interval();
            if (!manager.healthy()) {
                throw new IllegalStateException("a manager data-plane thread failed");
            }
            double seconds = (after.nanos() - before.nanos()) / 1e9;
            long activations = pool(after).activations() - pool(before).activations();
            long full = after.drops().get(DropReason.POOL_FULL) - before.drops().get(DropReason.POOL_FULL);
            long other = after.totalDrops() - before.totalDrops() - full;
            Result r = new Result(s.instances(), s.rate(), s.wakeWindowUs(), activations / seconds, latency.getValueAtPercentile(50) / 1e3,
                    latency.getValueAtPercentile(99) / 1e3, full / seconds, activations, other);
            StringBuilder others = new StringBuilder();
            for (DropReason reason : DropReason.values()) {
                long n = after.drops().get(reason) - before.drops().get(reason);
                if (n > 0 && reason != DropReason.POOL_FULL) {
                    others.append(' ').append(reason.label).append('=').append(n);
                }
            }
            progress.printf(Locale.ROOT, "flurries: %d instances, window %d us: %.0f activations/s, activation p50 %.0f us"
                    + " p99 %.0f us, %.0f pool_full/s, %d other drops%s%n", s.instances(), s.wakeWindowUs(),
                    r.activationsPerS(), r.p50Us(), r.p99Us(), r.poolFullPerS(), r.otherDrops(), others);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StatsSnapshot.FlowPool pool(StatsSnapshot s) {
        return s.flowPools().stream().filter(p -> p.serviceId() == PER_FLOW).findFirst()
                .orElseThrow(() -> new IllegalStateException("no per-flow pool in the stats"));
    }

    public static String table(Result r) {
        return String.format(Locale.ROOT, "%-10s %10s %16s %12s %12s %14s%n%-10d %10s %16.0f %12.0f %12.0f %14.0f%n",
                "instances", "pps in", "activations/s", "p50 us", "p99 us", "pool_full/s", r.instances(),
                r.rate() == 0 ? "max" : Long.toString(r.rate()), r.activationsPerS(), r.p50Us(), r.p99Us(),
                r.poolFullPerS());
    }

    /** One JSON object: {@code activations_per_s}, {@code activation_p50_us}, {@code activation_p99_us} and the rest. */
    public static String json(Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("activations_per_s", Math.round(r.activationsPerS()));
        root.put("activation_p50_us", Math.round(r.p50Us()));
        root.put("activation_p99_us", Math.round(r.p99Us()));
        root.put("pool_full_per_s", Math.round(r.poolFullPerS()));
        root.put("instances", r.instances());
        root.put("rate_pps", r.rate());
        root.put("wake_window_us", r.wakeWindowUs());
        root.put("other_drops", r.otherDrops());
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

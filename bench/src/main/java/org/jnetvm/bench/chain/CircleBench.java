package org.jnetvm.bench.chain;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;

/**
 * One circle of NF processes (OpenNetVM's speed_tester chain test): services s1..sL,
 * speed_tester serving s1 and sending to s2 (to itself when L = 1), simple_forward i serving
 * s_i and sending to s_i+1, the last one back to s1. The speed_tester fills the circle with
 * N packets and sends round every packet that comes back, so its rx counter counts packets
 * completing the circle: Mpps through it, and L hops per packet.
 *
 * <p>One manager and one set of forwarders serve every N asked for: for each N a new
 * speed_tester is launched, measured, and stopped (the packets left in the circle are then
 * dropped as no_instance, and the pool drains) before the next one.
 */
public final class CircleBench {
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long STOP_TIMEOUT_MS = 15_000;

    /** How long to warm up and measure. */
    public record Timing(long warmupMillis, int windows, long windowMillis) {
        public Timing {
            if (warmupMillis < 0 || windows < 1 || windowMillis < 1) {
                throw new IllegalArgumentException("bad timing: warmup " + warmupMillis + " ms, " + windows
                        + " windows of " + windowMillis + " ms");
            }
        }
    }

    /**
     * One measured circle.
     *
     * @param windowsMpps  packets per second through the speed_tester in each window, millions
     * @param drops        packets dropped from the speed_tester's launch to the end of the last window
     * @param dropReasons  those drops by reason (non-zero ones)
     * @param poolInFlight buffers in flight at the end (should be {@code inFlight})
     * @param error        why the run failed, or null
     */
    public record Result(String hop, int length, int inFlight, List<Double> windowsMpps, long drops,
                         Map<String, Long> dropReasons, int poolInFlight, String error) {
        public Double medianMpps() {
            return Stats.median(windowsMpps);
        }

        /** Millions of hops per second (Mpps x L). */
        public Double mhopsPerSecond() {
            Double m = medianMpps();
            return m == null ? null : m * length;
        }

        /** 1e9 / hops per second. */
        public Double nsPerHop() {
            Double h = mhopsPerSecond();
            return h == null || h <= 0 ? null : 1e3 / h;
        }

        /** A run to read with care: it failed or dropped packets. */
        public boolean flagged() {
            return error != null || drops > 0;
        }

        static Result failed(String hop, int length, int inFlight, String error) {
            return new Result(hop, length, inFlight, List.of(), 0, Map.of(), -1, error);
        }
    }

    /** The results of one circle length, one per number in flight, and what closing its manager left. */
    public record Run(List<Result> results, BenchManager.Cleanup cleanup) {
    }

    private CircleBench() {
    }

    /** The manager's config for a circle of {@code length} services. */
    public static String config(String name, String hop, int length) {
        StringBuilder services = new StringBuilder();
        for (int i = 1; i <= length; i++) {
            services.append("  - id: ").append(i).append("\n    name: s").append(i).append('\n');
        }
        return """
                region:
                  name: %s
                  buffers: 32768
                  ringCapacity: 16384
                  nfSlots: 16
                  maxServices: 16
                  maxChains: 2
                threads:
                  rx: 1
                  tx: 1
                hop: %s
                heartbeatTimeoutMs: 10000
                ports: []
                services:
                %s""".formatted(name, hop, services);
    }

    /** Measures the circle of {@code length} NFs with each number of packets in flight; never throws for a failed run. */
    public static Run run(String hop, int length, List<Integer> inFlights, Timing timing, PrintStream progress) {
        List<Result> results = new ArrayList<>();
        String name = BenchManager.uniqueName("chain-" + hop.charAt(0) + length);
        BenchManager bm;
        try {
            bm = BenchManager.start(name, config(name, hop, length));
        } catch (Exception e) {
            for (int n : inFlights) {
                results.add(Result.failed(hop, length, n, "manager did not start: " + e));
            }
            return new Run(results, null);
        }
        try (bm) {
            for (int i = 2; i <= length; i++) {
                bm.launch("simple_forward", "s" + i, List.of("--dest", "s" + (i == length ? 1 : i + 1)));
            }
            bm.awaitRegistered(length - 1, START_TIMEOUT_MS);
            for (int n : inFlights) {
                if (!results.isEmpty() && results.getLast().error() != null) {
                    results.add(Result.failed(hop, length, n, "skipped after the failure above"));
                    continue;
                }
                Result r;
                try {
                    r = measure(bm, hop, length, n, timing);
                } catch (Exception e) {
                    bm.keepLogs();
                    r = Result.failed(hop, length, n, e.getMessage());
                }
                results.add(r);
                progress.println(line(r));
            }
        } catch (Exception e) {
            bm.keepLogs();
            if (results.size() == inFlights.size()) { // measured, then closing failed
                results.replaceAll(r -> r.error() != null ? r : new Result(r.hop(), r.length(), r.inFlight(),
                        r.windowsMpps(), r.drops(), r.dropReasons(), r.poolInFlight(), "closing failed: " + e));
            }
            for (int k = results.size(); k < inFlights.size(); k++) {
                Result r = Result.failed(hop, length, inFlights.get(k), String.valueOf(e.getMessage()));
                results.add(r);
                progress.println(line(r));
            }
        }
        BenchManager.Cleanup c = bm.cleanup();
        if (c != null && !c.clean()) {
            String note = "not cleaned up: " + c;
            progress.println("bench chain: " + note);
            results.replaceAll(r -> r.error() != null ? r : new Result(r.hop(), r.length(), r.inFlight(),
                    r.windowsMpps(), r.drops(), r.dropReasons(), r.poolInFlight(), note));
        }
        return new Run(results, c);
    }

    private static Result measure(BenchManager bm, String hop, int length, int inFlight, Timing timing)
            throws Exception {
        StatsSnapshot before = bm.manager().stats();
        List<String> args = new ArrayList<>(List.of("--packets", Integer.toString(inFlight), "--interval", "0"));
        if (length > 1) {
            args.addAll(List.of("--dest", "s2"));
        }
        Process tester = bm.launch("speed_tester", "s1", args);
        int slot = bm.slotOf(tester, START_TIMEOUT_MS);
        bm.awaitRx(slot, bm.rxPackets(slot), START_TIMEOUT_MS);
        Thread.sleep(timing.warmupMillis());
        List<Double> windows = new ArrayList<>();
        long rx = bm.rxPackets(slot);
        long t = System.nanoTime();
        for (int w = 0; w < timing.windows(); w++) {
            Thread.sleep(timing.windowMillis());
            long rx2 = bm.rxPackets(slot);
            long t2 = System.nanoTime();
            windows.add((rx2 - rx) * 1e3 / (t2 - t));
            rx = rx2;
            t = t2;
        }
        bm.checkAlive();
        StatsSnapshot after = bm.manager().stats();
        Map<String, Long> reasons = dropDelta(before, after);
        long drops = reasons.values().stream().mapToLong(Long::longValue).sum();
        bm.stop(tester, true, STOP_TIMEOUT_MS);
        return new Result(hop, length, inFlight, windows, drops, reasons, after.pool().inFlight(), null);
    }

    /** Non-zero drop counts by reason label between two snapshots. */
    public static Map<String, Long> dropDelta(StatsSnapshot before, StatsSnapshot after) {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<DropReason, Long> b = new EnumMap<>(before.drops());
        after.drops().forEach((reason, n) -> {
            long d = n - b.getOrDefault(reason, 0L);
            if (d != 0) {
                out.put(reason.label, d);
            }
        });
        return out;
    }

    /** One progress line. */
    public static String line(Result r) {
        if (r.error() != null && r.windowsMpps().isEmpty()) {
            return String.format(Locale.ROOT, "  hop %-7s L=%d in flight %5d: FAILED: %s", r.hop(), r.length(),
                    r.inFlight(), r.error());
        }
        return String.format(Locale.ROOT, "  hop %-7s L=%d in flight %5d: %7.2f Mpps, %7.2f M hops/s, %6.1f ns/hop"
                        + "  windows %s  drops %d%s", r.hop(), r.length(), r.inFlight(), r.medianMpps(),
                r.mhopsPerSecond(), r.nsPerHop(), Stats.list(r.windowsMpps()), r.drops(),
                r.dropReasons().isEmpty() ? "" : " " + r.dropReasons());
    }
}

package org.jnetvm.bench.flurries;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.bench.wakeup.LatencyProbe;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.nf.runtime.NfMain;

/**
 * Flurries' second figure: throughput and latency as the NFs sharing the cores grow from 10 to 50,000, for the same
 * NFs three ways. A generator at full speed spreads its packets over {@code 4 x N} UDP flows; the flow hash spreads
 * the flows over the N instances of one service ({@code basic_monitor}, in small slots, all in one NF host); each
 * instance hands its packets to a {@link LatencyProbe} in the manager's JVM, which records how long each was inside
 * JNetVM and sends it out. Backpressure is off: with hundreds of instances one of them always has a full ring, and
 * NFVnice's chain-wide throttle would measure that instead. The three ways:
 * <ul>
 *   <li>{@link Mode#HYBRID}: virtual threads that park when idle and are woken in their host's batches (threshold
 *       32, window 200 µs): JNetVM's way, Flurries' hybrid polling;</li>
 *   <li>{@link Mode#POLLING}: the same NFs busy-polling, as NFs of OpenNetVM or a netmap-style platform do: each on a
 *       platform thread of its own that never sleeps, each empty poll a {@code sched_yield} (virtual threads that
 *       never sleep would starve their host's control connections, whose readers are virtual threads too);</li>
 *   <li>{@link Mode#PLATFORM_THREADS}: the same NFs as hybrid, each on a platform thread of its own (every park and
 *       unpark a system call and a context switch).</li>
 * </ul>
 * Figures per run: packets out of the probe per second (Mpps), the probe's p50/p99 (under a full-speed generator the
 * rings fill, so it is mostly queueing: compare it across modes, not with an idle system), drops by reason, and how
 * long the N instances took to register. A run that cannot be made on this machine (more platform threads than
 * {@code kernel.pid_max} leaves room for) is reported as skipped, with the reason.
 */
public final class FlurriesScale {
    static final int NF = 1;
    static final int PROBE = 2;
    /** The counts the issue asks for. */
    public static final List<Integer> COUNTS = List.of(10, 100, 1_000, 10_000, 50_000);
    /** Threads this JVM and the others on the machine may use beside a run's platform threads. */
    static final int PID_HEADROOM = 4_000;

    /** The same NFs three ways; {@link #key} names each in the JSON. */
    public enum Mode {
        HYBRID("hybrid", List.of()),
        POLLING("polling", List.of(NfMain.HOST_THREADS_OPTION, "platform", NfMain.HOST_IDLE_OPTION, "poll")),
        PLATFORM_THREADS("platform_threads", List.of(NfMain.HOST_THREADS_OPTION, "platform"));

        public final String key;
        final List<String> hostArgs;

        Mode(String key, List<String> hostArgs) {
            this.key = key;
            this.hostArgs = hostArgs;
        }

        /** The mode whose JSON key (or command-line name) is {@code name}. */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.key.equals(name) || m.key.replace('_', '-').equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("'" + name + "': hybrid, polling or platform-threads");
        }
    }

    /** One run's outcome; {@code skipped} non-null (and the figures 0) when it was not run or failed. */
    public record Run(Mode mode, int nfs, double mpps, double p50Us, double p99Us, double registerSeconds,
                      String drops, String skipped) {
        public boolean measured() {
            return skipped == null;
        }
    }

    private FlurriesScale() {
    }

    static String config(String name, Mode mode, int n) {
        StringBuilder args = new StringBuilder("\"--interval\", \"0\", \"--max-flows\", \"8\"");
        for (String a : mode.hostArgs) {
            args.append(", \"").append(a).append('"');
        }
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 4096, nfSlots: %d, smallSlots: %d, smallRingCapacity: 64,
                         maxInstances: %d}
                heartbeatTimeoutMs: 20000
                scheduler: {backpressure: false}
                ports:
                  - {name: gen0, kind: generator, rate: 0, size: 64, flows: %d}
                services:
                  - {id: %d, name: nf, smallSlots: true}
                  - {id: %d, name: probe}
                chains:
                  default: [nf, probe]
                nfs:
                  - {nf: basic_monitor, service: nf, host: true, instances: %d, wakeThreshold: %d, wakeWindowUs: 200,
                     args: [%s]}
                  - {nf: %s, service: probe, inProcess: true}
                """.formatted(name, n + 8, n, n, Math.max(1024, 4 * n), NF, PROBE, n,
                FlurriesBench.BATCH_THRESHOLD, args, LatencyProbe.class.getName());
    }

    /** Why {@code mode} cannot run {@code n} NFs here, or null if it can. */
    static String cannotRun(Mode mode, int n) {
        long openFiles = Manager.openFilesLimit();
        if (n + Manager.FILES_BESIDE_NFS > openFiles) {
            return String.format(Locale.ROOT, "%,d NFs need %,d control connections, and this process may open %,d"
                    + " files (ulimit -n; raising it needs CAP_SYS_RESOURCE)", n, n, openFiles);
        }
        if (mode == Mode.HYBRID) {
            return null;
        }
        long pidMax = readLong(Path.of("/proc/sys/kernel/pid_max"), Long.MAX_VALUE);
        long tasks = tasksRunning();
        if (n + tasks + PID_HEADROOM > pidMax) {
            return String.format(Locale.ROOT, "%,d platform threads do not fit in kernel.pid_max %,d (%,d tasks running,"
                    + " %,d kept free for the rest of the machine)", n, pidMax, tasks, PID_HEADROOM);
        }
        return null;
    }

    private static long readLong(Path file, long otherwise) {
        try {
            return Long.parseLong(Files.readAllLines(file).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }

    // Threads of every process on the machine: each holds a pid.
    private static long tasksRunning() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .mapToLong(p -> readTaskCount(p.resolve("status"))).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long readTaskCount(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return 0;
    }

    /**
     * Runs {@code n} NFs as {@code mode} says: warm-up, then measuring. A run whose NFs do not all register within
     * {@code registerTimeoutMillis} ends there and is reported as skipped, with how many did.
     */
    public static Run run(Mode mode, int n, long warmupMillis, long measureMillis, long registerTimeoutMillis,
                          PrintStream progress) {
        String why = cannotRun(mode, n);
        if (why != null) {
            progress.printf(Locale.ROOT, "flurries scale: %s %d NFs skipped: %s%n", mode.key, n, why);
            return new Run(mode, n, 0, 0, 0, 0, "", why);
        }
        String name = BenchManager.uniqueName("flurries-scale");
        long start = System.nanoTime();
        try (BenchManager m = BenchManager.start(name, config(name, mode, n))) {
            Manager manager = m.manager();
            try {
                m.awaitRegistered(n + 1, registerTimeoutMillis);
            } catch (IllegalStateException e) {
                String failed = "not all " + n + " NFs registered in " + registerTimeoutMillis / 1000 + " s: "
                        + e.getMessage();
                progress.printf(Locale.ROOT, "flurries scale: %s %d NFs: %s%n", mode.key, n, failed);
                return new Run(mode, n, 0, 0, 0, (System.nanoTime() - start) / 1e9, "", failed);
            }
            double registered = (System.nanoTime() - start) / 1e9;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(warmupMillis));
            LatencyProbe probe = LatencyProbe.LAST.get();
            probe.interval();
            StatsSnapshot before = manager.stats();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(measureMillis));
            StatsSnapshot after = manager.stats();
            Histogram latency = probe.interval();
            if (!manager.healthy()) {
                throw new IllegalStateException("a manager data-plane thread failed");
            }
            double seconds = (after.nanos() - before.nanos()) / 1e9;
            long out = latency.getTotalCount();
            List<String> drops = new ArrayList<>();
            for (DropReason reason : DropReason.values()) {
                long d = after.drops().get(reason) - before.drops().get(reason);
                if (d > 0) {
                    drops.add(reason.label + "=" + d);
                }
            }
            Run r = new Run(mode, n, out / seconds / 1e6, latency.getValueAtPercentile(50) / 1e3,
                    latency.getValueAtPercentile(99) / 1e3, registered, String.join(" ", drops), null);
            progress.printf(Locale.ROOT, "flurries scale: %s %d NFs: %.3f Mpps, p50 %.0f us p99 %.0f us (registered"
                    + " in %.1f s) %s%n", mode.key, n, r.mpps(), r.p50Us(), r.p99Us(), registered, r.drops());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every mode at every count, the counts in the outer loop (so that a long run shows each count's three ways). */
    public static List<Run> runAll(List<Mode> modes, List<Integer> counts, long warmupMillis, long measureMillis,
                                   PrintStream progress) {
        List<Run> runs = new ArrayList<>();
        for (int n : counts) {
            for (Mode mode : modes) {
                // ~1.5 ms a registration here, with generous room for a loaded machine
                long registerTimeout = Math.max(60_000, n * 10L);
                runs.add(run(mode, n, warmupMillis, measureMillis, registerTimeout, progress));
            }
        }
        return runs;
    }

    /** The table: a row per count, a column of Mpps (p99 µs) per mode. */
    public static String table(List<Run> runs) {
        List<Mode> modes = runs.stream().map(Run::mode).distinct().toList();
        List<Integer> counts = runs.stream().map(Run::nfs).distinct().toList();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-8s", "NFs"));
        for (Mode m : modes) {
            t.append(String.format(Locale.ROOT, " %26s", m.key + " Mpps (p99 us)"));
        }
        t.append('\n');
        for (int n : counts) {
            t.append(String.format(Locale.ROOT, "%-8d", n));
            for (Mode m : modes) {
                Run r = runs.stream().filter(x -> x.mode() == m && x.nfs() == n).findFirst().orElseThrow();
                t.append(r.measured() ? String.format(Locale.ROOT, " %17.3f (%6.0f)", r.mpps(), r.p99Us())
                        : String.format(Locale.ROOT, " %26s", "skipped"));
            }
            t.append('\n');
        }
        return t.toString();
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.junit.jupiter.api.Test;

/**
 * Idle NFs in one host cost little CPU: they park, the host's one waker beats their heartbeats (the manager's
 * watchdog, at 500 ms, finds none hung), and a stop reaches each parked NF at once. The manager does not look at their
 * rings either: its TX thread drains only the tx rings whose bits NFs set in its tx pending bitmap.
 */
class IdleNfHostTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void fiveHundredIdleHostedNfsCostUnderFivePercentOfACoreAndNoneIsTakenForHung() throws Exception {
        int nfs = 500;
        Idle idle = measure("idlehost", nfs, """
                region: {name: ${name}, directory: /dev/shm, buffers: 4096, ringCapacity: 64, nfSlots: 512, maxInstances: 512}
                control: {socket: /tmp/${name}.sock}
                heartbeatTimeoutMs: 500
                ports:
                  - {name: gen0, kind: generator, rate: 1000, size: 64, flows: 16, count: 1}
                chains:
                  default: [idle]
                nfs:
                  - {nf: bridge, service: idle, instances: %d, host: true}
                """.formatted(nfs));
        assertThat(idle.host()).as("CPU share of 500 idle hosted NFs").isLessThan(0.05);
        // Scanning the 500 tx rings on each of its wake-ups (at least every 10 ms) cost it 6.8 %.
        assertThat(idle.txThread()).as("CPU share of the manager's TX thread beside 500 idle NFs").isLessThan(0.025);
    }

    /**
     * Flurries' claim at its scale: 10,000 per-flow NFs (small slots, one NF host) waiting for flows cost less than 5 %
     * of one core in total: what the host and the manager spend beyond what the same manager spends once they are
     * gone (its RX thread, its scheduler's and its messages' rounds cost the same with no NF at all). The JIT's
     * compiler threads are left out of both: still compiling what registering 10,000 NFs ran, they are start-up.
     */
    @Test
    void tenThousandIdlePerFlowNfsCostUnderFivePercentOfACoreInTotal() throws Exception {
        int nfs = 10_000;
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 4096, ringCapacity: 64, nfSlots: %d,
                         smallSlots: %d, smallRingCapacity: 64, maxInstances: %d}
                control: {socket: /tmp/${name}.sock}
                heartbeatTimeoutMs: 2000
                ports: []
                services:
                  - {name: flows, smallSlots: true, perFlow: {idleMs: 1000}}
                chains:
                  default: [flows]
                """.formatted(nfs + 16, nfs, nfs);
        Idle idle = measure("idleflows", nfs, config + """
                nfs:
                  - {nf: flow_counter, service: flows, instances: %d, host: true}
                """.formatted(nfs));
        double total = idle.hostWithoutJit() + idle.managerWithoutJit() - idle.managerAloneWithoutJit();
        System.out.printf("10,000 idle per-flow NFs: %.2f %% of a core, JIT compiler threads left out (host %.2f %%, "
                + "manager %.2f %% against %.2f %% once they are gone)%n", total * 100, idle.hostWithoutJit() * 100,
                idle.managerWithoutJit() * 100, idle.managerAloneWithoutJit() * 100);
        assertThat(total).as("CPU share of 10,000 idle per-flow NFs, host and manager").isLessThan(0.05);
    }

    /**
     * CPU shares (of one core) measured over 3 s once every NF sleeps; the manager's again over 3 s once they have
     * all stopped.
     */
    record Idle(double host, double manager, double txThread, double hostWithoutJit, double managerWithoutJit,
                double managerAloneWithoutJit) {
    }

    private static Idle measure(String name, int nfs, String config) throws Exception {
        Manager started = TestManagers.start(name, config);
        try (Manager manager = started) {
            NfRegistry registry = manager.registry();
            // The manager receives after 15 s whatever has registered; 10,000 hosted NFs take longer.
            TestManagers.await(nfs + " NFs registered", Duration.ofSeconds(120), () -> registry.nfs().size() == nfs);
            long pid = registry.nfs().getFirst().pid();
            ProcessHandle host = ProcessHandle.of(pid).orElseThrow();
            ProcessHandle self = ProcessHandle.current();
            NfTable table = new NfTable(manager.region());
            TestManagers.await("every NF asleep", Duration.ofSeconds(60),
                    () -> registry.nfs().stream().allMatch(nf -> table.sleeping(nf.slot())));
            // Let the start-up settle (JIT, the first sleeps: registering 10,000 takes ~25 s), then measure.
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(nfs > 1000 ? 5 : 1));
            Duration hostBefore = host.info().totalCpuDuration().orElseThrow();
            Duration selfBefore = self.info().totalCpuDuration().orElseThrow();
            long txThread = managerThread("jnetvm-tx0");
            long txBefore = THREADS.getThreadCpuTime(txThread);
            Map<String, Long> hostThreadsBefore = processThreadTicks(pid);
            Map<String, Long> selfTicksBefore = processThreadTicks(self.pid());
            long loopsBefore = registry.nfs().stream().mapToLong(nf -> table.loopCount(nf.slot())).sum();
            long wallBefore = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3)); // six heartbeat timeouts
            long wall = System.nanoTime() - wallBefore;
            double hostShare = (double) host.info().totalCpuDuration().orElseThrow().minus(hostBefore).toNanos() / wall;
            double managerShare = (double) self.info().totalCpuDuration().orElseThrow().minus(selfBefore).toNanos() / wall;
            double txShare = (double) (THREADS.getThreadCpuTime(txThread) - txBefore) / wall;
            long deaths = registry.deaths();
            Map<String, Long> hostThreadsAfter = processThreadTicks(pid);
            Map<String, Long> selfTicksAfter = processThreadTicks(self.pid());
            long loops = registry.nfs().stream().mapToLong(nf -> table.loopCount(nf.slot())).sum() - loopsBefore;
            Map<String, Double> hostThreads = shares(hostThreadsBefore, hostThreadsAfter, wall);
            Map<String, Double> managerThreads = shares(selfTicksBefore, selfTicksAfter, wall);
            System.out.printf("idle NF host: %d NFs, host %.2f %% of a core (busiest: %s), manager %.2f %% (its TX thread "
                    + "%.3f %%; busiest: %s), deaths %d; the NFs' loops went round %.0f times a second%n", nfs, hostShare * 100,
                    busiest(hostThreads, 5), managerShare * 100, txShare * 100, busiest(managerThreads, 4), deaths,
                    loops * 1e9 / wall);
            assertThat(deaths).as("no NF taken for hung while it slept").isZero();
            assertThat(registry.nfs()).hasSize(nfs).allSatisfy(nf ->
                    assertThat(table.state(nf.slot())).isEqualTo(NfState.RUNNING.code));

            long stopAsked = System.nanoTime();
            registry.stopAll();
            TestManagers.await("every parked NF stopped and said bye", Duration.ofSeconds(60),
                    () -> registry.nfs().isEmpty());
            System.out.printf("idle NF host: %d parked NFs stopped in %d ms%n", nfs,
                    (System.nanoTime() - stopAsked) / 1_000_000);
            assertThat(registry.deaths()).as("they said bye").isEqualTo(nfs);
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // the last reclaims' grace periods
            Duration withoutBefore = self.info().totalCpuDuration().orElseThrow();
            Map<String, Long> withoutThreadsBefore = processThreadTicks(self.pid());
            long withoutWall = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
            long withoutNanos = System.nanoTime() - withoutWall;
            double without = (double) self.info().totalCpuDuration().orElseThrow().minus(withoutBefore).toNanos()
                    / withoutNanos;
            Map<String, Double> aloneThreads = shares(withoutThreadsBefore, processThreadTicks(self.pid()), withoutNanos);
            Map<String, Double> more = new HashMap<>(managerThreads); // share with the NFs minus share without
            aloneThreads.forEach((t, v) -> more.merge(t, -v, Double::sum));
            System.out.printf("idle NF host: manager %.2f %% once they are gone; threads that cost more with them: %s%n",
                    without * 100, busiest(more, 8));
            return new Idle(hostShare, managerShare, txShare, withoutJit(hostThreads), withoutJit(managerThreads),
                    withoutJit(aloneThreads));
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    // Each thread's CPU share of one core between two tick maps (names shared are summed).
    private static Map<String, Double> shares(Map<String, Long> before, Map<String, Long> after, long wallNanos) {
        Map<String, Double> shares = new HashMap<>();
        after.forEach((t, ticks) -> shares.put(t, (ticks - before.getOrDefault(t, 0L)) * 1e7 / wallNanos));
        return shares;
    }

    // The sum of the shares, the JIT's compiler threads left out.
    private static double withoutJit(Map<String, Double> shares) {
        return shares.entrySet().stream().filter(e -> !e.getKey().startsWith("C1 Compiler")
                && !e.getKey().startsWith("C2 Compiler")).mapToDouble(Map.Entry::getValue).sum();
    }

    // The n largest shares, as "name +x.xx %".
    private static String busiest(Map<String, Double> shares, int n) {
        return shares.entrySet().stream().filter(e -> e.getValue() != 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(n)
                .map(e -> String.format("%s %+.2f %%", e.getKey(), e.getValue() * 100))
                .collect(Collectors.joining(", "));
    }

    // CPU ticks (1/100 s) of a process's threads, by thread name (names shared are summed), from /proc.
    private static Map<String, Long> processThreadTicks(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    private static long managerThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name)).threadId();
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

    /** CPU shares (of one core) measured over 3 s once every NF sleeps. */
    record Idle(double host, double manager, double txThread) {
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
            // Let the start-up settle (JIT, the first sleeps), then measure.
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            Duration hostBefore = host.info().totalCpuDuration().orElseThrow();
            Duration selfBefore = self.info().totalCpuDuration().orElseThrow();
            long txThread = managerThread("jnetvm-tx0");
            long txBefore = THREADS.getThreadCpuTime(txThread);
            Map<String, Long> threadsBefore = threadCpu();
            long wallBefore = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3)); // six heartbeat timeouts
            long wall = System.nanoTime() - wallBefore;
            Idle idle = new Idle(
                    (double) host.info().totalCpuDuration().orElseThrow().minus(hostBefore).toNanos() / wall,
                    (double) self.info().totalCpuDuration().orElseThrow().minus(selfBefore).toNanos() / wall,
                    (double) (THREADS.getThreadCpuTime(txThread) - txBefore) / wall);
            long deaths = registry.deaths();
            Map<String, Long> threadsAfter = threadCpu();
            String busiest = threadsAfter.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                    .map(e -> String.format("%s %.2f %%", e.getKey(), 100.0 * e.getValue() / wall))
                    .collect(Collectors.joining(", "));
            System.out.printf("idle NF host: %d NFs, host %.2f %% of a core, manager %.2f %% (its TX thread %.3f %%; "
                    + "busiest: %s), deaths %d%n", nfs, idle.host() * 100, idle.manager() * 100, idle.txThread() * 100,
                    busiest, deaths);
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
            return idle;
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    // CPU time of this JVM's platform threads, by name (threads of one name summed).
    private static Map<String, Long> threadCpu() {
        Map<String, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = THREADS.getThreadCpuTime(t.threadId());
            if (ns > 0) {
                cpu.merge(t.getName(), ns, Long::sum);
            }
        }
        return cpu;
    }

    private static long managerThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name)).threadId();
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.junit.jupiter.api.Test;

/**
 * 500 idle NFs in one host cost little CPU: they park, the host's one waker beats their heartbeats (the manager's
 * watchdog, at 500 ms, finds none hung), and a stop reaches each parked NF at once. The manager's TX thread does not
 * look at their 500 tx rings either: it drains only those whose bits NFs set in its tx pending bitmap.
 */
class IdleNfHostTest {
    static final int NFS = 500;

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 4096, ringCapacity: 64, nfSlots: 512, maxInstances: 512}
            control: {socket: /tmp/${name}.sock}
            heartbeatTimeoutMs: 500
            ports:
              - {name: gen0, kind: generator, rate: 1000, size: 64, flows: 16, count: 1}
            chains:
              default: [idle]
            nfs:
              - {nf: bridge, service: idle, instances: %d, host: true}
            """.formatted(NFS);

    @Test
    void fiveHundredIdleHostedNfsCostUnderFivePercentOfACoreAndNoneIsTakenForHung() throws Exception {
        Manager started = TestManagers.start("idlehost", CONFIG);
        try (Manager manager = started) {
            NfRegistry registry = manager.registry();
            assertThat(registry.nfs()).hasSize(NFS);
            long pid = registry.nfs().getFirst().pid();
            ProcessHandle host = ProcessHandle.of(pid).orElseThrow();
            NfTable table = new NfTable(manager.region());
            TestManagers.await("every NF asleep", Duration.ofSeconds(30),
                    () -> registry.nfs().stream().allMatch(nf -> table.sleeping(nf.slot())));
            // Let the start-up settle (JIT, the first sleeps), then measure.
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            Duration cpuBefore = host.info().totalCpuDuration().orElseThrow();
            long txThread = managerThread("jnetvm-tx0");
            long txCpuBefore = THREADS.getThreadCpuTime(txThread);
            long wallBefore = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3)); // six heartbeat timeouts
            long wall = System.nanoTime() - wallBefore;
            double share = (double) host.info().totalCpuDuration().orElseThrow().minus(cpuBefore).toNanos() / wall;
            double txShare = (double) (THREADS.getThreadCpuTime(txThread) - txCpuBefore) / wall;
            long deaths = registry.deaths();
            System.out.printf("idle NF host: %d NFs, %.2f %% of a core, the manager's TX thread %.3f %%, deaths %d%n",
                    NFS, share * 100, txShare * 100, deaths);
            assertThat(deaths).as("no NF taken for hung while it slept").isZero();
            assertThat(registry.nfs()).hasSize(NFS).allSatisfy(nf ->
                    assertThat(table.state(nf.slot())).isEqualTo(NfState.RUNNING.code));
            assertThat(share).as("CPU share of 500 idle hosted NFs").isLessThan(0.05);
            // Scanning the 500 tx rings on each of its wake-ups (at least every 10 ms) cost it about 5 %.
            assertThat(txShare).as("CPU share of the manager's TX thread beside 500 idle NFs").isLessThan(0.01);

            long stopAsked = System.nanoTime();
            registry.stopAll();
            TestManagers.await("every parked NF stopped and said bye", Duration.ofSeconds(30),
                    () -> registry.nfs().isEmpty());
            System.out.printf("idle NF host: %d parked NFs stopped in %d ms%n", NFS,
                    (System.nanoTime() - stopAsked) / 1_000_000);
            assertThat(registry.deaths()).as("they said bye").isEqualTo(NFS);
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long managerThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name)).threadId();
    }
}

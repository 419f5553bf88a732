package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.junit.jupiter.api.Test;

/**
 * NFs die in the middle of traffic: kill -9 (twenty times), and a hung NF (SIGSTOP) that only
 * its missing heartbeat gives away. The manager must notice within a second, return every
 * buffer the NF held, keep running, and let a restarted NF take the traffic over.
 */
class NfDeathTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384, ringCapacity: 4096}
            control: {socket: /tmp/${name}.sock}
            heartbeatTimeoutMs: 500
            ports:
              - {name: gen0, kind: generator, rate: 300000, size: 64, flows: 256}
            services:
              - {id: 1, name: victim}
              - {id: 2, name: out}
            chains:
              default: [victim, out]
            nfs:
              - {nf: simple_forward, service: victim, args: ["--dest", "out"]}
              - {nf: bridge, service: out}
            """;

    @Test
    void kill_minus_nine_twenty_times_loses_no_buffer_and_traffic_resumes() throws Exception {
        Manager started = TestManagers.start("kill", CONFIG);
        try (Manager manager = started) {
            NfRegistry registry = manager.registry();
            long reclaimedFromRings = 0;
            for (int round = 1; round <= 20; round++) {
                NfRegistry.Nf victim = nfOf(registry, "victim");
                long sentBefore = portTx(manager);
                TestManagers.await("traffic through the victim (round " + round + ")", Duration.ofSeconds(20),
                        () -> portTx(manager) > sentBefore + 1000);
                long deathsBefore = registry.deaths();
                long killedAt = System.nanoTime();
                ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
                TestManagers.await("death noticed", Duration.ofSeconds(5), () -> registry.deaths() > deathsBefore);
                assertThat(System.nanoTime() - killedAt).as("detection time").isLessThan(1_000_000_000L);
                registry.awaitReclaims();
                assertThat(manager.healthy()).isTrue();
                manager.launcher().launch("simple_forward", "victim", List.of("--dest", "out"), false);
                TestManagers.await("restarted victim registered", Duration.ofSeconds(30),
                        () -> registry.nfs().stream().anyMatch(nf -> nf.serviceId() == 1 && nf.pid() != victim.pid()));
            }
            long sentBefore = portTx(manager);
            TestManagers.await("traffic after the last restart", Duration.ofSeconds(20),
                    () -> portTx(manager) > sentBefore + 1000);
            assertThat(registry.deaths()).isEqualTo(20);
            TestManagers.await("the launcher to let go of the 20 killed processes", Duration.ofSeconds(10),
                    () -> manager.launcher().launched().size() == 2);
            assertThat(manager.launcher().launched()).as("the launcher keeps only the NFs that run")
                    .allSatisfy(l -> assertThat(l.process().isAlive()).isTrue());
            assertThat(manager.launcher().allAlive()).as("some NF it started has ended").isFalse();

            manager.stopReceiving();
            if (!manager.awaitDrained()) {
                var meta = new org.jnetvm.core.pool.PacketPool(manager.region()).newMeta();
                java.util.Map<Integer, Integer> owners = new java.util.TreeMap<>();
                for (int i = 0; i < manager.config().region().buffers(); i++) {
                    owners.merge(meta.wrap(i).owner(), 1, Integer::sum);
                }
                System.out.println("LEAK audit " + manager.stats().pool() + " owners " + owners + " nfs " + manager.stats().nfs());
            }
            assertThat(manager.awaitDrained()).as("pool whole after the traffic stopped").isTrue();
            StatsSnapshot s = manager.stats();
            StatsSnapshot.Port port = s.ports().getFirst();
            assertThat(port.txPackets() + s.totalDrops()).as("every packet sent or counted").isEqualTo(port.rxPackets());
            assertThat(s.drops().get(DropReason.NF_DEAD)).as("buffers taken back from killed NFs").isPositive();
            assertThat(s.pool().inFlight()).isZero();
            System.out.printf("kill -9 x20: %d generated, %d sent, drops %s, reclaimed buffers %d%n",
                    port.rxPackets(), port.txPackets(), s.drops(), registry.reclaimedBuffers());
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    @Test
    void a_hung_nf_is_found_by_its_heartbeat_killed_and_its_buffers_returned() throws Exception {
        Manager started = TestManagers.start("hung", CONFIG);
        try (Manager manager = started) {
            NfRegistry registry = manager.registry();
            NfRegistry.Nf victim = nfOf(registry, "victim");
            long sentBefore = portTx(manager);
            TestManagers.await("traffic", Duration.ofSeconds(20), () -> portTx(manager) > sentBefore + 1000);
            long stoppedAt = System.nanoTime();
            signal("STOP", victim.pid());
            TestManagers.await("hung NF found", Duration.ofSeconds(5), () -> registry.deaths() == 1);
            long detection = System.nanoTime() - stoppedAt;
            registry.awaitReclaims();
            TestManagers.await("the hung process killed and reaped", Duration.ofSeconds(5),
                    () -> !ProcessHandle.of(victim.pid()).map(ProcessHandle::isAlive).orElse(false));
            // heartbeat timeout 500 ms, checked every 50 ms
            assertThat(detection).as("detection time").isLessThan(1_000_000_000L);
            assertThat(registry.reclaimedBuffers()).as("its ring held packets").isPositive();
            manager.stopReceiving();
            assertThat(manager.awaitDrained()).isTrue();
            StatsSnapshot s = manager.stats();
            assertThat(s.ports().getFirst().txPackets() + s.totalDrops()).isEqualTo(s.ports().getFirst().rxPackets());
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    private static NfRegistry.Nf nfOf(NfRegistry registry, String service) {
        int id = "victim".equals(service) ? 1 : 2;
        return registry.nfs().stream().filter(nf -> nf.serviceId() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no NF registered for " + service));
    }

    private static long portTx(Manager manager) {
        return manager.stats().ports().getFirst().txPackets();
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

}

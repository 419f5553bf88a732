package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jnetvm.core.host.HostTable;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.junit.jupiter.api.Test;

/**
 * An NF host: one process runs 64 bridge NFs, each a virtual thread with its own slot (config {@code host: true}).
 * Traffic spread over all of them arrives, the NFs sleep between packets and are woken through the host's waker,
 * the host's one cgroup carries the sum of its NFs' shares, and kill -9 of the host gives every slot back.
 */
class NfHostTest {
    static final int NFS = 64;
    static final int COUNT = 30_000;

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192, ringCapacity: 256, nfSlots: 96, maxInstances: 64}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 15000, size: 64, flows: 1024, count: %d}
            chains:
              default: [fwd]
            nfs:
              - {nf: bridge, service: fwd, instances: %d, host: true}
            """.formatted(COUNT, NFS);

    /**
     * The same host with its NFs in small slots (small rings, no pool cache each) and batched wake-up from the config:
     * the host is started with the threshold and the window its service's priority gives, and carries the traffic.
     */
    @Test
    void aHostOfSmallSlotNfsWithBatchedWakeUpCarriesTheTraffic() throws Exception {
        try (Manager manager = TestManagers.start("nfhostsmall", """
                region: {name: ${name}, directory: /dev/shm, buffers: 8192, nfSlots: 72, smallSlots: 64,
                         smallRingCapacity: 128, maxInstances: 64}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 15000, size: 64, flows: 1024, count: %d}
                services:
                  - {name: fwd, smallSlots: true, priority: 4}
                chains:
                  default: [fwd]
                nfs:
                  - {nf: bridge, service: fwd, instances: %d, host: true, wakeThreshold: 16}
                """.formatted(COUNT, NFS))) {
            List<NfRegistry.Nf> nfs = manager.registry().nfs();
            assertThat(nfs).hasSize(NFS).allSatisfy(nf -> assertThat(nf.slot()).as("a small slot").isGreaterThanOrEqualTo(8));
            ProcessHandle host = ProcessHandle.of(nfs.getFirst().pid()).orElseThrow();
            String command = String.join(" ", host.info().arguments().orElseThrow());
            assertThat(command).as("the host's command line").contains("--host " + NFS, "--wake-threshold 16",
                    "--wake-window-us 250");
            TestManagers.awaitDrained(manager, COUNT, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            StatsSnapshot.Port port = s.ports().getFirst();
            System.out.printf("NF host, small slots, batched wake-up: %d out, drops %s, sleeps %d, pool %s%n",
                    port.txPackets(), s.drops(), s.nfs().stream().mapToLong(StatsSnapshot.Nf::sleeps).sum(), s.pool());
            assertThat(port.txPackets() + s.totalDrops()).as("every packet out or counted").isEqualTo(COUNT);
            assertThat(port.txPackets()).as("nearly all out").isGreaterThan(COUNT * 99L / 100);
            assertThat(s.nfs()).allSatisfy(nf -> assertThat(nf.ringCapacity()).isEqualTo(128));
            var layout = manager.region().layout();
            for (int c = 0; c < layout.cacheCount(); c++) {
                assertThat(manager.region().segment().get(java.lang.foreign.ValueLayout.JAVA_LONG,
                        layout.cacheOffset(c) + org.jnetvm.core.pool.PoolCacheDescriptor.OWNER_PID_OFFSET))
                        .as("pool cache %d: NFs in small slots keep none", c).isNotEqualTo(host.pid());
            }
        }
    }

    @Test
    void sixtyFourNfsInOneProcessCarryTrafficSleepAndAreAllReclaimedWhenItDies() throws Exception {
        Manager started = TestManagers.start("nfhost", CONFIG);
        try (Manager manager = started) {
            NfRegistry registry = manager.registry();
            List<NfRegistry.Nf> nfs = registry.nfs();
            assertThat(nfs).hasSize(NFS);
            Set<Long> pids = nfs.stream().map(NfRegistry.Nf::pid).collect(Collectors.toSet());
            assertThat(pids).as("one process hosts them all").hasSize(1);
            long pid = pids.iterator().next();
            HostTable hosts = new HostTable(manager.region());
            assertThat(hosts.owner(0)).as("the host claimed a host block").isEqualTo(pid);

            TestManagers.awaitDrained(manager, COUNT, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            StatsSnapshot.Port port = s.ports().getFirst();
            System.out.printf("NF host: %d NFs, %d generated, %d out, drops %s, sleeps %d%n", NFS, port.rxPackets(),
                    port.txPackets(), s.drops(), s.nfs().stream().mapToLong(StatsSnapshot.Nf::sleeps).sum());
            assertThat(port.txPackets() + s.totalDrops()).as("every packet out or counted").isEqualTo(COUNT);
            assertThat(port.txPackets()).as("15 kpps over 64 NFs is light: nearly all out").isGreaterThan(COUNT * 99L / 100);
            assertThat(s.nfs()).as("the flows spread over every NF").allSatisfy(nf ->
                    assertThat(nf.rxPackets()).as("slot %d", nf.slot()).isPositive());
            assertThat(s.nfs().stream().mapToLong(StatsSnapshot.Nf::sleeps).sum())
                    .as("at ~230 pps each they sleep between packets, and were woken to carry them")
                    .isGreaterThan(NFS);

            var cgroups = manager.scheduler().cgroups();
            if (cgroups != null) {
                Path group = cgroups.cgroupOf(nfs.getFirst().slot());
                assertThat(nfs).as("one cgroup for the host").allSatisfy(nf ->
                        assertThat(cgroups.cgroupOf(nf.slot())).isEqualTo(group));
                assertThat(Files.readString(group.resolve("cgroup.procs"))).contains(Long.toString(pid));
                var controller = cgroups.controller();
                // The scheduler rewrites the file when the sum moves by more than 1/32 (CpuShares.changed), so
                // the file holds the NFs' sum within that.
                TestManagers.await("the host's cgroup holding the sum of its NFs' shares", Duration.ofSeconds(30), () -> {
                    long sum = manager.stats().nfs().stream().mapToLong(StatsSnapshot.Nf::cpuShare).sum();
                    try {
                        long file = Long.parseLong(Files.readString(group.resolve(controller.shareFile())).trim());
                        long want = controller.value((int) Math.min(sum, org.jnetvm.manager.sched.CpuController.V1_MAX));
                        return sum > 0 && Math.abs(file - want) * 32 <= want;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }

            long deathsBefore = registry.deaths();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            TestManagers.await("every hosted NF seen dead", Duration.ofSeconds(10),
                    () -> registry.deaths() == deathsBefore + NFS);
            registry.awaitReclaims();
            TestManagers.await("every slot free", Duration.ofSeconds(10), () -> registry.nfs().isEmpty());
            assertThat(manager.healthy()).isTrue();
            if (cgroups != null) {
                Path group = cgroups.cgroupOf(nfs.getFirst().slot());
                assertThat(group).as("the host's cgroup went with its last NF").isNull();
            }
            assertThat(manager.awaitDrained()).as("pool whole").isTrue();
        } finally {
            TestManagers.removeLogs(started);
        }
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.jnetvm.manager.sched.CpuController;
import org.junit.jupiter.api.Test;

/**
 * NFVnice end to end, with real NF processes ({@code busy}, of known cost per packet) and the machine's real cgroups:
 * each NF measures its cost, the manager gives each process a cgroup and a cpu share in proportion to cost × load,
 * removes the cgroup when the process dies (kill -9) and when it stops; and backpressure stops an upstream NF from
 * spending work on packets that a slow NF further along would drop.
 */
class SchedulingTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static final String SHARES = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 20000, size: 64, flows: 64}
            services:
              - {id: 1, name: light}
              - {id: 2, name: heavy}
              - {id: 3, name: out}
            chains:
              default: [light, heavy, out]
            nfs:
              - {nf: busy, service: light, args: [--work, "2000"]}
              - {nf: busy, service: heavy, args: [--work, "6000"]}
              - {nf: bridge, service: out, inProcess: true}
            scheduler: {shares: required, periodMs: 10}
            """;

    @Test
    void eachNfProcessGetsACgroupAndAShareProportionalToItsCostTimesItsLoad() throws Exception {
        var found = CpuController.detect(Path.of("/proc/self/mountinfo"));
        assumeThat(found.controller()).as("a writable cpu controller: %s", found.reason()).isPresent();
        Manager started = TestManagers.start("shares", SHARES);
        Path lightGroup;
        Path heavyGroup;
        try (Manager manager = started) {
            NfRegistry.Nf light = nf(manager, 1);
            NfRegistry.Nf heavy = nf(manager, 2);
            var cgroups = manager.scheduler().cgroups();
            lightGroup = cgroups.cgroupOf(light.slot());
            heavyGroup = cgroups.cgroupOf(heavy.slot());
            assertThat(Files.readString(lightGroup.resolve("cgroup.procs"))).contains(Long.toString(light.pid()));
            assertThat(Files.readString(heavyGroup.resolve("cgroup.procs"))).contains(Long.toString(heavy.pid()));

            // Each measures its own cost; the same packets reach both, so the shares follow the costs: 1 to 3 above
            // the floor, 1 to 2.2 in all (CpuShares). Shares move every period with the measured rates, so the check
            // is that they reach that ratio, not that they hold it at one arbitrary read.
            StatsSnapshot.Nf[] seen = new StatsSnapshot.Nf[2];
            TestManagers.await("costs measured and shares 1 to 2.2", WAIT, () -> {
                StatsSnapshot s = manager.stats();
                StatsSnapshot.Nf l = s.nfs().stream().filter(n -> n.slot() == light.slot()).findFirst().orElseThrow();
                StatsSnapshot.Nf h = s.nfs().stream().filter(n -> n.slot() == heavy.slot()).findFirst().orElseThrow();
                seen[0] = l;
                seen[1] = h;
                double ratio = l.cpuShare() > 0 ? (double) h.cpuShare() / l.cpuShare() : 0;
                return l.costPicos() > 0 && h.costPicos() > 0 && ratio >= 1.7 && ratio <= 2.8;
            });
            StatsSnapshot.Nf l = seen[0];
            StatsSnapshot.Nf h = seen[1];
            System.out.printf("shares: light cost %d ps share %d, heavy cost %d ps share %d%n",
                    l.costPicos(), l.cpuShare(), h.costPicos(), h.cpuShare());
            // CPU time, so preemption does not count; the median's bucket is within 25 %. What the VM adds on top
            // grows under load (light read 3.4 and 4.7 us, heavy 9.4 and 23 us in loaded suite runs), so the upper
            // check is loose: heavy costs more than light, by no more than a few times 3.
            assertThat(l.costPicos()).as("light's measured cost (2 us of work)").isGreaterThanOrEqualTo(1_600_000L);
            assertThat(h.costPicos()).as("heavy's measured cost (6 us of work)").isGreaterThanOrEqualTo(4_800_000L);
            assertThat((double) h.costPicos() / l.costPicos()).as("heavy over light").isBetween(1.5, 8.0);
            CpuController controller = cgroups.controller();
            // The scheduler may write again between two reads: wait for a moment the file and the table agree.
            TestManagers.await("heavy's cgroup file to hold its share", WAIT, () -> {
                try {
                    return Files.readString(heavyGroup.resolve(controller.shareFile())).trim()
                            .equals(Long.toString(controller.value(stats(manager, heavy.slot()).cpuShare())));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            // kill -9: the registry sees the process end, and the cgroup goes with it.
            ProcessHandle.of(heavy.pid()).orElseThrow().destroyForcibly();
            TestManagers.await("heavy's cgroup removed", WAIT, () -> !Files.exists(heavyGroup));
        } finally {
            TestManagers.removeLogs(started);
        }
        assertThat(lightGroup).as("removed when the manager stopped its NF").doesNotExist();
    }

    static final String CONGESTED = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 40000, size: 64, flows: 64, count: 40000}
            services:
              - {id: 1, name: first}
              - {id: 2, name: slow}
              - {id: 3, name: out}
            chains:
              default: [first, slow, out]
            nfs:
              - {nf: busy, service: first, args: [--work, "1000"]}
              - {nf: busy, service: slow, args: [--work, "50000"]}
              - {nf: bridge, service: out, inProcess: true}
            scheduler: {shares: disabled, backpressure: %s}
            """;

    /** What one run of the congested chain did: packets the first NF handled, and how many of those it lost. */
    record Run(long generated, long firstHandled, long firstRingFull, long backpressure, long out, long drops) {
        double wasted() {
            return (double) firstRingFull / firstHandled;
        }
    }

    Run congested(boolean backpressure) throws Exception {
        Manager started = TestManagers.start("congest", CONGESTED.formatted(backpressure));
        try (Manager manager = started) {
            TestManagers.awaitDrained(manager, 40_000, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            StatsSnapshot.Nf first = stats(manager, nf(manager, 1).slot());
            return new Run(s.ports().getFirst().rxPackets(), first.rxPackets(),
                    first.dropsByReason().getOrDefault(DropReason.RING_FULL, 0L),
                    s.drops().get(DropReason.BACKPRESSURE), s.ports().getFirst().txPackets(), s.totalDrops());
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    static final String SLOW_FIRST = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192, ringCapacity: 512}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 40000, size: 64, flows: 64, count: 20000}
            services:
              - {id: 1, name: slow}
              - {id: 2, name: out}
            chains:
              default: [slow, out]
            nfs:
              - {nf: busy, service: slow, args: [--work, "50000"]}
              - {nf: bridge, service: out, inProcess: true}
            scheduler: {shares: disabled, backpressure: true, ecn: %s}
            """;

    @Test
    void anOverloadedFirstNfIsNotThrottledAtEntryUnlessEcnIsOn() throws Exception {
        for (boolean ecn : new boolean[] {false, true}) {
            Manager started = TestManagers.start("slowfirst", SLOW_FIRST.formatted(ecn));
            try (Manager manager = started) {
                TestManagers.awaitDrained(manager, 20_000, Duration.ofSeconds(60));
                StatsSnapshot s = manager.stats();
                System.out.printf("slow first NF, ecn %s: drops %s%n", ecn, s.drops());
                assertThat(s.ports().getFirst().txPackets() + s.totalDrops()).isEqualTo(20_000);
                if (ecn) {
                    // The generator's packets are not ECN-capable: throttled, they are dropped at entry.
                    assertThat(s.drops().get(DropReason.BACKPRESSURE)).as("with ECN: throttled for the marks").isPositive();
                } else {
                    assertThat(s.drops().get(DropReason.BACKPRESSURE)).as("no upstream work to spare").isZero();
                    assertThat(s.drops().get(DropReason.RING_FULL)).as("its ring refuses instead").isPositive();
                }
            } finally {
                TestManagers.removeLogs(started);
            }
        }
    }

    @Test
    void backpressureDropsAtEntryWhatTheSlowNfWouldHaveDroppedAfterTheFirstDidItsWork() throws Exception {
        Run without = congested(false);
        Run with = congested(true);
        System.out.printf("backpressure: without %s (%.1f%% of first's work wasted), with %s (%.1f%%)%n",
                without, 100 * without.wasted(), with, 100 * with.wasted());
        for (Run run : new Run[] {without, with}) {
            assertThat(run.out() + run.drops()).as("every packet out or counted: %s", run).isEqualTo(run.generated());
        }
        assertThat(without.backpressure()).isZero();
        // How much of first's work is wasted without backpressure depends on how the kernel interleaves the two NFs
        // (24 % to 71 % seen on 2 vCPUs); that some of it is, and that backpressure takes it away, does not.
        assertThat(without.wasted()).as("without: the slow NF's full ring throws away first's work").isGreaterThan(0.1);
        assertThat(with.backpressure()).as("with: dropped at entry instead").isPositive();
        assertThat(with.wasted()).isLessThan(without.wasted() / 2);
        assertThat(with.firstHandled()).as("first is not fed what would be thrown away").isLessThan(without.firstHandled());
    }

    static NfRegistry.Nf nf(Manager manager, int serviceId) {
        TestManagers.await("service " + serviceId + " registered", WAIT,
                () -> manager.registry().nfs().stream().anyMatch(n -> n.serviceId() == serviceId));
        return manager.registry().nfs().stream().filter(n -> n.serviceId() == serviceId).findFirst().orElseThrow();
    }

    static StatsSnapshot.Nf stats(Manager manager, int slot) {
        return manager.stats().nfs().stream().filter(n -> n.slot() == slot).findFirst().orElseThrow();
    }
}

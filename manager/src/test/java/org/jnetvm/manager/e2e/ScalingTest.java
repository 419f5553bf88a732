package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.junit.jupiter.api.Test;

/**
 * Scaling under traffic: an NF asks the manager for another instance of its service, which
 * starts, registers and takes a share of the flows; then the first instance retires itself, its
 * in-flight packets drained, and not one generated packet is lost.
 */
class ScalingTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 20000, size: 64, flows: 1024, count: 100000}
            services:
              - {id: 1, name: work}
              - {id: 2, name: out}
            chains:
              default: [work, out]
            nfs:
              - {nf: org.jnetvm.manager.e2e.Chatter, service: work, inProcess: true}
              - {nf: bridge, service: out, inProcess: true}
            """;

    // Rates are low on purpose: the rings (4096 slots) then hold 200 ms (400 ms) of traffic, so a
    // loop stalled by a busy 2-vCPU machine (a JVM starting beside it) still loses nothing.
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void an_nf_asks_for_a_second_instance_which_takes_traffic_then_one_retires_and_nothing_is_lost() throws Exception {
        try (Manager manager = TestManagers.start("scaling", CONFIG)) {
            int first = MessagesTest.slot(manager, 1, 0);
            TestManagers.await("traffic through the first instance", WAIT, () -> rx(manager, first) > 1000);

            assertThat(manager.messages().send(first, Chatter.SCALE_UP, null, 0, 0)).isTrue();
            int second = MessagesTest.slot(manager, 1, 1);
            TestManagers.await("the scale-up counted", WAIT, () -> manager.scaleUps() == 1); // the NF may register first
            long before = rx(manager, first);
            TestManagers.await("traffic through the second instance", WAIT, () -> rx(manager, second) > 500);
            TestManagers.await("the first still taking its share", WAIT, () -> rx(manager, first) > before);

            assertThat(manager.messages().send(first, Chatter.RETIRE, null, 0, 0)).isTrue();
            TestManagers.await("the first instance retired", WAIT, () ->
                    manager.registry().nfs().stream().noneMatch(n -> n.slot() == first));
            long afterRetire = rx(manager, second);
            TestManagers.awaitDrained(manager, 100_000, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            System.out.printf("scaling: first %d, second %d (%d after the first retired), out %d, drops %s%n",
                    rx(manager, first), rx(manager, second), afterRetire, s.ports().getFirst().txPackets(), s.drops());
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isZero();
            assertThat(s.ports().getFirst().txPackets()).isEqualTo(100_000);
            assertThat(rx(manager, first) + rx(manager, second)).isEqualTo(100_000);
        }
    }

    static final String PROCESS_CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 10000, size: 64, flows: 1024}
            services:
              - {id: 1, name: out}
            chains:
              default: [out]
            nfs:
              - {nf: bridge, service: out}
            """;

    @Test
    void a_process_nf_is_scaled_by_a_new_process_and_the_manager_retires_it_drained() throws Exception {
        Manager started = TestManagers.start("scaleproc", PROCESS_CONFIG);
        try (Manager manager = started) {
            int first = MessagesTest.slot(manager, 1, 0);
            assertThat(manager.scaleUp(first)).isTrue();
            int second = MessagesTest.slot(manager, 1, 1);
            long firstPid = manager.registry().nfs().stream().filter(n -> n.slot() == first).findFirst().orElseThrow().pid();
            long secondPid = manager.registry().nfs().stream().filter(n -> n.slot() == second).findFirst().orElseThrow().pid();
            assertThat(secondPid).as("a process of its own").isNotIn(firstPid, ProcessHandle.current().pid());
            TestManagers.await("two launched", WAIT, () -> manager.launcher().launched().size() == 2);
            assertThat(manager.launcher().launched())
                    .allMatch(l -> l.nf().equals("bridge") && l.service().equals("out") && l.process() != null);
            TestManagers.await("traffic through the new process", Duration.ofSeconds(60), () -> rx(manager, second) > 500);

            assertThat(manager.retire(second)).isTrue();
            TestManagers.await("the new process retired", WAIT, () -> manager.registry().nfs().size() == 1);
            long out = manager.stats().ports().getFirst().txPackets();
            TestManagers.await("traffic goes on through the first", WAIT, () ->
                    manager.stats().ports().getFirst().txPackets() > out + 2000);
            assertThat(manager.stats().totalDrops()).as("drops %s", manager.stats().drops()).isZero();
        } finally {
            TestManagers.removeLogs(started);
        }
    }

    private static long rx(Manager manager, int slot) {
        return manager.stats().nfs().stream().filter(n -> n.slot() == slot)
                .mapToLong(StatsSnapshot.Nf::rxPackets).sum();
    }
}

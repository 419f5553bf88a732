package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.nf.control.ControlClient;
import org.jnetvm.nf.control.ControlError;
import org.jnetvm.nf.control.ControlRejectedException;
import org.junit.jupiter.api.Test;

/** Several instances of one service, and what the manager says to registrations it cannot take. */
class InstancesTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 200000, size: 64, flows: 1024, count: 200000}
            services:
              - {id: 1, name: sticky}
              - {id: 2, name: out}
            chains:
              default: [sticky, out]
            nfs:
              - {nf: org.jnetvm.manager.e2e.FlowRecorder, service: sticky, instances: 2, inProcess: true}
              - {nf: bridge, service: out}
            """;

    @Test
    void two_instances_each_flow_sticks_to_one_and_the_load_splits_evenly() throws Exception {
        FlowRecorder.FLOWS.clear();
        FlowRecorder.PACKETS.clear();
        try (Manager manager = TestManagers.start("sticky", CONFIG)) {
            // the generator starts once the configured NFs (both instances) have registered
            TestManagers.awaitDrained(manager, 200_000, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            long viaTwo = FlowRecorder.PACKETS.values().stream().mapToLong(a -> a.get()).sum();
            assertThat(FlowRecorder.FLOWS).containsOnlyKeys(0, 1);
            Set<Integer> first = FlowRecorder.FLOWS.get(0);
            Set<Integer> second = FlowRecorder.FLOWS.get(1);
            Set<Integer> both = new HashSet<>(first);
            both.retainAll(second);
            assertThat(both).as("flows seen by both instances").isEmpty();
            long[] split = {FlowRecorder.PACKETS.get(0).get(), FlowRecorder.PACKETS.get(1).get()};
            System.out.printf("two instances: flows %d + %d, packets %d + %d, port tx %d, drops %s%n",
                    first.size(), second.size(), split[0], split[1], s.ports().getFirst().txPackets(), s.drops());
            assertThat(first.size() + second.size()).isEqualTo(1024);
            // packets that reached no instance were dropped before (counted)
            assertThat(viaTwo).isGreaterThan(100_000);
            for (long n : split) {
                assertThat((double) n / viaTwo).as("share of one instance").isBetween(0.35, 0.65);
            }
        }
    }

    static final String PAUSE = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 20000, size: 64, flows: 16}
            services:
              - {id: 1, name: out}
            chains:
              default: [out]
            nfs:
              - {nf: bridge, service: out}
            """;

    @Test
    void a_paused_nf_keeps_its_packets_queued_and_drains_them_when_resumed() throws Exception {
        try (Manager manager = TestManagers.start("pause", PAUSE)) {
            TestManagers.await("traffic", Duration.ofSeconds(20), () -> manager.stats().ports().getFirst().txPackets() > 100);
            int slot = manager.registry().nfs().getFirst().slot();
            assertThat(manager.registry().pause(slot, true)).isTrue();
            TestManagers.await("state paused", Duration.ofSeconds(5), () -> state(manager).equals("paused"));
            long rxPaused = manager.stats().nfs().getFirst().rxPackets();
            TestManagers.await("packets queue up", Duration.ofSeconds(5), () -> manager.stats().nfs().getFirst().rxQueue() > 200);
            assertThat(manager.stats().nfs().getFirst().rxPackets()).as("a paused NF takes nothing").isEqualTo(rxPaused);
            assertThat(manager.registry().pause(slot, false)).isTrue();
            TestManagers.await("state running", Duration.ofSeconds(5), () -> state(manager).equals("running"));
            TestManagers.await("queue drained", Duration.ofSeconds(5), () -> manager.stats().nfs().getFirst().rxQueue() < 100);
            assertThat(manager.stats().drops().get(DropReason.RING_FULL)).isZero();
        }
    }

    private static String state(Manager manager) {
        return manager.stats().nfs().getFirst().state();
    }

    static final String EMPTY = """
            region: {name: ${name}, directory: /dev/shm, buffers: 1024}
            control: {socket: /tmp/${name}.sock}
            ports: []
            services:
              - {id: 1, name: svc}
            """;

    @Test
    void registrations_the_manager_cannot_take_get_their_specific_error() throws Exception {
        try (Manager manager = TestManagers.start("refuse", EMPTY)) {
            Path socket = manager.config().controlSocket();
            try (ControlClient first = ControlClient.connect(socket);
                 ControlClient taken = ControlClient.connect(socket);
                 ControlClient unknown = ControlClient.connect(socket);
                 ControlClient layout = ControlClient.connect(socket)) {
                assertThat(first.register("svc", 0, "test", RegionDescriptor.LAYOUT_VERSION).instanceId()).isZero();
                assertRejected(() -> taken.register("svc", 0, "test", RegionDescriptor.LAYOUT_VERSION),
                        ControlError.INSTANCE_TAKEN, "instance 0 of service 'svc' is already registered");
                assertRejected(() -> unknown.register("nosuch", -1, "test", RegionDescriptor.LAYOUT_VERSION),
                        ControlError.UNKNOWN_SERVICE, "service 'nosuch' is not defined; known: svc (1)");
                assertRejected(() -> layout.register("svc", -1, "test", RegionDescriptor.LAYOUT_VERSION + 1),
                        ControlError.LAYOUT_MISMATCH, "manager uses " + RegionDescriptor.LAYOUT_VERSION);
                // the rejected connections may try again: any free instance is 1
                assertThat(taken.register("svc", -1, "test", RegionDescriptor.LAYOUT_VERSION).instanceId()).isEqualTo(1);
            }
            assertThat(manager.control().errorCounts()).containsEntry(ControlError.INSTANCE_TAKEN, 1L)
                    .containsEntry(ControlError.UNKNOWN_SERVICE, 1L).containsEntry(ControlError.LAYOUT_MISMATCH, 1L);
            TestManagers.await("both registrations gone after close", Duration.ofSeconds(5),
                    () -> manager.registry().nfs().isEmpty());
            assertThat(manager.healthy()).isTrue();
        }
    }

    private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ControlError code,
                                       String message) {
        assertThatThrownBy(call).isInstanceOf(ControlRejectedException.class)
                .satisfies(e -> assertThat(((ControlRejectedException) e).error()).isEqualTo(code))
                .hasMessageContaining(message);
    }
}

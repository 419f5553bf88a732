package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jnetvm.core.flow.FlowLease;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.TcpView;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.ServiceDescriptor;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.nfs.FlowCounter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-flow services (Flurries): each flow gets an instance of its own from the service's pool at entry, no instance
 * serves two live flows, an instance's state is reset between its flows (flow_counter numbers each flow's packets
 * from 1 and reports each flow's count when it ends), a full pool drops new flows as pool_full and recovers, and a
 * handler that throws fails only its flow. The instances are virtual threads of an NF host (a real process) in small
 * slots; a test NF in the manager checks the numbering after them.
 */
class PerFlowTest {

    /** Flow records flow_counter sent the manager, by lease: packets counted. */
    private final Map<Integer, Long> records = new ConcurrentHashMap<>();

    @BeforeEach
    void reset() {
        LeaseChecker.reset();
    }

    private static String config(int instances, int flows, int rate, int count, int idleMs, String counterArgs) {
        return """
                region: {name: ${name}, directory: /dev/shm, buffers: 16384, ringCapacity: 8192, nfSlots: %d,
                         smallSlots: %d, smallRingCapacity: 64, maxInstances: %d}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: %d, size: 64, flows: %d, count: %d}
                services:
                  - {name: acct, smallSlots: true, perFlow: {idleMs: %d}}
                  - {name: check}
                chains:
                  default: [acct, check]
                nfs:
                  - {nf: flow_counter, service: acct, instances: %d, host: true, args: [%s]}
                  - {nf: org.jnetvm.manager.e2e.LeaseChecker, service: check, inProcess: true}
                """.formatted(instances + 16, instances, instances, rate, flows, count, idleMs, instances, counterArgs);
    }

    private void listen(Manager manager) {
        manager.messages().listen(message -> {
            if (message.type() == FlowCounter.RECORD_TYPE) {
                byte[] payload = new byte[FlowCounter.RECORD_LENGTH];
                message.copyPayload(payload, 0);
                ByteBuffer record = ByteBuffer.wrap(payload);
                int lease = record.getInt();
                records.put(lease, record.getLong());
            }
        });
    }

    private static long pool(Manager manager, int offset) {
        ServiceTable services = new ServiceTable(manager.region());
        return services.poolCounter(services.find("acct"), offset);
    }

    @Test
    void concurrentFlowsEachGetAnInstanceOfTheirOwn() throws Exception {
        int flows = 300;
        int count = 9000;
        try (Manager manager = TestManagers.start("perflow", config(320, flows, 10_000, count, 500, ""))) {
            listen(manager);
            TestManagers.awaitDrained(manager, count, Duration.ofSeconds(60));
            TestManagers.await("every flow ended and reported", Duration.ofSeconds(30),
                    () -> pool(manager, ServiceDescriptor.ENDED_OFFSET) == flows && records.size() == flows);
            StatsSnapshot s = manager.stats();
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isZero();
            assertThat(s.ports().getFirst().txPackets()).isEqualTo(count);
            assertThat(LeaseChecker.PROBLEMS).isEmpty();
            Map<Integer, Integer> hashes = LeaseChecker.HASH_BY_LEASE;
            assertThat(hashes).as("one lease per flow").hasSize(flows);
            assertThat(new HashSet<>(hashes.values())).as("every flow").hasSize(flows);
            Set<Integer> slots = new HashSet<>();
            hashes.keySet().forEach(lease -> slots.add(FlowLease.slot(lease)));
            assertThat(slots).as("all live at once, each on an instance of its own").hasSize(flows);
            assertThat(LeaseChecker.PACKETS_BY_LEASE.values()).allSatisfy(n -> assertThat(n).isEqualTo(count / flows));
            assertThat(records).as("each flow's own count, from its instance's record")
                    .containsExactlyInAnyOrderEntriesOf(toLong(LeaseChecker.PACKETS_BY_LEASE));
            assertThat(pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET)).isEqualTo(flows);
            ServiceTable services = new ServiceTable(manager.region());
            int acct = services.find("acct");
            TestManagers.await("the pool whole again", Duration.ofSeconds(10),
                    () -> services.poolLive(acct) == 0 && services.poolIdle(acct) == 320);
        }
    }

    @Test
    void instancesAreRecycledAndAFullPoolDropsNewFlowsUntilOneEnds() throws Exception {
        int instances = 16;
        int count = 4000;
        try (Manager manager = TestManagers.start("perflowfull", config(instances, 64, 4000, count, 5, ""))) {
            listen(manager);
            TestManagers.awaitDrained(manager, count, Duration.ofSeconds(60));
            ServiceTable services = new ServiceTable(manager.region());
            int acct = services.find("acct");
            TestManagers.await("every flow ended", Duration.ofSeconds(30), () -> services.poolLive(acct) == 0
                    && pool(manager, ServiceDescriptor.ENDED_OFFSET) == pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET)
                    && records.size() == pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET));
            StatsSnapshot s = manager.stats();
            long full = s.drops().get(DropReason.POOL_FULL);
            System.out.printf("per-flow pool of %d: %d activations, %d pool_full, drops %s%n", instances,
                    pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET), full, s.drops());
            assertThat(s.ports().getFirst().txPackets() + full).as("out or pool_full, nothing else")
                    .isEqualTo(count);
            assertThat(full).as("more flows at once than instances").isPositive();
            assertThat(pool(manager, ServiceDescriptor.POOL_FULL_OFFSET)).isEqualTo(full);
            assertThat(pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET)).as("instances recycled")
                    .isGreaterThan(4L * instances);
            assertThat(LeaseChecker.PROBLEMS).as("every flow counted from 1 on a recycled instance").isEmpty();
            assertThat(records).containsExactlyInAnyOrderEntriesOf(toLong(LeaseChecker.PACKETS_BY_LEASE));
            assertThat(services.poolIdle(acct)).isEqualTo(instances);
            assertThat(s.pool().free() + s.pool().cached()).isEqualTo(s.pool().total());
        }
    }

    @Test
    void aHandlerThatThrowsFailsOnlyItsFlow() throws Exception {
        int flows = 20;
        int count = 2000;
        // generator flow f has source port 1024 + f: flow 6 is the one that fails
        try (Manager manager = TestManagers.start("perflowfail",
                config(32, flows, 10_000, count, 300, "\"--fail-on-port\", \"1030\""))) {
            listen(manager);
            TestManagers.awaitDrained(manager, count, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            assertThat(s.drops()).containsEntry(DropReason.FLOW_FAILED, (long) count / flows);
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isEqualTo(count / flows);
            assertThat(s.ports().getFirst().txPackets()).isEqualTo(count - count / flows);
            long failed = s.nfs().stream().filter(nf -> nf.serviceName().equals("acct"))
                    .mapToLong(nf -> new org.jnetvm.core.table.NfTable(manager.region())
                            .counter(nf.slot(), NfSlotDescriptor.FLOWS_FAILED)).sum();
            assertThat(failed).isEqualTo(1);
            assertThat(LeaseChecker.HASH_BY_LEASE).as("the other flows").hasSize(flows - 1);
            assertThat(LeaseChecker.PROBLEMS).isEmpty();
        }
    }

    /**
     * TCP, both directions of a connection on one instance: FIN both ways (and a late ACK within the linger) ends
     * the flow, so the same 5-tuple's next connection is a new flow on a new lease; an RST ends that one; a second
     * connection, never closed, ends by the idle timeout. Frames from a capture file, paced by its timestamps.
     */
    @Test
    void tcpConnectionsEndOnFinBothWaysOrRstAndTheNextOneIsANewFlow() throws Exception {
        Path capture = Files.createTempFile("jnetvm-perflow-tcp", ".pcap");
        int client = 0x0A000001;
        int server = 0x0A000002;
        int other = 0x0A000003;
        List<long[]> script = List.of( // time ms, source, destination, source port, destination port, flags
                new long[] {0, client, server, 40000, 80, TcpView.SYN},
                new long[] {1, server, client, 80, 40000, TcpView.SYN | TcpView.ACK},
                new long[] {2, client, server, 40000, 80, TcpView.ACK},
                new long[] {3, other, server, 40001, 80, TcpView.SYN},
                new long[] {4, client, server, 40000, 80, TcpView.PSH | TcpView.ACK},
                new long[] {5, server, client, 80, 40000, TcpView.PSH | TcpView.ACK},
                new long[] {6, client, server, 40000, 80, TcpView.FIN | TcpView.ACK},
                new long[] {7, server, client, 80, 40000, TcpView.FIN | TcpView.ACK},
                new long[] {8, client, server, 40000, 80, TcpView.ACK}, // the late ACK: still the first connection
                new long[] {400, client, server, 40000, 80, TcpView.SYN}, // after the linger: a new flow
                new long[] {401, server, client, 80, 40000, TcpView.SYN | TcpView.ACK},
                new long[] {402, server, client, 80, 40000, TcpView.RST},
                new long[] {403, other, server, 40001, 80, TcpView.ACK});
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer file = ByteBuffer.allocate(24 + script.size() * (16 + 64)).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (long[] p : script) {
            FrameBuilder b = new FrameBuilder();
            b.protocol = PacketParser.PROTO_TCP;
            b.src4 = (int) p[1];
            b.dst4 = (int) p[2];
            b.srcPort = (int) p[3];
            b.dstPort = (int) p[4];
            b.tcpFlags = (int) p[5];
            byte[] frame = b.build();
            frames.add(frame);
            file.putInt(1_700_000_000 + (int) (p[0] / 1000)).putInt((int) (p[0] % 1000) * 1000).putInt(frame.length)
                    .putInt(frame.length).put(frame);
        }
        Files.write(capture, Arrays.copyOf(file.array(), file.position()));
        try (Manager manager = TestManagers.start("perflowtcp", """
                region: {name: ${name}, directory: /dev/shm, buffers: 1024, ringCapacity: 256}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: cap0, kind: pcap_in, file: %s}
                  - {name: sink0, kind: sink}
                services:
                  - {name: acct, perFlow: {idleMs: 1000, lingerMs: 100}}
                  - {name: check}
                chains:
                  default: [acct, check]
                nfs:
                  - {nf: flow_counter, service: acct, instances: 4, inProcess: true}
                  - {nf: org.jnetvm.manager.e2e.LeaseChecker, service: check, inProcess: true}
                """.formatted(capture))) {
            listen(manager);
            TestManagers.awaitDrained(manager, script.size(), Duration.ofSeconds(30));
            TestManagers.await("the three flows ended and reported", Duration.ofSeconds(30),
                    () -> pool(manager, ServiceDescriptor.ENDED_OFFSET) == 3 && records.size() == 3);
            StatsSnapshot s = manager.stats();
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isZero();
            assertThat(LeaseChecker.PROBLEMS).isEmpty();
            assertThat(pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET)).as("two connections of one 5-tuple, and another")
                    .isEqualTo(3);
            assertThat(records.values()).as("packets per flow, both directions").containsExactlyInAnyOrder(8L, 3L, 2L);
            assertThat(records).containsExactlyInAnyOrderEntriesOf(toLong(LeaseChecker.PACKETS_BY_LEASE));
        } finally {
            Files.deleteIfExists(capture);
        }
    }

    /**
     * kill -9 of the NF host that serves most flows, under traffic: its instances leave the pool, every buffer they
     * held is reclaimed (nf_dead), and each of their flows gets an instance of the other host on its next packet.
     */
    @Test
    void theFlowsOfAKilledHostMoveToInstancesOfAnother() throws Exception {
        int flows = 8;
        int count = 16_000;
        try (Manager manager = TestManagers.start("perflowkill", """
                region: {name: ${name}, directory: /dev/shm, buffers: 16384, ringCapacity: 8192, nfSlots: 32,
                         smallSlots: 16, smallRingCapacity: 64, maxInstances: 16}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 4000, size: 64, flows: %d, count: %d}
                services:
                  - {name: acct, smallSlots: true, perFlow: {idleMs: 300}}
                  - {name: check}
                chains:
                  default: [acct, check]
                nfs:
                  - {nf: flow_counter, service: acct, instances: 8, host: true}
                  - {nf: flow_counter, service: acct, instances: 8, host: true}
                  - {nf: org.jnetvm.manager.e2e.LeaseChecker, service: check, inProcess: true}
                """.formatted(flows, count))) {
            TestManagers.await("every flow bound", Duration.ofSeconds(30),
                    () -> pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET) == flows && LeaseChecker.HASH_BY_LEASE.size() == flows);
            Map<Integer, Long> pidBySlot = new java.util.HashMap<>();
            manager.registry().nfs().forEach(nf -> pidBySlot.put(nf.slot(), nf.pid()));
            Map<Long, Long> flowsByHost = new java.util.HashMap<>();
            LeaseChecker.HASH_BY_LEASE.keySet().forEach(lease ->
                    flowsByHost.merge(pidBySlot.get(FlowLease.slot(lease)), 1L, Long::sum));
            long busiest = flowsByHost.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            long moved = flowsByHost.get(busiest);
            assertThat(moved).as("the busier host serves half the flows or more").isGreaterThanOrEqualTo(flows / 2);
            ProcessHandle.of(busiest).orElseThrow().destroyForcibly();
            TestManagers.awaitDrained(manager, count, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            System.out.printf("per-flow, host %d killed with %d flows: drops %s%n", busiest, moved, s.drops());
            assertThat(pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET)).as("each moved flow bound once more")
                    .isEqualTo(flows + moved);
            assertThat(s.drops().get(DropReason.POOL_FULL)).isZero();
            assertThat(s.ports().getFirst().txPackets() + s.totalDrops()).isEqualTo(count);
            assertThat(s.totalDrops()).as("only what the dead host held or was handed: %s", s.drops())
                    .isEqualTo(s.drops().get(DropReason.NF_DEAD));
            assertThat(s.pool().free() + s.pool().cached()).as("every buffer back").isEqualTo(s.pool().total());
            ServiceTable services = new ServiceTable(manager.region());
            int acct = services.find("acct");
            TestManagers.await("the flows end on the host left", Duration.ofSeconds(10),
                    () -> services.poolLive(acct) == 0 && services.poolIdle(acct) == 8);
            assertThat(services.instanceCount(acct)).isEqualTo(8);
            assertThat(LeaseChecker.PROBLEMS).isEmpty();
        }
    }

    /**
     * An elastic pool (perFlow.minIdle, maxInstances): a host that starts with 4 instances meets 150 concurrent
     * flows; the manager asks it for more as new flows are refused, never past the maximum, until every flow has an
     * instance of its own; once the flows end it stops the idle instances above its target (but keeps minIdle, and
     * the host's last NF), and every buffer is back.
     */
    @Test
    void anElasticPoolGrowsWithNewFlowsAndShrinksOnceTheyEnd() throws Exception {
        int flows = 150;
        int count = 45_000;
        int max = 200;
        int minIdle = 8;
        try (Manager manager = TestManagers.start("perflowgrow", """
                region: {name: ${name}, directory: /dev/shm, buffers: 16384, ringCapacity: 8192, nfSlots: 272,
                         smallSlots: 256, smallRingCapacity: 64, maxInstances: 256}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 15000, size: 64, flows: %d, count: %d}
                services:
                  - {name: acct, smallSlots: true, perFlow: {idleMs: 300, minIdle: %d, maxInstances: %d}}
                  - {name: check}
                chains:
                  default: [acct, check]
                nfs:
                  - {nf: flow_counter, service: acct, instances: 4, host: true}
                  - {nf: org.jnetvm.manager.e2e.LeaseChecker, service: check, inProcess: true}
                """.formatted(flows, count, minIdle, max))) {
            listen(manager);
            ServiceTable services = new ServiceTable(manager.region());
            int acct = services.find("acct");
            int[] most = new int[1];
            TestManagers.await("every flow bound, the traffic drained", Duration.ofSeconds(60), () -> {
                most[0] = Math.max(most[0], services.instanceCount(acct));
                StatsSnapshot s = manager.stats();
                return s.ports().getFirst().rxPackets() == count && s.pool().inFlight() == 0;
            });
            StatsSnapshot s = manager.stats();
            long full = s.drops().get(DropReason.POOL_FULL);
            System.out.printf("elastic pool: %d instances at most, %d activations, %d pool_full, drops %s%n", most[0],
                    pool(manager, ServiceDescriptor.ACTIVATIONS_OFFSET), full, s.drops());
            assertThat(most[0]).as("grown for the flows, within the maximum").isBetween(flows, max);
            assertThat(s.ports().getFirst().txPackets() + full).as("out or pool_full, nothing else").isEqualTo(count);
            assertThat(full).as("the first packets of flows met a pool of 4").isPositive();
            assertThat(new HashSet<>(LeaseChecker.HASH_BY_LEASE.values())).as("every flow got an instance")
                    .hasSize(flows);
            assertThat(LeaseChecker.PROBLEMS).isEmpty();
            long host = manager.registry().nfs().stream().filter(nf -> nf.serviceId() == acct).findFirst()
                    .orElseThrow().pid();
            TestManagers.await("the flows ended and the pool shrank", Duration.ofSeconds(40),
                    () -> services.poolLive(acct) == 0 && services.instanceCount(acct) <= 2 * minIdle + 1);
            TestManagers.await("the stopped instances gone", Duration.ofSeconds(20),
                    () -> manager.registry().nfs().stream().filter(nf -> nf.serviceId() == acct && !nf.dead()).count()
                            == services.instanceCount(acct));
            assertThat(services.poolIdle(acct)).as("minIdle kept").isGreaterThanOrEqualTo(minIdle);
            assertThat(ProcessHandle.of(host)).as("the host runs on").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            TestManagers.await("every buffer back", Duration.ofSeconds(10), () -> {
                StatsSnapshot now = manager.stats();
                return now.pool().free() + now.pool().cached() == now.pool().total();
            });
            assertThat(records).containsExactlyInAnyOrderEntriesOf(toLong(LeaseChecker.PACKETS_BY_LEASE));
        }
    }

    private static Map<Integer, Long> toLong(Map<Integer, Integer> counts) {
        Map<Integer, Long> out = new java.util.HashMap<>();
        counts.forEach((k, v) -> out.put(k, (long) v));
        return out;
    }
}

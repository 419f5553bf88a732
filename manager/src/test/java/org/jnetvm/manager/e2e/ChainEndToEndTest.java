package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.manager.Manager;
import org.junit.jupiter.api.Test;

/**
 * A manager and a chain of three NF processes; 10^6 generated packets. Every packet must end
 * sent out of the port or in a named drop counter, the counts at each hop must add up exactly,
 * and the pool must be whole at the end.
 */
class ChainEndToEndTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384, ringCapacity: 4096}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 400000, size: 64, flows: 1024, count: 1000000}
            services:
              - {id: 1, name: first}
              - {id: 2, name: second}
              - {id: 3, name: out}
            chains:
              default: [first, second, out]
            nfs:
              - {nf: basic_monitor, service: first, args: ["--interval", "0"]}
              - {nf: basic_monitor, service: second, args: ["--interval", "0"]}
              - {nf: bridge, service: out}
            """;

    @Test
    void a_million_packets_through_three_nf_processes_all_accounted_for() throws Exception {
        try (Manager manager = TestManagers.start("chain3", CONFIG)) {
            TestManagers.awaitDrained(manager, 1_000_000, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            List<StatsSnapshot.Nf> nfs = s.nfs().stream().sorted(Comparator.comparingInt(StatsSnapshot.Nf::serviceId)).toList();
            assertThat(nfs).extracting(StatsSnapshot.Nf::serviceName).containsExactly("first", "second", "out");
            assertThat(nfs).extracting(StatsSnapshot.Nf::pid).doesNotContain(ProcessHandle.current().pid());
            StatsSnapshot.Nf first = nfs.get(0);
            StatsSnapshot.Nf second = nfs.get(1);
            StatsSnapshot.Nf out = nfs.get(2);
            StatsSnapshot.Port port = s.ports().getFirst();

            ThreadTable threads = new ThreadTable(manager.region());
            long rxThreadDrops = drops(threads, 0);   // thread 0: rx0
            long txThreadDrops = drops(threads, 1);   // thread 1: tx0
            // hop by hop: what one side handed on, the next one received or counted as dropped
            assertThat(first.rxPackets() + rxThreadDrops).isEqualTo(port.rxPackets());
            assertThat(first.txPackets() + first.drops()).isEqualTo(first.rxPackets());
            assertThat(second.rxPackets()).isEqualTo(first.txPackets());
            assertThat(second.txPackets() + second.drops()).isEqualTo(second.rxPackets());
            assertThat(out.rxPackets()).isEqualTo(second.txPackets());
            assertThat(out.txPackets() + out.drops()).isEqualTo(out.rxPackets());
            assertThat(port.txPackets() + txThreadDrops).isEqualTo(out.txPackets());
            System.out.printf("chain of 3 NF processes: %d sent, drops %s%n", port.txPackets(), s.drops());
            // end to end: sent plus every named drop is what came in
            assertThat(port.txPackets() + s.totalDrops()).isEqualTo(1_000_000);
            assertThat(port.txPackets()).isPositive();
            assertThat(s.drops().get(DropReason.NO_INSTANCE)).isZero();
            assertThat(s.drops().get(DropReason.BAD_ACTION)).isZero();
            assertThat(s.pool().inFlight()).isZero();
            assertThat(s.pool().free() + s.pool().cached()).isEqualTo(s.pool().total());
            assertThat(manager.healthy()).isTrue();
        }
    }

    private static long drops(ThreadTable threads, int thread) {
        long sum = 0;
        for (DropReason reason : DropReason.values()) {
            sum += threads.drops(thread, reason);
        }
        return sum;
    }
}

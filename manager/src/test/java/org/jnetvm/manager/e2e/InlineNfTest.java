package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.junit.jupiter.api.Test;

/**
 * Inline NFs: a chain of two NFs that the RX thread runs itself after reading its port, the
 * last one sending out of a port directly. Every packet is accounted for, no thread of the
 * manager's JVM is an NF's own, and closing the manager drains and stops them.
 */
class InlineNfTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192, ringCapacity: 1024}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 200000, size: 64, flows: 256, count: 200000}
              - {name: out0, kind: sink}
            services:
              - {id: 1, name: monitor}
              - {id: 2, name: fwd}
            chains:
              default: [monitor, fwd]
            nfs:
              - {nf: basic_monitor, service: monitor, inline: true, args: ["--interval", "0"]}
              - {nf: bridge, service: fwd, inline: true}
            """;

    /**
     * Two RX threads, each reading one generator and running one instance of an inline service:
     * each instance gets exactly what its own thread read (the flow hash would have spread both
     * generators' 256 flows over both instances).
     */
    @Test
    void eachRxThreadFeedsTheInlineInstanceItRuns() throws Exception {
        try (Manager manager = TestManagers.start("inline2", """
                region: {name: ${name}, directory: /dev/shm, buffers: 8192, ringCapacity: 1024}
                control: {socket: /tmp/${name}.sock}
                threads: {rx: 2}
                ports:
                  - {name: gen0, kind: generator, rate: 100000, flows: 256, count: 30000}
                  - {name: gen1, kind: generator, rate: 100000, flows: 256, count: 50000}
                chains:
                  default: [monitor]
                nfs:
                  - {nf: basic_monitor, service: monitor, inline: true, instances: 2, args: ["--interval", "0"]}
                """)) {
            TestManagers.await("8*10^4 packets generated and drained", Duration.ofSeconds(30), () -> {
                StatsSnapshot s = manager.stats();
                return s.ports().get(0).rxPackets() + s.ports().get(1).rxPackets() == 80_000
                        && s.pool().inFlight() == 0;
            });
            // Instance 0 went to RX thread 0 (which reads gen0), instance 1 to RX thread 1 (gen1).
            List<Long> received = manager.stats().nfs().stream()
                    .sorted(Comparator.comparingInt(StatsSnapshot.Nf::instanceId))
                    .map(StatsSnapshot.Nf::rxPackets).toList();
            assertThat(received).containsExactly(30_000L, 50_000L);
        }
    }

    @Test
    void anInlineChainCarriesEveryPacketOnTheRxThreadAndStopsCleanly() throws Exception {
        try (Manager manager = TestManagers.start("inline", CONFIG)) {
            TestManagers.awaitDrained(manager, 200_000, Duration.ofSeconds(30));
            StatsSnapshot s = manager.stats();
            List<StatsSnapshot.Nf> nfs = s.nfs().stream().sorted(Comparator.comparingInt(StatsSnapshot.Nf::serviceId))
                    .toList();
            assertThat(nfs).extracting(StatsSnapshot.Nf::serviceName).containsExactly("monitor", "fwd");
            assertThat(nfs).extracting(StatsSnapshot.Nf::pid).containsOnly(ProcessHandle.current().pid());
            assertThat(nfs).extracting(StatsSnapshot.Nf::state).containsOnly("running");
            StatsSnapshot.Nf monitor = nfs.get(0);
            StatsSnapshot.Nf fwd = nfs.get(1);
            StatsSnapshot.Port sink = s.ports().get(1);
            assertThat(monitor.rxPackets()).isEqualTo(200_000);
            assertThat(fwd.rxPackets()).isEqualTo(monitor.txPackets());
            // The bridge sends port 0's packets out of port 1 itself, on the RX thread.
            assertThat(sink.txPackets()).isEqualTo(fwd.txPackets());
            assertThat(sink.txPackets() + s.totalDrops()).isEqualTo(200_000);
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isZero();
            assertThat(s.pool().free() + s.pool().cached()).isEqualTo(s.pool().total());
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .noneMatch(name -> name.startsWith("nf-"));
            assertThat(manager.healthy()).isTrue();
        }
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.junit.jupiter.api.Test;

/**
 * The RX path classifies by the flow director: the generator's 8 flows (UDP, source ports
 * 1024..1031) meet config rules that send two flows to another chain, one to a single service and
 * drop one at entry; the rest take the default chain. Each flow's first packet goes through the
 * rules and is cached; the rest hit the cache.
 */
class FlowSteeringTest {

    @Test
    void rulesFromTheConfigSteerEachFlowAtEntry() throws Exception {
        try (Manager manager = TestManagers.start("flows", """
                region: {name: ${name}, directory: /dev/shm, buffers: 4096, ringCapacity: 1024}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 200000, size: 64, flows: 8, count: 8000}
                services: [{id: 1, name: a}, {id: 2, name: b}, {id: 3, name: c}]
                chains: {default: [a], named: {alt: [b]}}
                nfs:
                  - {nf: basic_monitor, service: a, inline: true, args: ["--interval", "0"]}
                  - {nf: basic_monitor, service: b, inline: true, args: ["--interval", "0"]}
                  - {nf: basic_monitor, service: c, inline: true, args: ["--interval", "0"]}
                flows:
                  rules:
                    - {protocol: udp, srcPort: 1024-1025, chain: alt}
                    - {src: 10.0.0.1, srcPort: 1026, drop: true}
                    - {dst: 10.0.0.0/24, srcPort: 1027, service: c}
                    - {priority: -1, protocol: tcp, drop: true}
                """)) {
            TestManagers.awaitDrained(manager, 8000, Duration.ofSeconds(30));
            StatsSnapshot s = manager.stats();
            Map<String, Long> rx = s.nfs().stream()
                    .collect(Collectors.toMap(StatsSnapshot.Nf::serviceName, StatsSnapshot.Nf::rxPackets));
            assertThat(rx).containsExactlyInAnyOrderEntriesOf(Map.of("a", 4000L, "b", 2000L, "c", 1000L));
            assertThat(s.drops().get(DropReason.FLOW_DROP)).isEqualTo(1000);
            assertThat(s.drops().get(DropReason.CHAIN_END)).as("monitors end their chains").isEqualTo(7000);
            FlowTable table = manager.flows().table();
            assertThat(table.inserted()).as("one entry per flow, the other packets hit it").isEqualTo(8);
            assertThat(table.live()).isEqualTo(8);
        }
    }
}

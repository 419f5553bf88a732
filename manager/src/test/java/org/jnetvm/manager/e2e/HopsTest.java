package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.junit.jupiter.api.Test;

/**
 * Every hop packets take is counted once, where it is completed, whichever piece of code
 * completes it: the RX thread's entry into a chain and a flow rule's entry into a single service,
 * a chain hop and a TONF hand-off made by an NF, a port hop made by the TX thread that drains an
 * NF's tx ring, and one made by an inline NF that transmits itself. The generator's 6 flows
 * (source ports 1024..1029) split 4 to 2 between the default chain and a flow rule. Every ring
 * holds all the packets the run sends, so a stall of the loaded CI machine cannot drop one.
 */
class HopsTest {
    static final int PACKETS = 6000;

    @Test
    void everyHopIsCountedOnceWhereItIsCompleted() throws Exception {
        try (Manager manager = TestManagers.start("hops", """
                region: {name: ${name}, directory: /dev/shm, buffers: 8192, ringCapacity: 8192}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 100000, size: 64, flows: 6, count: %d}
                services: [{id: 1, name: mon}, {id: 2, name: fwd}, {id: 3, name: out}, {id: 4, name: side}]
                chains: {default: [mon, fwd]}
                nfs:
                  - {nf: basic_monitor, service: mon, inProcess: true, args: ["--interval", "0"]}
                  - {nf: simple_forward, service: fwd, inProcess: true, args: ["--dest", "out"]}
                  - {nf: bridge, service: out, inProcess: true}
                  - {nf: bridge, service: side, inline: true}
                flows:
                  rules:
                    - {protocol: udp, srcPort: 1024-1025, service: side}
                """.formatted(PACKETS))) {
            TestManagers.awaitDrained(manager, PACKETS, Duration.ofSeconds(30));
            StatsSnapshot s = manager.stats();
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isZero();
            Map<String, Long> hops = s.hops().stream()
                    .collect(Collectors.toMap(h -> h.fromLabel() + " -> " + h.toLabel(), StatsSnapshot.Hop::packets));
            long chain = PACKETS * 4 / 6;
            long steered = PACKETS - chain;
            assertThat(hops).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "ports in -> mon", chain,           // RX thread, default chain
                    "mon -> fwd", chain,                // NF, chain hop
                    "fwd -> out", chain,                // NF, TONF
                    "out -> gen0", chain,               // TX thread, from out's tx ring
                    "ports in -> side", steered,        // RX thread, flow rule to one service
                    "side -> gen0", steered));          // inline NF, its own transmit
            assertThat(s.ports().getFirst().txPackets()).as("what the hops to gen0 add up to").isEqualTo(PACKETS);
            Map<String, Long> rx = s.nfs().stream()
                    .collect(Collectors.toMap(StatsSnapshot.Nf::serviceName, StatsSnapshot.Nf::rxPackets));
            assertThat(rx).as("each NF took what the hops into it carried")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("mon", chain, "fwd", chain, "out", chain, "side", steered));
            StatsSnapshot.Hop tonf = s.hops().stream().filter(h -> h.toLabel().equals("out")).findFirst().orElseThrow();
            assertThat(tonf.fromService()).isEqualTo(2);
            assertThat(tonf.toService()).isEqualTo(3);
            assertThat(tonf.toPort()).isEqualTo(-1);
        }
    }
}

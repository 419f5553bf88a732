package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.nf.control.ControlClient;
import org.junit.jupiter.api.Test;

/**
 * Limits are configuration, not constants: OpenNetVM stops at 128 NFs, 32 services and chains
 * of 4. Here a chain of 16 services carries traffic, and 2000 NFs register at once.
 */
class LimitsTest {

    @Test
    void a_chain_of_sixteen_services_carries_every_packet_to_the_port() throws Exception {
        String services = IntStream.rangeClosed(1, 16).mapToObj(i -> "  - {id: " + i + ", name: s" + i + "}")
                .collect(Collectors.joining("\n"));
        String chain = IntStream.rangeClosed(1, 16).mapToObj(i -> "s" + i).collect(Collectors.joining(", "));
        String nfs = IntStream.rangeClosed(1, 16).mapToObj(i -> i < 16
                        ? "  - {nf: basic_monitor, service: s" + i + ", inProcess: true, args: [\"--interval\", \"0\"]}"
                        : "  - {nf: bridge, service: s16, inProcess: true}")
                .collect(Collectors.joining("\n"));
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 16384, maxChainLength: 16}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 100000, size: 64, flows: 64, count: 100000}
                services:
                %s
                chains:
                  default: [%s]
                nfs:
                %s
                """.formatted(services, chain, nfs);
        try (Manager manager = TestManagers.start("chain16", config)) {
            TestManagers.awaitDrained(manager, 100_000, Duration.ofSeconds(60));
            StatsSnapshot s = manager.stats();
            assertThat(s.nfs()).hasSize(16).allSatisfy(nf -> assertThat(nf.rxPackets()).isPositive());
            long sent = s.ports().getFirst().txPackets();
            assertThat(sent + s.totalDrops()).isEqualTo(100_000);
            // the 16th service is the only one that sends out: whatever it received went out
            StatsSnapshot.Nf last = s.nfs().stream().filter(nf -> nf.serviceName().equals("s16")).findFirst().orElseThrow();
            assertThat(last.txPackets()).isEqualTo(sent);
            System.out.printf("chain of 16 in-process NFs: %d of 100000 sent, drops %s%n", sent, s.drops());
        }
    }

    @Test
    void two_thousand_nfs_register_at_once() throws Exception {
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 4096, ringCapacity: 16, nfSlots: 2048, maxInstances: 4096}
                control: {socket: /tmp/${name}.sock}
                threads: {rx: 1, tx: 1, cpus: [0]}   # both data-plane threads pinned to CPU 0
                ports: []
                services:
                  - {id: 1, name: many}
                """;
        try (Manager manager = TestManagers.start("many", config)) {
            Path socket = manager.config().controlSocket();
            List<ControlClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 2000; i++) {
                    ControlClient client = ControlClient.connect(socket);
                    clients.add(client);
                    client.register("many", -1, "test", RegionDescriptor.LAYOUT_VERSION);
                }
                assertThat(manager.registry().nfs()).hasSize(2000);
                assertThat(manager.registry().nfs()).extracting(nf -> nf.instanceId()).doesNotHaveDuplicates();
            } finally {
                clients.forEach(ControlClient::close);
            }
            TestManagers.await("all 2000 gone", Duration.ofSeconds(60), () -> manager.registry().nfs().isEmpty());
        }
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jnetvm.core.msg.MessageDescriptor;
import org.jnetvm.core.msg.Messages;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.nf.control.ControlClient;
import org.jnetvm.nf.control.ControlError;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlRejectedException;
import org.junit.jupiter.api.Test;

/**
 * Small NF slots (region.smallSlots, services[].smallSlots): the NFs of a service marked small take the region's
 * last slots, whose rings and inbox are small; every other NF takes the big ones; each kind runs out on its own,
 * with a message that says which to raise; and packets flow through a small slot as through a big one.
 */
class SmallSlotsTest {

    @Test
    void smallServicesTakeTheSmallSlotsAndTheOthersTheBigOnes() throws Exception {
        try (Manager manager = TestManagers.start("small", """
                region: {name: ${name}, directory: /dev/shm, buffers: 1024, ringCapacity: 1024, nfSlots: 12,
                         smallSlots: 8, smallRingCapacity: 32}
                control: {socket: /tmp/${name}.sock}
                ports: []
                services:
                  - {id: 1, name: big}
                  - {id: 2, name: tiny, smallSlots: true}
                """)) {
            Path socket = manager.config().controlSocket();
            NfTable nfs = new NfTable(manager.region());
            Messages messages = new Messages(manager.region());
            List<ControlClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    int slot = register(clients, socket, "big").slot();
                    assertThat(slot).as("a big slot").isBetween(0, 3);
                    assertThat(nfs.rxRing(slot).capacity()).isEqualTo(1024);
                    assertThat(messages.inbox(slot).capacity()).isEqualTo(64);
                }
                for (int i = 0; i < 8; i++) {
                    int slot = register(clients, socket, "tiny").slot();
                    assertThat(slot).as("a small slot").isBetween(4, 11);
                    assertThat(nfs.rxRing(slot).capacity()).isEqualTo(32);
                    assertThat(nfs.txRing(slot).capacity()).isEqualTo(32);
                    assertThat(messages.inbox(slot).capacity()).isEqualTo(4);
                }
                assertThatThrownBy(() -> register(clients, socket, "big"))
                        .isInstanceOfSatisfying(ControlRejectedException.class, e -> assertThat(e.error()).isEqualTo(ControlError.NO_SLOT))
                        .hasMessageContaining("all 4 NF slots are in use")
                        .hasMessageContaining("the last 8 are small");
                assertThatThrownBy(() -> register(clients, socket, "tiny"))
                        .isInstanceOfSatisfying(ControlRejectedException.class, e -> assertThat(e.error()).isEqualTo(ControlError.NO_SLOT))
                        .hasMessageContaining("all 8 small NF slots are in use")
                        .hasMessageContaining("raise region.smallSlots");
                assertThat(messages.inbox(-1).capacity()).as("the manager's inbox").isEqualTo(MessageDescriptor.MANAGER_CAPACITY);
            } finally {
                clients.forEach(ControlClient::close);
            }
            TestManagers.await("all gone", Duration.ofSeconds(30), () -> manager.registry().nfs().isEmpty());
        }
    }

    @Test
    void packetsFlowThroughAnNfInASmallSlot() throws Exception {
        int packets = 2000;
        try (Manager manager = TestManagers.start("smallflow", """
                region: {name: ${name}, directory: /dev/shm, buffers: 1024, nfSlots: 8, smallSlots: 4,
                         smallRingCapacity: 128}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 2000, size: 64, flows: 8, count: %d}
                services:
                  - {id: 1, name: mon}
                  - {id: 2, name: out, smallSlots: true}
                chains: {default: [mon, out]}
                nfs:
                  - {nf: basic_monitor, service: mon, inProcess: true, args: ["--interval", "0"]}
                  - {nf: bridge, service: out, inProcess: true}
                """.formatted(packets))) {
            TestManagers.awaitDrained(manager, packets, Duration.ofSeconds(30));
            StatsSnapshot s = manager.stats();
            assertThat(s.totalDrops()).as("drops %s", s.drops()).isZero();
            assertThat(s.ports().getFirst().txPackets()).isEqualTo(packets);
            StatsSnapshot.Nf out = s.nfs().stream().filter(nf -> nf.serviceName().equals("out")).findFirst().orElseThrow();
            StatsSnapshot.Nf mon = s.nfs().stream().filter(nf -> nf.serviceName().equals("mon")).findFirst().orElseThrow();
            assertThat(out.slot()).as("a small slot").isBetween(4, 7);
            assertThat(out.ringCapacity()).isEqualTo(128);
            assertThat(mon.slot()).as("a big slot").isBetween(0, 3);
            assertThat(mon.ringCapacity()).isEqualTo(4096);
            assertThat(out.rxPackets()).isEqualTo(packets);
        }
    }

    private static ControlMessage.Registered register(List<ControlClient> clients, Path socket, String service)
            throws Exception {
        ControlClient client = ControlClient.connect(socket);
        clients.add(client);
        return client.register(service, -1, "test", RegionDescriptor.LAYOUT_VERSION);
    }
}

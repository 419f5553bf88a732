package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.msg.MessageDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.junit.jupiter.api.Test;

/**
 * Messages through a running manager's shared-memory inboxes: manager to NF, NF to NF by instance
 * slot and by service (its instances in turn), NF to manager, and a full inbox refused to the
 * sender and counted.
 */
class MessagesTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 4096}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 1000, size: 64, flows: 4, count: 100}
            services:
              - {id: 1, name: talk}
              - {id: 2, name: listen}
            chains:
              default: [talk]
            nfs:
              - {nf: org.jnetvm.manager.e2e.Chatter, service: talk, inProcess: true}
              - {nf: org.jnetvm.manager.e2e.Recorder, service: listen, instances: 2, inProcess: true}
            """;

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void messages_by_instance_and_by_service_and_a_full_inbox_is_refused_to_the_sender() throws Exception {
        Recorder.GOT.clear();
        try (Manager manager = TestManagers.start("messages", CONFIG)) {
            LinkedBlockingQueue<int[]> reports = new LinkedBlockingQueue<>();
            manager.messages().listen(m -> {
                if (m.type() == Chatter.REPORT) {
                    byte[] b = new byte[8];
                    m.copyPayload(b, 0);
                    ByteBuffer bb = ByteBuffer.wrap(b);
                    reports.add(new int[] {m.sender(), bb.getInt(0), bb.getInt(4)});
                }
            });
            int talk = slot(manager, 1, 0);
            int listen0 = slot(manager, 2, 0);
            int listen1 = slot(manager, 2, 1);
            var counters = manager.messages().counters();

            // manager -> NF, by slot
            byte[] hi = {0, 0, 0, 42};
            assertThat(manager.messages().send(listen0, 7, hi, 0, hi.length)).isTrue();
            TestManagers.await("the manager's message at instance 0", WAIT, () -> !Recorder.got(0).isEmpty());
            assertThat(Recorder.got(0)).containsExactly(new Recorder.Got(MessageDescriptor.MANAGER, 7, 42));

            // NF -> NF by instance slot, and NF -> manager (the report)
            assertThat(manager.messages().send(talk, Chatter.TO_SLOT, Chatter.args(listen1, 3), 0, 8)).isTrue();
            assertThat(reports.poll(20, TimeUnit.SECONDS)).containsExactly(talk, 3, 0);
            TestManagers.await("three messages at instance 1", WAIT, () -> Recorder.got(1).size() == 3);
            assertThat(Recorder.got(1)).extracting(Recorder.Got::value).containsExactly(0, 1, 2);
            assertThat(Recorder.got(1)).allMatch(g -> g.sender() == talk && g.type() == 1);
            assertThat(Recorder.got(0)).hasSize(1);

            // by service, into two inboxes that nobody reads (both instances paused): the sender is told
            NfTable nfs = new NfTable(manager.region());
            for (int s : new int[] {listen0, listen1}) {
                assertThat(manager.registry().pause(s, true)).isTrue();
            }
            for (int s : new int[] {listen0, listen1}) {
                TestManagers.await("slot " + s + " paused", WAIT, () -> nfs.state(s) == NfState.PAUSED.code);
                long loops = nfs.loopCount(s); // a round that began before the pause has ended two rounds on
                TestManagers.await("slot " + s + " loops paused", WAIT, () -> nfs.loopCount(s) >= loops + 2);
            }
            int capacity = MessageDescriptor.CAPACITY;
            int count = 2 * capacity + 50;
            assertThat(manager.messages().send(talk, Chatter.TO_SERVICE, Chatter.args(2, count), 0, 8)).isTrue();
            assertThat(reports.poll(20, TimeUnit.SECONDS)).containsExactly(talk, 2 * capacity, 50);
            assertThat(counters.refused(talk)).isEqualTo(50);
            assertThat(manager.stats().nfs().stream().filter(n -> n.slot() == talk).findFirst().orElseThrow()
                    .messagesRefused()).as("in the stats").isEqualTo(50);
            assertThat(counters.sent(talk)).isEqualTo(3 + 2 * capacity + 2); // + the two reports
            assertThat(manager.messages().send(listen0, 8, null, 0, 0)).as("the manager into a full inbox").isFalse();
            assertThat(manager.messages().refused()).isEqualTo(1);

            for (int s : new int[] {listen0, listen1}) {
                assertThat(manager.registry().pause(s, false)).isTrue();
            }
            TestManagers.await("each instance read its full inbox", WAIT, () ->
                    Recorder.got(0).size() == 1 + capacity && Recorder.got(1).size() == 3 + capacity);
            List<Integer> first = Recorder.got(0).subList(1, 1 + capacity).stream().map(Recorder.Got::value).toList();
            List<Integer> second = Recorder.got(1).subList(3, 3 + capacity).stream().map(Recorder.Got::value).toList();
            // taken in turn: instance 0 got the even numbers, instance 1 the odd ones, each in order
            assertThat(first).isSorted().allMatch(v -> v < 2 * capacity);
            assertThat(second).isSorted().allMatch(v -> v < 2 * capacity);
            assertThat(first).doesNotContainAnyElementsOf(second);
            assertThat(counters.received(listen0)).isEqualTo(1 + capacity);
            assertThat(manager.messages().received()).isEqualTo(2);
        }
    }

    static int slot(Manager manager, int serviceId, int instance) {
        TestManagers.await("service " + serviceId + " instance " + instance, WAIT, () -> manager.registry().nfs().stream()
                .anyMatch(n -> n.serviceId() == serviceId && n.instanceId() == instance));
        return manager.registry().nfs().stream().filter(n -> n.serviceId() == serviceId && n.instanceId() == instance)
                .mapToInt(NfRegistry.Nf::slot).findFirst().orElseThrow();
    }
}

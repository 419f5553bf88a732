package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfLauncher;
import org.junit.jupiter.api.Test;

/** An NF stopped while traffic flows hands its service over before it drains: nothing is lost with it. */
class StoppingNfTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 16384}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 200000, size: 64, flows: 1024}
            services:
              - {id: 1, name: out}
            chains:
              default: [out]
            nfs:
              - {nf: bridge, service: out, instances: 2}
            """;

    @Test
    void an_instance_stopped_under_traffic_drains_and_loses_no_packet() throws Exception {
        Manager started = TestManagers.start("stopping", CONFIG);
        try (Manager manager = started) {
            TestManagers.await("traffic through both instances", Duration.ofSeconds(30), () ->
                    manager.stats().nfs().stream().filter(n -> n.rxPackets() > 1000).count() == 2);
            List<NfLauncher.Launched> launched = manager.launcher().launched();
            Process victim = launched.getFirst().process();
            victim.destroy(); // SIGTERM: the NF stops, drains and says bye
            assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
            TestManagers.await("the registry lets it go", Duration.ofSeconds(10), () -> manager.registry().nfs().size() == 1);
            long before = manager.stats().ports().getFirst().txPackets();
            TestManagers.await("traffic goes on through the other", Duration.ofSeconds(10), () ->
                    manager.stats().ports().getFirst().txPackets() > before + 10_000);
            StatsSnapshot s = manager.stats();
            System.out.printf("stopping one of two instances under 200 kpps: drops %s%n", s.drops());
            assertThat(s.drops().get(DropReason.NF_DEAD)).as("packets left in the stopped NF's ring").isZero();
            assertThat(s.drops().get(DropReason.NO_INSTANCE)).isZero();
        } finally {
            TestManagers.removeLogs(started); // the NF stopped by SIGTERM exits 143: its log is kept otherwise
        }
    }
}

package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfRegistry;
import org.junit.jupiter.api.Test;

/**
 * An NF with almost nothing to do (4 packets a second) sleeps on its doorbell (futex) instead
 * of polling: its process uses next to no CPU, and each packet still wakes it and gets through.
 */
class IdleNfTest {

    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 4096}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 4, size: 64, flows: 1}
            services:
              - {id: 1, name: idle}
            chains:
              default: [idle]
            nfs:
              - {nf: bridge, service: idle}
            """;

    @Test
    void an_idle_nf_process_sleeps_and_wakes_for_the_next_packet() throws Exception {
        try (Manager manager = TestManagers.start("idle", CONFIG)) {
            TestManagers.await("a first packet through", Duration.ofSeconds(20),
                    () -> manager.stats().ports().getFirst().txPackets() >= 1);
            NfRegistry.Nf nf = manager.registry().nfs().getFirst();
            ProcessHandle process = ProcessHandle.of(nf.pid()).orElseThrow();
            // let start-up work (JIT, class loading) settle, then measure a quiet second and a half
            TestManagers.await("the NF asleep", Duration.ofSeconds(10), () -> manager.stats().nfs().getFirst().sleeps() > 3);
            Duration cpuBefore = process.info().totalCpuDuration().orElseThrow();
            long wallBefore = System.nanoTime();
            long sleepsBefore = manager.stats().nfs().getFirst().sleeps();
            long sentBefore = manager.stats().ports().getFirst().txPackets();
            TestManagers.await("1.5 s of near silence", Duration.ofSeconds(3), () -> System.nanoTime() - wallBefore > 1_500_000_000L);
            double cpuShare = (double) process.info().totalCpuDuration().orElseThrow().minus(cpuBefore).toNanos()
                    / (System.nanoTime() - wallBefore);
            long sleeps = manager.stats().nfs().getFirst().sleeps() - sleepsBefore;
            long sent = manager.stats().ports().getFirst().txPackets() - sentBefore;
            System.out.printf("idle NF: %.1f %% of a core, %d sleeps, %d packets in 1.5 s%n", cpuShare * 100, sleeps, sent);
            assertThat(sent).as("packets at 4 per second, each waking the NF").isBetween(4L, 8L);
            assertThat(cpuShare).as("CPU share of an idle NF process").isLessThan(0.2);
            assertThat(sleeps).as("futex sleeps (each ends by the 100 ms heartbeat timeout)").isBetween(5L, 40L);
        }
    }
}

package org.jnetvm.core.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AffinityTest {

    @Test
    void a_pinned_thread_runs_on_its_cpu_and_a_missing_cpu_is_refused_by_name() throws Exception {
        int last = Runtime.getRuntime().availableProcessors() - 1;
        AtomicReference<int[]> seen = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            Affinity.pin(last);
            int[] cpus = new int[1000];
            for (int i = 0; i < cpus.length; i++) {
                cpus[i] = Affinity.currentCpu();
                Thread.yield();
            }
            seen.set(cpus);
        });
        thread.join(10_000);
        assertThat(seen.get()).containsOnly(last);
        assertThatThrownBy(() -> Affinity.pin(1023)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot pin this thread to CPU 1023").hasMessageContaining("EINVAL");
    }
}

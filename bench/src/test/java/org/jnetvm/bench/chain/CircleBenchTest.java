package org.jnetvm.bench.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chain bench's machinery, once, short: real manager, real NF processes. */
class CircleBenchTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCircleOfTwoNfProcessesCirculatesPacketsWithoutDropsAndLeavesNothingBehind() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        CircleBench.Run run = CircleBench.run("direct", 2, List.of(128), new CircleBench.Timing(300, 1, 500),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        String log = progress.toString(StandardCharsets.UTF_8);

        assertThat(run.results()).hasSize(1);
        CircleBench.Result r = run.results().getFirst();
        assertThat(r.error()).as(log).isNull();
        assertThat(r.windowsMpps()).hasSize(1);
        assertThat(r.medianMpps()).as(log).isPositive();
        assertThat(r.mhopsPerSecond()).isEqualTo(r.medianMpps() * 2);
        assertThat(r.drops()).as("drops by reason %s", r.dropReasons()).isZero();
        assertThat(r.poolInFlight()).isEqualTo(128);

        BenchManager.Cleanup cleanup = run.cleanup();
        assertThat(cleanup.clean()).as("%s", cleanup).isTrue();
        assertThat(cleanup.processes()).as("speed_tester and one simple_forward").hasSize(2);
        assertThat(cleanup.processes()).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse());
        assertThat(cleanup.region()).doesNotExist();
    }
}

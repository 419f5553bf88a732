package org.jnetvm.bench.nfstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One NF start measured against a real manager (no AOT cache: tests run from class directories). */
class NfStartBenchTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneStartTakesAPositiveTimeUnderFiveSecondsAndLeavesNothingBehind() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        NfStartReport report = NfStartBench.run(new NfStartBench.Options(1, false, false, "test"),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(report.samples()).hasSize(1);
        NfStartBench.Sample sample = report.samples().getFirst();
        assertThat(sample.config()).isEqualTo("plain");
        assertThat(sample.registeredMs()).isPositive().isLessThanOrEqualTo(sample.ms());
        assertThat(report.nfStartMillis()).as(progress.toString(StandardCharsets.UTF_8)).isPositive().isLessThan(5000);
        assertThat(report.cleanup().clean()).as("%s", report.cleanup()).isTrue();
        assertThat(report.cleanup().processes()).hasSize(1).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        assertThat(report.cleanup().region()).doesNotExist();
        assertThat(report.json()).contains("\"nf_start_ms\":", "\"runs\":1");
    }
}

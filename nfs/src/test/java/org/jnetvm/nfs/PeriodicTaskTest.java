package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

    @Test
    void reportsComeFromAThreadOfTheirOwnUntilClosed() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        PeriodicTask report = PeriodicTask.report("test", 0.02, out, () -> {
            threads.add(Thread.currentThread().getName());
            return "report";
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (bytes.toString(StandardCharsets.UTF_8).lines().count() < 3 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
        report.close();
        long after = bytes.toString(StandardCharsets.UTF_8).lines().count();
        assertThat(after).isGreaterThanOrEqualTo(3);
        assertThat(threads).containsExactly("test-report");
        LockSupport.parkNanos(60_000_000);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().count()).as("nothing after close").isEqualTo(after);
    }

    @Test
    void noIntervalMeansNoThread() {
        PeriodicTask.report("none", 0, System.out, () -> {
            throw new AssertionError("must not report");
        }).close();
    }
}

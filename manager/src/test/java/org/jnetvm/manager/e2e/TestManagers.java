package org.jnetvm.manager.e2e;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;

/** Managers for tests (also the ops module's): unique region and socket names, bounded waits. */
public final class TestManagers {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestManagers() {
    }

    /** A unique region name for this test run. */
    public static String uniqueName(String purpose) {
        return "t" + ProcessHandle.current().pid() + "-" + purpose + "-" + COUNTER.incrementAndGet();
    }

    /**
     * Starts a manager from YAML in which {@code ${name}} stands for a unique region name; the
     * region lives in /dev/shm and the control socket in /tmp under that name.
     */
    public static Manager start(String purpose, String yaml) throws Exception {
        String name = uniqueName(purpose);
        String text = yaml.replace("${name}", name);
        return Manager.start(ConfigLoader.parse(text, purpose + ".yaml"));
    }

    /** Removes the NF logs a test left on purpose (NFs it killed), after the manager closed. */
    public static void removeLogs(Manager manager) throws java.io.IOException {
        java.nio.file.Path dir = manager.launcher().logDirectory();
        if (java.nio.file.Files.isDirectory(dir)) {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /**
     * Waits until the manager's first port (a generator with {@code count:}) has made {@code packets} packets and
     * every buffer is back in the pool: the traffic has been carried or dropped, and the counters are final.
     */
    public static void awaitDrained(Manager manager, long packets, Duration timeout) {
        await(packets + " packets generated and drained", timeout, () -> {
            StatsSnapshot s = manager.stats();
            return s.ports().getFirst().rxPackets() == packets && s.pool().inFlight() == 0;
        });
    }

    /** Waits until {@code condition} holds, polling every millisecond; fails after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}

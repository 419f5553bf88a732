package org.jnetvm.core.testing;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.jnetvm.core.region.RegionSpec;

/** Unique region names per test JVM so that parallel or repeated runs never collide. */
public final class TestRegions {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestRegions() {
    }

    public static String uniqueName(String purpose) {
        return "test-" + purpose + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    /** A small region spec in /dev/shm (tests never depend on huge pages being there). */
    public static RegionSpec.Builder small(String purpose) {
        return RegionSpec.builder(uniqueName(purpose)).directory(Path.of("/dev/shm"))
                .bufferCount(4096).cacheCount(8).cacheCapacity(64).ringCount(4).ringCapacity(512);
    }
}

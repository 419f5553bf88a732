package org.jnetvm.bench.ring;

import java.util.List;

/**
 * The cases {@code jnetvm bench ring} compares with DPDK's ring_perf_autotest, and the keys
 * under which they appear in the report and its JSON.
 */
public final class RingBenchCases {

    /** Largest burst any case uses (DPDK's MAX_BURST). */
    public static final int MAX_BURST = 32;

    /** Ring slots, as DPDK's RING_SIZE in test_ring_perf.c. */
    public static final int CAPACITY = 4096;

    /** Burst sizes, as DPDK's bulk_sizes. */
    public static final List<Integer> BURSTS = List.of(8, 32);

    /** Report keys in print order. */
    public static final List<String> KEYS = List.of(
            key(8, 1), key(32, 1), key(8, 2), key(32, 2));

    private RingBenchCases() {
    }

    /** {@code spsc_bulk<burst>_<cores>core}, e.g. {@code spsc_bulk32_2core}. */
    public static String key(int burst, int cores) {
        return "spsc_bulk" + burst + "_" + cores + "core";
    }
}

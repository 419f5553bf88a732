package org.jnetvm.manager.config;

import java.util.List;

/**
 * How many packet-moving threads the manager starts ({@code threads:}), and where.
 *
 * @param rx   threads that read bursts from ports and hand them to the first NF of their chain
 * @param tx   threads that drain NF tx rings and act on each packet's action
 * @param cpus CPUs to pin the data-plane threads to, in order (rx threads first, then tx),
 *             reused round-robin; empty leaves placement to the kernel
 */
public record ThreadsConfig(int rx, int tx, List<Integer> cpus) {

    /** What an absent {@code threads:} key, or an absent key inside it, means. */
    static final ThreadsConfig DEFAULTS = new ThreadsConfig(1, 1, List.of());

    public ThreadsConfig {
        cpus = cpus == null ? List.of() : List.copyOf(cpus);
    }
}

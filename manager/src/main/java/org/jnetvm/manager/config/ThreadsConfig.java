package org.jnetvm.manager.config;

/**
 * How many packet-moving threads the manager starts ({@code threads:}).
 *
 * @param rx threads that read bursts from ports and hand them to the first NF of their chain
 * @param tx threads that drain NF tx rings and act on each packet's action
 */
public record ThreadsConfig(int rx, int tx) {

    /** What an absent {@code threads:} key, or an absent key inside it, means. */
    static final ThreadsConfig DEFAULTS = new ThreadsConfig(1, 1);
}

package org.jnetvm.manager.config;

import java.util.Objects;

/**
 * One port the manager opens ({@code ports[]}); the manager builds the port driver named by {@link #kind()}.
 * {@code rate}, {@code size} and {@code flows} describe the traffic of a generator and are ignored by other kinds.
 *
 * @param name  unique port name, used in stats and in OUT actions
 * @param kind  the driver
 * @param rate  packets per second a generator sends, 0 for as fast as possible
 * @param size  frame bytes a generator sends
 * @param flows distinct UDP flows a generator cycles through
 * @param count packets a generator sends in all, 0 for no end (tests and benchmarks set it)
 */
public record PortConfig(String name, PortKind kind, int rate, int size, int flows, int count) {

    /** The port a config without {@code ports:} gets, and what an absent key of a port entry means. */
    static final PortConfig DEFAULTS = new PortConfig("gen0", PortKind.GENERATOR, 100_000, 64, 256, 0);

    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }
}

package org.jnetvm.manager.config;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param iface the Linux interface an {@code af_packet} port binds to, or the TAP device a {@code tap} port
 *              creates or attaches to ({@code interface:} in the file); null for other kinds
 */
public record PortConfig(String name, PortKind kind, int rate, int size, int flows, int count,
                         @JsonProperty("interface") String iface) {

    /** The port a config without {@code ports:} gets, and what an absent key of a port entry means. */
    static final PortConfig DEFAULTS = new PortConfig("gen0", PortKind.GENERATOR, 100_000, 64, 256, 0, null);

    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** A port of a kind that names no interface. */
    public PortConfig(String name, PortKind kind, int rate, int size, int flows, int count) {
        this(name, kind, rate, size, flows, count, null);
    }
}

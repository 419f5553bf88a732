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
 * @param file  the capture file a {@code pcap_in} port reads or a {@code pcap_out} port writes; null for other kinds
 * @param pace  how fast a {@code pcap_in} port emits its frames ({@code rate} with {@code pace: rate})
 * @param loop  whether a {@code pcap_in} port starts its file over at the end
 * @param queues  sockets an {@code af_packet} port reads through, in one PACKET_FANOUT group, each read by
 *                one RX thread (1 for other kinds)
 * @param capture a pcap file that receives a copy of every frame the port receives and sends, or null
 */
public record PortConfig(String name, PortKind kind, int rate, int size, int flows, int count,
                         @JsonProperty("interface") String iface, String file, PcapPace pace, boolean loop,
                         int queues, String capture) {

    /** The port a config without {@code ports:} gets, and what an absent key of a port entry means. */
    static final PortConfig DEFAULTS = new PortConfig("gen0", PortKind.GENERATOR, 100_000, 64, 256, 0, null, null,
            PcapPace.RECORDED, false, 1, null);

    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pace, "pace");
    }

    /** A port with one queue and no capture. */
    public PortConfig(String name, PortKind kind, int rate, int size, int flows, int count, String iface, String file,
                      PcapPace pace, boolean loop) {
        this(name, kind, rate, size, flows, count, iface, file, pace, loop, 1, null);
    }

    /** A port of a kind that names no file. */
    public PortConfig(String name, PortKind kind, int rate, int size, int flows, int count, String iface) {
        this(name, kind, rate, size, flows, count, iface, null, PcapPace.RECORDED, false);
    }

    /** A port of a kind that names no interface. */
    public PortConfig(String name, PortKind kind, int rate, int size, int flows, int count) {
        this(name, kind, rate, size, flows, count, null);
    }
}

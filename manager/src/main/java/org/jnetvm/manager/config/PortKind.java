package org.jnetvm.manager.config;

/**
 * The driver behind a port ({@code ports[].kind}); the manager picks the port implementation by it. A new driver
 * (AF_PACKET, TAP, pcap) is a new constant here; the loader needs no other change.
 */
public enum PortKind implements ConfigWord {
    /** In-memory traffic generator: UDP frames of a fixed size over a fixed number of flows, at a given rate. */
    GENERATOR,
    /** Counts and frees every packet sent to it. */
    SINK,
    /** A Linux network interface through an AF_PACKET socket with memory-mapped rings ({@code interface: NAME}). */
    AF_PACKET,
    /** A TAP device, created if missing and attached if it exists ({@code interface: NAME}). */
    TAP,
    /** Reads a classic pcap file ({@code file: PATH}, {@code pace: recorded | rate | max}, {@code loop}). */
    PCAP_IN,
    /** Writes what it is sent into a classic pcap file ({@code file: PATH}). */
    PCAP_OUT
}

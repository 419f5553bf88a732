package org.jnetvm.manager.config;

/** How fast a {@code pcap_in} port emits the frames of its file ({@code ports[].pace}). */
public enum PcapPace implements ConfigWord {
    /** At the pace the capture recorded: each frame as long after the first as in the file. */
    RECORDED,
    /** At {@code rate} frames per second. */
    RATE,
    /** As fast as the pool allows. */
    MAX
}

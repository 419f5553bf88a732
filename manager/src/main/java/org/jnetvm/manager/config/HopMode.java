package org.jnetvm.manager.config;

/**
 * How a packet travels from one NF of a chain to the next: the manager reads {@code hop:} once at start-up to decide
 * whether NF tx rings are drained by its tx threads or NFs write straight into the next NF's rx ring.
 */
public enum HopMode implements ConfigWord {
    /** An NF enqueues into the next NF's rx ring itself; NF rx rings are then multi-producer. */
    DIRECT,
    /** Every packet goes back through the manager's tx threads, which route it. */
    MANAGER
}

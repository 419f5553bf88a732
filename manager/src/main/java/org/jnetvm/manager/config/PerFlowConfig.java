package org.jnetvm.manager.config;

/**
 * A per-flow service ({@code services[].perFlow}): each flow (a 5-tuple, both directions) gets an instance of its own
 * from the service's pool at entry, and gives it back when it ends; between two flows the instance is reset by its
 * {@code onFlowStart}/{@code onFlowEnd} hooks, not restarted (Flurries). The pool is the service's instances (the
 * {@code nfs[]} entries that serve it, usually {@code host: true} with many {@code instances} in small slots).
 *
 * @param idleMs   a flow with no packet for this long ends (UDP, and TCP that never closes)
 * @param lingerMs a TCP flow that has seen FIN both ways, or an RST, ends after this long without a packet (late
 *                 ACKs and retransmissions keep its instance meanwhile)
 */
public record PerFlowConfig(int idleMs, int lingerMs) {

    /** What absent keys inside {@code perFlow:} mean. */
    static final PerFlowConfig DEFAULTS = new PerFlowConfig(2_000, 100);
}

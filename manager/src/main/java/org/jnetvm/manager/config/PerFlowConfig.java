package org.jnetvm.manager.config;

/**
 * A per-flow service ({@code services[].perFlow}): each flow (a 5-tuple, both directions) gets an instance of its own
 * from the service's pool at entry, and gives it back when it ends; between two flows the instance is reset by its
 * {@code onFlowStart}/{@code onFlowEnd} hooks, not restarted (Flurries). The pool is the service's instances (the
 * {@code nfs[]} entries that serve it, usually {@code host: true} with many {@code instances} in small slots).
 *
 * @param idleMs   a flow with no packet for this long ends (UDP, and TCP that never closes)
 * <p>The pool is fixed by default: the instances that register. With {@code maxInstances} it is elastic: the
 * manager asks the service's NF hosts for more instances as new flows come faster (keeping at least
 * {@code minIdle} idle, and about 100 ms of new flows at the recent rate), up to {@code maxInstances} in all, and
 * stops idle ones above that after 5 s (never a host's last NF).
 *
 * @param idleMs       a flow with no packet for this long ends (UDP, and TCP that never closes)
 * @param lingerMs     a TCP flow that has seen FIN both ways, or an RST, ends after this long without a packet (late
 *                     ACKs and retransmissions keep its instance meanwhile)
 * @param minIdle      an elastic pool keeps at least this many instances idle, ready for new flows
 * @param maxInstances 0: a fixed pool; else the most instances the pool may grow to (at least those nfs: start)
 */
public record PerFlowConfig(int idleMs, int lingerMs, int minIdle, int maxInstances) {

    /** What absent keys inside {@code perFlow:} mean. */
    static final PerFlowConfig DEFAULTS = new PerFlowConfig(2_000, 100, 0, 0);

    /** A fixed pool. */
    public PerFlowConfig(int idleMs, int lingerMs) {
        this(idleMs, lingerMs, 0, 0);
    }

    /** Whether the pool grows and shrinks. */
    public boolean elastic() {
        return maxInstances > 0;
    }
}

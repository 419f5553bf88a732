package org.jnetvm.core.pool;

/**
 * Where the pool's buffers are at one moment: in the free ring, in per-thread caches, or in
 * flight (owned by a port, an NF or a ring). Exact when no thread allocates or frees; used by
 * tests and by the manager to prove that nothing leaked.
 */
public record PoolAudit(int total, int free, int cached, int inFlight) {

    /** Every buffer is back: free or cached. */
    public boolean allReturned() {
        return inFlight == 0;
    }

    @Override
    public String toString() {
        return "pool: " + total + " buffers, " + free + " free, " + cached + " cached, " + inFlight + " in flight";
    }
}

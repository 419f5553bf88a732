package org.jnetvm.manager.flow;

import java.util.concurrent.TimeUnit;

/**
 * How big an elastic per-flow pool should be, decided pass by pass of the ager from what it sees: the pool's
 * instances, how many are idle, and its demand (activations plus pool_full drops, a counter that only grows).
 *
 * <p>The target of idle instances is {@code max(minIdle, rate × HEADROOM)}: enough to take the new flows of the
 * next {@value #HEADROOM_MILLIS} ms at the recent rate of new flows (smoothed over about a second), which is
 * longer than a host takes to start an instance (a virtual thread and a registration: well under a millisecond
 * each). Below the target it asks for the difference, less what it asked for and has not seen arrive, up to
 * {@code maxInstances} in all; what has not arrived {@value #SPAWN_TIMEOUT_MILLIS} ms after the ask is forgotten
 * (a host that refused or died). Above twice the target (plus one) for {@value #SHRINK_AFTER_MILLIS} ms on end, it
 * gives back the idle instances above the target, at most {@value #MAX_RETIRE} at a time: the lag keeps a pool from
 * flapping between bursts of flows.
 *
 * <p>Not thread-safe: the ager's.
 */
final class PoolSizer {
    static final long HEADROOM_MILLIS = 100;
    static final long SHRINK_AFTER_MILLIS = 5_000;
    static final long SPAWN_TIMEOUT_MILLIS = 5_000;
    static final int MAX_RETIRE = 1024;
    private static final double RATE_TIME_CONSTANT_NANOS = 1e9;

    private final int minIdle;
    private final int maxInstances;
    private long lastDemand = -1;
    private long lastNanos;
    private double ratePerSecond;
    private int pending;
    private long pendingSince;
    private long surplusSince = -1;

    /**
     * @param minIdle      idle instances to keep at least, ready for new flows
     * @param maxInstances instances the pool may have in all
     */
    PoolSizer(int minIdle, int maxInstances) {
        if (minIdle < 0 || maxInstances < 1) {
            throw new IllegalArgumentException("minIdle " + minIdle + " must be >= 0 and maxInstances "
                    + maxInstances + " >= 1");
        }
        this.minIdle = minIdle;
        this.maxInstances = maxInstances;
    }

    /**
     * One pass: more than 0, ask for that many more instances; less than 0, give back that many idle ones; 0,
     * nothing.
     *
     * @param demand activations + pool_full so far
     */
    int decide(long nowNanos, int instances, int idle, long demand) {
        if (lastDemand >= 0 && nowNanos > lastNanos) {
            double dt = nowNanos - lastNanos;
            double seen = (demand - lastDemand) * 1e9 / dt;
            ratePerSecond += (seen - ratePerSecond) * Math.min(1.0, dt / RATE_TIME_CONSTANT_NANOS);
        }
        lastDemand = demand;
        lastNanos = nowNanos;
        if (pending > 0 && nowNanos - pendingSince > TimeUnit.MILLISECONDS.toNanos(SPAWN_TIMEOUT_MILLIS)) {
            pending = 0;
        }
        int target = target();
        if (idle + pending < target && instances + pending < maxInstances) {
            surplusSince = -1;
            int ask = Math.min(target - idle - pending, maxInstances - instances - pending);
            if (pending == 0) {
                pendingSince = nowNanos;
            }
            pending += ask;
            return ask;
        }
        if (idle > 2 * target + 1 && pending == 0) {
            if (surplusSince < 0) {
                surplusSince = nowNanos;
            } else if (nowNanos - surplusSince >= TimeUnit.MILLISECONDS.toNanos(SHRINK_AFTER_MILLIS)) {
                surplusSince = nowNanos;
                return -Math.min(idle - target, MAX_RETIRE);
            }
        } else {
            surplusSince = -1;
        }
        return 0;
    }

    /** Idle instances wanted now. */
    int target() {
        return (int) Math.min(maxInstances, Math.max(minIdle, Math.ceil(ratePerSecond * HEADROOM_MILLIS / 1000.0)));
    }

    /** An instance joined the pool: one fewer awaited. */
    void arrived() {
        if (pending > 0) {
            pending--;
        }
    }

    /** The ask could not be sent (no host): nothing is awaited. */
    void askFailed() {
        pending = 0;
    }

    /** Instances asked for and not arrived yet. */
    int pending() {
        return pending;
    }
}

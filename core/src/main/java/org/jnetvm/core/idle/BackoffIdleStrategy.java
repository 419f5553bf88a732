package org.jnetvm.core.idle;

import java.util.concurrent.locks.LockSupport;

/**
 * Spin, then yield, then park with the park time doubling from {@code minParkNanos} to
 * {@code maxParkNanos}; any work resets it (Agrona's BackoffIdleStrategy). Use it for loops
 * that must stay responsive without burning a core when idle; NF loops add a
 * {@link Doorbell} sleep after the longest park.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    private final long maxSpins;
    private final long maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private long spins;
    private long yields;
    private long parkNanos;

    public BackoffIdleStrategy(long maxSpins, long maxYields, long minParkNanos, long maxParkNanos) {
        if (maxSpins < 0 || maxYields < 0 || minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("backoff: need spins, yields >= 0 and 1 <= minPark <= maxPark, got "
                    + maxSpins + ", " + maxYields + ", " + minParkNanos + ", " + maxParkNanos);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        reset();
    }

    /** 100 spins, 10 yields, then parks from 1 µs up to 1 ms. */
    public static BackoffIdleStrategy defaults() {
        return new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(parkNanos << 1, maxParkNanos);
        }
    }


    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNanos = minParkNanos;
    }
}

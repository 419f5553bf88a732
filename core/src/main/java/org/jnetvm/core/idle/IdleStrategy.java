package org.jnetvm.core.idle;

/**
 * What a polling loop does when a poll found no work (Agrona's idle strategies). Call
 * {@code idle(workCount)} after every poll: work resets the strategy, no work advances it.
 * Not thread-safe: one per loop.
 */
public interface IdleStrategy {
    /** Called after each poll with the amount of work it did. */
    void idle(int workCount);

    /** Back to the first (most eager) state. */
    void reset();
}

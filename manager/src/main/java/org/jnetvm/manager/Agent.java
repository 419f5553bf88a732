package org.jnetvm.manager;

import org.jnetvm.core.idle.BackoffIdleStrategy;
import org.jnetvm.core.idle.IdleStrategy;

/**
 * One duty of a manager data-plane thread (Agrona's Agent): {@link #doWork} does a bounded
 * amount of work and says how much, and an {@link AgentRunner} loops it with an idle policy.
 */
public interface Agent {

    /** Does one round of work; returns how many items (packets) it handled. */
    int doWork();

    /**
     * How the runner idles this agent when a round found no work; called once, on the runner's
     * construction. By default short spins, then parks of at most 100 µs.
     */
    default IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    }

    /** Name of the thread and of its counter block. */
    String roleName();

    /** Called once on the agent's thread when the runner stops. */
    default void onClose() {
    }
}

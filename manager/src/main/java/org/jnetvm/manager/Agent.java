package org.jnetvm.manager;

/**
 * One duty of a manager data-plane thread (Agrona's Agent): {@link #doWork} does a bounded
 * amount of work and says how much, and an {@link AgentRunner} loops it with an idle policy.
 */
public interface Agent {

    /** Does one round of work; returns how many items (packets) it handled. */
    int doWork();

    /** Name of the thread and of its counter block. */
    String roleName();

    /** Called once on the agent's thread when the runner stops. */
    default void onClose() {
    }
}

package org.jnetvm.manager;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.idle.IdleStrategy;
import org.jnetvm.core.sys.Affinity;
import org.jnetvm.core.table.ThreadTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link Agent} on its own platform thread: loop, publish the loop count to the
 * thread's block in shared memory (the reclaimer's grace period reads it), idle with backoff
 * when a round found no work. An exception thrown by the agent is a bug: it is logged, and the
 * thread stops (the manager notices and shuts down rather than lose packets quietly).
 */
public final class AgentRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    private final Agent agent;
    private final ThreadTable threads;
    private final int threadIndex;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final int cpu;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public AgentRunner(Agent agent, ThreadTable threads, int threadIndex) {
        this(agent, threads, threadIndex, -1);
    }

    /** @param cpu the CPU to pin the thread to, or -1 to leave it to the kernel */
    public AgentRunner(Agent agent, ThreadTable threads, int threadIndex, int cpu) {
        this.cpu = cpu;
        this.agent = agent;
        this.threads = threads;
        this.threadIndex = threadIndex;
        this.thread = Thread.ofPlatform().name("jnetvm-" + agent.roleName()).daemon(true).unstarted(this::run);
    }

    public AgentRunner start() {
        thread.start();
        return this;
    }

    public boolean started() {
        return thread.getState() != Thread.State.NEW;
    }

    private void run() {
        long loops = 0;
        IdleStrategy idle = agent.idleStrategy(); // on the thread: the agent is fully set up by now
        try {
            if (cpu >= 0) {
                Affinity.pin(cpu);
                LOG.debug("{} pinned to CPU {}", agent.roleName(), cpu);
            }
            while (running) {
                threads.loopCount(threadIndex, ++loops);
                idle.idle(agent.doWork());
            }
        } catch (Throwable t) {
            failure = t;
            LOG.error("{} failed; its thread stops", agent.roleName(), t);
        } finally {
            try {
                agent.onClose();
            } finally {
                threads.loopCount(threadIndex, ++loops);
                threads.close(threadIndex); // the reclaimer's grace period no longer waits for it
                done.countDown();
            }
        }
    }

    public Agent agent() {
        return agent;
    }

    /** The exception that stopped the agent, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        if (!started()) {
            return;
        }
        try {
            if (!done.await(5, TimeUnit.SECONDS)) {
                LOG.warn("{} did not stop within 5 s", agent.roleName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

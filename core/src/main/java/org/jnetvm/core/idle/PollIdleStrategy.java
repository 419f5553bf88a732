package org.jnetvm.core.idle;

import org.jnetvm.core.sys.Poll;

/**
 * Idles a loop that reads sockets: a short run of busy polls (a burst's next frames usually follow
 * within microseconds), then poll(2) on the sockets, which returns as soon as a frame arrives.
 * The sleep has a cap, so that the loop still comes round now and then (its loop count shows the
 * reclaimer it is alive, and a stop request is seen).
 *
 * <p>Compared with parking for a fixed time, the first frame after a quiet spell waits only for
 * the kernel's wake-up, not for the rest of a park; compared with spinning, an idle thread costs
 * no CPU, which on a small machine is the CPU of the programs whose traffic we carry.
 */
public final class PollIdleStrategy implements IdleStrategy {
    private final Poll poll;
    private final int spins;
    private final int sleepCapMillis;
    private int idleRounds;

    /**
     * @param poll           the sockets of the loop's ports
     * @param spins          idle rounds spent spinning before sleeping
     * @param sleepCapMillis longest sleep in poll(2)
     */
    public PollIdleStrategy(Poll poll, int spins, int sleepCapMillis) {
        this.poll = poll;
        this.spins = spins;
        this.sleepCapMillis = sleepCapMillis;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            idleRounds = 0;
            return;
        }
        if (idleRounds < spins) {
            idleRounds++;
            Thread.onSpinWait();
            return;
        }
        poll.await(sleepCapMillis);
    }

    @Override
    public void reset() {
        idleRounds = 0;
    }
}

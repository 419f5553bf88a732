package org.jnetvm.core.table;

import org.jnetvm.core.region.Region;

/**
 * A grace period over the region's packet producers, RCU's quiescent states: after a change that producers read
 * once per run of packets (an NF taken off its service, an NF marked dead), {@link #begin} notes every producer's
 * loop count, and {@link #passed} is true once each of them has started a new loop since (its loop count moved),
 * sleeps on its doorbell (which it only does between loops), or is gone. From then on no producer can still be
 * acting on what it read before the change: nothing more can arrive in a ring it no longer sees.
 *
 * <p>Producers are the NFs that accept packets and the manager's threads in use; the caller leaves itself out.
 * Not thread-safe: one per caller. It allocates only in its constructor.
 */
public final class Quiescence {
    private final NfTable nfs;
    private final ThreadTable threads;
    private final long[] nfLoops;
    private final boolean[] nfWatched;
    private final long[] threadLoops;
    private final boolean[] threadWatched;

    public Quiescence(Region region) {
        this.nfs = new NfTable(region);
        this.threads = new ThreadTable(region);
        this.nfLoops = new long[nfs.slots()];
        this.nfWatched = new boolean[nfs.slots()];
        this.threadLoops = new long[threads.threadCount()];
        this.threadWatched = new boolean[threads.threadCount()];
    }

    /**
     * Notes every producer's loop count now.
     *
     * @param ownSlot   the caller's NF slot, left out (-1 if the caller is not an NF)
     * @param ownThread the caller's manager thread index, left out (-1 if the caller is not a manager thread)
     */
    public Quiescence begin(int ownSlot, int ownThread) {
        return begin(ownSlot, ownThread, 0);
    }

    /**
     * {@link #begin(int, int)} that leaves out too the NFs of process {@code deadPid} (0: none): a killed NF host's
     * NFs neither loop nor sleep any more, and until the registry has marked each of them dead, every reclaim of
     * one of them would otherwise wait its whole timeout for the others (500 NFs of a host killed while they were
     * stopping: 500 s).
     */
    public Quiescence begin(int ownSlot, int ownThread, long deadPid) {
        for (int s = 0; s < nfLoops.length; s++) {
            nfWatched[s] = s != ownSlot && NfState.accepts(nfs.state(s)) && (deadPid == 0 || nfs.pid(s) != deadPid);
            nfLoops[s] = nfs.loopCount(s);
        }
        for (int t = 0; t < threadLoops.length; t++) {
            threadWatched[t] = t != ownThread && threads.inUse(t);
            threadLoops[t] = threads.loopCount(t);
        }
        return this;
    }

    /**
     * Notes the loop counts of the manager's RX threads only: for a change only they act on (a per-flow binding they
     * stamp into packets), so that NFs and sleeping TX threads do not hold the grace period up.
     */
    public Quiescence beginRxThreads() {
        java.util.Arrays.fill(nfWatched, false);
        for (int t = 0; t < threadLoops.length; t++) {
            threadWatched[t] = threads.inUse(t) && threads.kind(t) == ThreadDescriptor.KIND_RX;
            threadLoops[t] = threads.loopCount(t);
        }
        return this;
    }

    /** Whether the NF in {@code slot} was a producer when the grace period began. */
    public boolean watched(int slot) {
        return nfWatched[slot];
    }

    /** Whether every producer noted by {@link #begin} has passed a quiescent state since. */
    public boolean passed() {
        for (int s = 0; s < nfLoops.length; s++) {
            if (nfWatched[s] && nfs.loopCount(s) == nfLoops[s] && !nfs.sleeping(s) && NfState.accepts(nfs.state(s))) {
                return false;
            }
        }
        for (int t = 0; t < threadLoops.length; t++) {
            // A thread asleep on its doorbell is between loops, as a sleeping NF is: an idle TX thread sleeps up to
            // 10 ms, which every reclaim waited for (stopping 500 hosted NFs took 5 s, one reclaim after another).
            if (threadWatched[t] && threads.inUse(t) && threads.loopCount(t) == threadLoops[t] && !threads.sleeping(t)) {
                return false;
            }
        }
        return true;
    }
}

package org.jnetvm.manager.sched;

/**
 * NFVnice's rate-cost proportional share: for NFs that compete for the same cores, each NF's weight is
 * {@code w = priority × cost per packet × arrival rate} (its demand for CPU time), and the shares split a pool in
 * proportion to it, so that an NF that costs twice as much per packet, or gets twice the packets, gets twice the
 * extra time.
 *
 * <h2>Why a floor</h2>
 * NFVnice gives {@code share_i = cores × 1024 × w_i / Σ w_j}, on cores where only NFs run. Here NF cgroups are
 * siblings of everything in the root cgroup, the manager's polling RX and TX threads included (1024 each): a share
 * near the minimum of 2 starves an NF outright there, and a new NF, whose measured rate starts at zero, would be
 * starved before its rate could be measured (a scale-up test saw thousands of ring_full drops). So every NF keeps
 * {@link #FLOOR_SHARE} (1024, a default task's weight), and the proportional part on top is {@code n × (NF_SHARE −
 * FLOOR_SHARE)} split by weight: the shares still order as the weights do, less steeply (costs 1:3 give 1:2.2).
 */
public final class CpuShares {
    /** What every NF keeps whatever its weight. */
    public static final int FLOOR_SHARE = 1024;
    /** What an NF gets on average: its floor and its part of the proportional pool. */
    public static final int NF_SHARE = 4096;

    private CpuShares() {
    }

    /** The weight of one NF: its demand for CPU, in picoseconds of work per second times its priority. */
    public static double weight(int priority, long costPicos, double arrivalsPerSecond) {
        return priority <= 0 || costPicos <= 0 || arrivalsPerSecond <= 0 ? 0 : priority * (double) costPicos * arrivalsPerSecond;
    }

    /**
     * Shares (v1 units, at most 262144) for {@code weights}: {@code FLOOR + n × (NF_SHARE − FLOOR) × w_i / Σ w}. NFs
     * of weight 0 (no load, or not measured yet) get the floor; if all weigh 0, each gets the average {@link #NF_SHARE}.
     */
    public static int[] shares(double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        int n = weights.length;
        int[] shares = new int[n];
        for (int i = 0; i < n; i++) {
            long share = sum == 0 ? NF_SHARE
                    : FLOOR_SHARE + Math.round((double) n * (NF_SHARE - FLOOR_SHARE) * weights[i] / sum);
            shares[i] = (int) Math.min(share, CpuController.V1_MAX);
        }
        return shares;
    }

    /** Whether a share moved enough to be worth a write: more than 1/32 of the old value. */
    public static boolean changed(int old, int now) {
        return old <= 0 || Math.abs(now - old) * 32L > old;
    }
}

package org.jnetvm.manager.sched;

/**
 * NFVnice's rate-cost proportional share: for NFs that compete for the same cores,
 * {@code share_i = cores × 1024 × w_i / Σ_j w_j} with {@code w = priority × cost per packet × arrival rate}, so
 * that each gets the CPU time its offered load needs in proportion to the others' (an NF that costs twice as much
 * per packet, or gets twice the packets, gets twice the time). Pure arithmetic, in one place, for the scheduler and
 * its tests.
 */
public final class CpuShares {
    /** The share of a default cgroup (v1 units). */
    public static final int DEFAULT_SHARE = 1024;

    private CpuShares() {
    }

    /** The weight of one NF: its demand for CPU, in picoseconds of work per second times its priority. */
    public static double weight(int priority, long costPicos, double arrivalsPerSecond) {
        return priority <= 0 || costPicos <= 0 || arrivalsPerSecond <= 0 ? 0 : priority * (double) costPicos * arrivalsPerSecond;
    }

    /**
     * Shares (v1 units, clamped to 2..262144) for {@code weights}, over {@code cores}. NFs of weight 0 (no load,
     * or not measured yet) get the minimum; if all weigh 0, each gets the default share, as the kernel would.
     */
    public static int[] shares(double[] weights, int cores) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        int[] shares = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            long share = sum == 0 ? DEFAULT_SHARE : Math.round(cores * (double) DEFAULT_SHARE * weights[i] / sum);
            shares[i] = (int) Math.clamp(share, CpuController.V1_MIN, CpuController.V1_MAX);
        }
        return shares;
    }

    /** Whether a share moved enough to be worth a write: more than 1/32 of the old value. */
    public static boolean changed(int old, int now) {
        return old <= 0 || Math.abs(now - old) * 32L > old;
    }
}

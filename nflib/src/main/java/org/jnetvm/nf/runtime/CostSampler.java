package org.jnetvm.nf.runtime;

/**
 * An NF's processing cost per packet, measured cheaply: one burst in {@link #SAMPLE_EVERY} is
 * timed (two reads of the thread's CPU clock, a system call each, so one pair per 64 bursts), its time per packet goes into
 * a small log-scale histogram, and the histogram's median is what the NF publishes for the
 * manager's scheduler (NFVnice's cost estimate: its C code times one packet per millisecond and
 * keeps a histogram for the same reason, a median is not thrown by one slow burst that a page
 * fault or a preemption stretched).
 *
 * <h2>Histogram</h2>
 * Quarter-octave buckets of picoseconds: a value {@code v} with highest bit {@code b} falls into
 * bucket {@code 4b + (the two bits below b)}, so each bucket is at most 25 % wide and 160 buckets
 * span 4 ps to 2^40 ps (1.1 s). When {@link #WINDOW} samples have been taken every count is
 * halved: old samples fade, so the median follows a change of cost within a few windows.
 *
 * <p>One thread (the NF's loop) uses it; nothing is allocated after construction.
 */
public final class CostSampler {
    /** One burst in this many is timed. */
    public static final int SAMPLE_EVERY = 64;
    /** Samples after which the histogram's counts are halved. */
    public static final int WINDOW = 256;
    static final int BUCKETS = 160;

    private final int[] counts = new int[BUCKETS];
    private int total;
    private long bursts;

    /** Whether the burst about to be handled should be timed. */
    public boolean sampleNext() {
        return (bursts++ & (SAMPLE_EVERY - 1)) == 0;
    }

    /**
     * Adds a burst of {@code packets} that took {@code nanos}; returns the median cost per packet
     * in picoseconds after it.
     */
    public long record(long nanos, int packets) {
        if (packets <= 0 || nanos < 0) {
            return medianPicos();
        }
        long picos = Math.max(1, nanos * 1000 / packets);
        counts[bucket(picos)]++;
        if (++total >= WINDOW) {
            total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] >>= 1;
                total += counts[i];
            }
        }
        return medianPicos();
    }

    /** The median cost per packet in picoseconds (the middle of its bucket), or 0 before any sample. */
    public long medianPicos() {
        if (total == 0) {
            return 0;
        }
        int half = (total + 1) / 2;
        int seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= half) {
                return (lowerBound(i) + lowerBound(i + 1)) / 2;
            }
        }
        return lowerBound(BUCKETS - 1);
    }

    // Costs under 4 ps (none is that cheap) count as 4 ps, so every bucket has two bits below its highest one.
    static int bucket(long picos) {
        long v = Math.max(4, picos);
        int b = 63 - Long.numberOfLeadingZeros(v);
        return Math.min(BUCKETS - 1, 4 * b + ((int) (v >>> (b - 2)) & 3));
    }

    static long lowerBound(int bucket) {
        int b = bucket / 4;
        return (4L + bucket % 4) << (b - 2); // 1.00, 1.25, 1.50, 1.75 times 2^b
    }
}

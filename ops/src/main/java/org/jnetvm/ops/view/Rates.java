package org.jnetvm.ops.view;

/** Per-second rates from two readings of a cumulative counter: the one formula every view uses. */
public final class Rates {
    private Rates() {
    }

    /**
     * Events per second between {@code before} and {@code now} over {@code seconds}; null when there is no earlier
     * reading or no time between them (a view then shows "-"). A counter that went backwards (its slot was reused)
     * counts from zero.
     */
    public static Double perSecond(Long before, long now, double seconds) {
        if (before == null || seconds <= 0) {
            return null;
        }
        long delta = now >= before ? now - before : now;
        return delta / seconds;
    }
}

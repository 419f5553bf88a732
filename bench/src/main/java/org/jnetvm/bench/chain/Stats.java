package org.jnetvm.bench.chain;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Medians and number formatting for the chain and nf-start reports. */
final class Stats {
    private Stats() {
    }

    /** Median, or null for no values. */
    static Double median(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static Double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().stream().boxed().findFirst().orElse(null);
    }

    static Double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().stream().boxed().findFirst().orElse(null);
    }

    /** "[1.23 4.56]" */
    static String list(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(" ", "[", "]"));
    }

    /** Rounds for JSON (3 decimals), null stays null. */
    static Double round(Double v) {
        return v == null ? null : Math.round(v * 1000) / 1000.0;
    }
}

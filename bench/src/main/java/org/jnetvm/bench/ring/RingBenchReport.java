package org.jnetvm.bench.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Results of {@code jnetvm bench ring}: for each case, the JNetVM and DPDK cycles per element
 * of every repetition, their medians and the ratio of the medians; printed as a table and as
 * one line of JSON. Built by one thread.
 */
public final class RingBenchReport {

    private final double tscGhz;
    private final String tscSource;
    private final Map<String, List<Double>> jnetvm = new LinkedHashMap<>();
    private final Map<String, List<Double>> dpdk = new LinkedHashMap<>();
    private final Map<String, List<JmhRingRun.CaseResult>> details = new LinkedHashMap<>();
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private String dpdkNote;

    public RingBenchReport(double tscGhz, String tscSource) {
        this.tscGhz = tscGhz;
        this.tscSource = tscSource;
        for (String key : RingBenchCases.KEYS) {
            jnetvm.put(key, new ArrayList<>());
            dpdk.put(key, new ArrayList<>());
            details.put(key, new ArrayList<>());
        }
    }

    /** Adds one JNetVM run (all cases, cycles per element). */
    public void addJnetvm(Map<String, Double> cyclesPerElement) {
        cyclesPerElement.forEach((k, v) -> jnetvm.get(k).add(v));
    }

    /** Adds one JNetVM run with JMH's details (thread split, retries, allocation). */
    public void addJnetvmDetails(Map<String, JmhRingRun.CaseResult> run) {
        run.forEach((k, c) -> {
            jnetvm.get(k).add(c.cyclesPerElement());
            details.get(k).add(c);
        });
    }

    /** Adds one DPDK run (all cases, cycles per element). */
    public void addDpdk(Map<String, Double> cyclesPerElement) {
        cyclesPerElement.forEach((k, v) -> dpdk.get(k).add(v));
    }

    /** Why DPDK figures are missing or odd, shown under the table and in the JSON. */
    public void dpdkNote(String note) {
        this.dpdkNote = note;
    }

    /** An extra top-level JSON key. */
    public void put(String key, Object value) {
        extra.put(key, value);
    }

    /** Median of the values, or null if none. */
    static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public Double jnetvmMedian(String key) {
        return median(jnetvm.get(key));
    }

    public Double dpdkMedian(String key) {
        return median(dpdk.get(key));
    }

    /** JNetVM median / DPDK median: below 1 means JNetVM needs fewer cycles per element. */
    public Double ratio(String key) {
        Double j = jnetvmMedian(key);
        Double d = dpdkMedian(key);
        return j == null || d == null || d == 0 ? null : j / d;
    }

    /** Target ratio: 1.0 for two-core bulk 32, 1.5 elsewhere. */
    public static double target(String key) {
        return key.equals(RingBenchCases.key(32, 2)) ? 1.0 : 1.5;
    }

    /** The human-readable table. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "SPSC ring, capacity %d, TSC %.4f GHz (%s)%n",
                RingBenchCases.CAPACITY, tscGhz, tscSource));
        sb.append("cycles per element (TSC), median of the runs; two cores = producer + consumer thread, as DPDK\n\n");
        sb.append(String.format(Locale.ROOT, "%-18s %8s %8s %7s %6s   %s%n",
                "case", "JNetVM", "DPDK", "ratio", "target", "runs (JNetVM | DPDK)"));
        for (String key : RingBenchCases.KEYS) {
            Double ratio = ratio(key);
            String verdict = ratio == null ? "  " : ratio <= target(key) ? "ok" : "!!";
            sb.append(String.format(Locale.ROOT, "%-18s %8s %8s %7s %4s %s   %s | %s%n", key,
                    fmt(jnetvmMedian(key)), fmt(dpdkMedian(key)), fmt(ratio),
                    "<=" + target(key), verdict, list(jnetvm.get(key)), list(dpdk.get(key))));
        }
        boolean anyDetail = details.values().stream().anyMatch(l -> !l.isEmpty());
        if (anyDetail) {
            sb.append("\nJNetVM detail per run (ns/elem; two cores: producer+consumer ns/elem,"
                    + " retried bulk calls per successful one)\n");
            for (String key : RingBenchCases.KEYS) {
                List<String> parts = new ArrayList<>();
                for (JmhRingRun.CaseResult c : details.get(key)) {
                    String s = String.format(Locale.ROOT, "%.3f", c.nsPerElement());
                    if (c.producerNsPerElement() != null) {
                        s += String.format(Locale.ROOT, " (%.3f+%.3f, full %.3f, empty %.3f)", c.producerNsPerElement(),
                                c.consumerNsPerElement(), c.fullRetriesPerBulk(), c.emptyRetriesPerBulk());
                    }
                    if (c.allocBytesPerOp() != null) {
                        s += String.format(Locale.ROOT, " alloc %.4f B/op", c.allocBytesPerOp());
                    }
                    parts.add(s);
                }
                sb.append(String.format(Locale.ROOT, "  %-18s %s%n", key, String.join("; ", parts)));
            }
        }
        if (dpdkNote != null) {
            sb.append("\nDPDK: ").append(dpdkNote).append('\n');
        }
        return sb.toString();
    }

    /** The report as one line of JSON (the required keys first). */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Double> j = new LinkedHashMap<>();
        Map<String, Double> d = new LinkedHashMap<>();
        Map<String, Double> r = new LinkedHashMap<>();
        for (String key : RingBenchCases.KEYS) {
            j.put(key, round(jnetvmMedian(key)));
            d.put(key, round(dpdkMedian(key)));
            r.put(key, round(ratio(key)));
        }
        root.put("jnetvm_cycles_per_elem", j);
        root.put("dpdk_cycles_per_elem", d);
        root.put("ratio", r);
        root.put("tsc_ghz", tscGhz);
        root.put("tsc_source", tscSource);
        Map<String, Object> runs = new LinkedHashMap<>();
        runs.put("jnetvm", roundAll(jnetvm));
        runs.put("dpdk", roundAll(dpdk));
        root.put("runs", runs);
        if (dpdkNote != null) {
            root.put("dpdk_note", dpdkNote);
        }
        root.putAll(extra);
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static Map<String, List<Double>> roundAll(Map<String, List<Double>> values) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v.stream().map(RingBenchReport::round).toList()));
        return out;
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 1000.0) / 1000.0;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String list(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        return Arrays.toString(values.stream().map(RingBenchReport::fmt).toArray());
    }
}

package org.jnetvm.bench.nfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jnetvm.bench.chain.ChainReport;
import org.jnetvm.bench.chain.CpuShare;

/** The table and the JSON of {@code jnetvm bench nfs}. */
public final class NfSuiteReport {
    private final List<NfSuiteBench.Result> results;
    private final List<Integer> sizes;
    private final NfSuiteBench.Timing timing;
    private final Map<String, Double> cpuShare;
    private final double seconds;
    private final String command;

    public NfSuiteReport(List<NfSuiteBench.Result> results, List<Integer> sizes, NfSuiteBench.Timing timing,
                         Map<String, Double> cpuShare, double seconds, String command) {
        this.results = List.copyOf(results);
        this.sizes = List.copyOf(sizes);
        this.timing = timing;
        this.cpuShare = cpuShare;
        this.seconds = seconds;
        this.command = command;
    }

    public int failedRuns() {
        return (int) results.stream().filter(r -> r.error() != null).count();
    }

    private List<String> nfs() {
        return results.stream().map(NfSuiteBench.Result::nf).distinct().toList();
    }

    private NfSuiteBench.Result find(String nf, int size) {
        return results.stream().filter(r -> r.nf().equals(nf) && r.size() == size).findFirst().orElse(null);
    }

    /** Mpps and ns per packet per NF and size, and what the generator offered. */
    public String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%nbench nfs: each NF as its own process, alone in the chain, behind a generator"
                + " port at full speed (UDP, 256 flows); Mpps = packets the NF took from its ring per second%n"));
        s.append(String.format(Locale.ROOT, "%-16s", "NF"));
        for (int size : sizes) {
            s.append(String.format(Locale.ROOT, " | %4d B: Mpps  ns/pkt  offered  dropped", size));
        }
        s.append('\n');
        for (String nf : nfs()) {
            s.append(String.format(Locale.ROOT, "%-16s", nf.equals("bridge") ? "bridge (base)" : nf));
            for (int size : sizes) {
                NfSuiteBench.Result r = find(nf, size);
                if (r == null || r.error() != null && r.mpps() == 0) {
                    s.append(String.format(Locale.ROOT, " | %38s", r == null ? "-" : "FAILED"));
                } else {
                    s.append(String.format(Locale.ROOT, " | %12.2f %7.1f %8.2f %7.1f%%", r.mpps(), r.nsPerPacket(),
                            r.generatedMpps(), r.dropPct()));
                }
            }
            s.append('\n');
        }
        s.append(String.format(Locale.ROOT, "offered = Mpps the generator made; dropped = what the NF's full ring refused"
                + " (ring_full). %s. %.0f s.%n", CpuShare.describe(cpuShare), seconds));
        return s.toString();
    }

    /** One JSON object. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "nfs");
        root.put("sizes", sizes);
        Map<String, Object> mpps = new LinkedHashMap<>();
        Map<String, Object> ns = new LinkedHashMap<>();
        for (String nf : nfs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> n = new LinkedHashMap<>();
            for (int size : sizes) {
                NfSuiteBench.Result r = find(nf, size);
                m.put(String.valueOf(size), r == null || r.error() != null && r.mpps() == 0 ? null : round(r.mpps()));
                n.put(String.valueOf(size), r == null || r.mpps() == 0 ? null : round(r.nsPerPacket()));
            }
            mpps.put(nf, m);
            ns.put(nf, n);
        }
        root.put("mpps", mpps);
        root.put("ns_per_packet", ns);
        root.put("baseline", "bridge");
        List<Map<String, Object>> samples = new ArrayList<>();
        for (NfSuiteBench.Result r : results) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("nf", r.nf());
            x.put("size", r.size());
            x.put("mpps", round(r.mpps()));
            x.put("windows_mpps", r.windowsMpps().stream().map(NfSuiteReport::round).toList());
            x.put("offered_mpps", round(r.generatedMpps()));
            x.put("dropped_at_entry_pct", round(r.dropPct()));
            x.put("drops", r.drops());
            x.put("error", r.error());
            samples.add(x);
        }
        root.put("samples", samples);
        root.put("settings", Map.of("warmup_ms", timing.warmupMillis(), "windows", timing.windows(), "window_ms",
                timing.windowMillis(), "flows", 256, "nf", "process", "hop", "direct"));
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("cpu_model", ChainReport.cpuModel());
        machine.put("java", System.getProperty("java.vm.version"));
        machine.put("cpu_share", cpuShare);
        machine.put("loadavg_end", ChainReport.loadAverage());
        root.put("machine", machine);
        root.put("duration_s", round(seconds));
        root.put("command", command);
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

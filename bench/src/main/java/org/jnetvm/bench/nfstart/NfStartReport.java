package org.jnetvm.bench.nfstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.manager.AotTraining;

/** Results of {@code jnetvm bench nf-start}: a table and one JSON line. */
public final class NfStartReport {
    private final NfStartBench.Options options;
    private final List<NfStartBench.Sample> samples;
    private final String used;
    private final String cacheFile;
    private final String cacheNote;
    private final AotTraining.Result training;
    private final double seconds;
    private final BenchManager.Cleanup cleanup;
    private final String loadStart;
    private final Map<String, Double> cpu;

    NfStartReport(NfStartBench.Options options, List<NfStartBench.Sample> samples, String used, String cacheFile,
                  String cacheNote, AotTraining.Result training, double seconds, BenchManager.Cleanup cleanup,
                  String loadStart, Map<String, Double> cpu) {
        this.loadStart = loadStart;
        this.cpu = Map.copyOf(cpu);
        this.options = options;
        this.samples = List.copyOf(samples);
        this.used = used;
        this.cacheFile = cacheFile;
        this.cacheNote = cacheNote;
        this.training = training;
        this.seconds = seconds;
        this.cleanup = cleanup;
    }

    /** Median start time of the configuration the platform uses (with the AOT cache when there is one). */
    public double nfStartMillis() {
        return median(samples.stream().filter(s -> s.config().equals(used)).map(NfStartBench.Sample::ms).toList());
    }

    /** Median start time without the AOT cache. */
    public double plainMillis() {
        return median(samples.stream().filter(s -> s.config().equals("plain")).map(NfStartBench.Sample::ms).toList());
    }

    public List<NfStartBench.Sample> samples() {
        return samples;
    }

    public BenchManager.Cleanup cleanup() {
        return cleanup;
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nJNetVM bench nf-start: ProcessBuilder.start() of an NF process (bridge) to"
                + " its first processed packet (%d runs each, %d vCPUs; %.0f s)%n", options.runs(),
                Runtime.getRuntime().availableProcessors(), seconds));
        sb.append(String.format(Locale.ROOT, "  %-34s %8s %8s %8s  %s%n", "", "median", "min", "max", "every run (ms)"));
        for (String c : List.of("aot", "plain")) {
            List<Double> ms = samples.stream().filter(s -> s.config().equals(c)).map(NfStartBench.Sample::ms).toList();
            if (ms.isEmpty()) {
                continue;
            }
            String label = c.equals("aot") ? "with the AOT cache" : "plain (no AOT cache)";
            if (c.equals(used)) {
                label += " <- platform";
            }
            sb.append(String.format(Locale.ROOT, "  %-34s %8.1f %8.1f %8.1f  %s%n", label, median(ms),
                    ms.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    ms.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                    ms.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
        }
        sb.append(String.format(Locale.ROOT, "  target <= %.0f ms; OpenNetVM ~%.0f ms. AOT cache: %s%s%n",
                NfStartBench.TARGET_MS, NfStartBench.ONVM_MS, cacheNote, cacheFile == null ? "" : " (" + cacheFile + ")"));
        long warned = samples.stream().filter(s -> !s.jvmWarnings().isEmpty()).count();
        if (warned > 0) {
            sb.append("  JVM warnings about CDS/AOT in ").append(warned).append(" run(s), e.g. ")
                    .append(samples.stream().filter(s -> !s.jvmWarnings().isEmpty()).findFirst().orElseThrow()
                            .jvmWarnings().getFirst()).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "  %s; load average at start %s, at end %s%n",
                org.jnetvm.bench.chain.CpuShare.describe(cpu), loadStart, org.jnetvm.bench.chain.ChainReport.loadAverage()));
        if (cleanup != null && !cleanup.clean()) {
            sb.append("  NOT CLEANED UP: ").append(cleanup).append('\n');
        }
        return sb.toString();
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "nf-start");
        root.put("nf_start_ms", round(nfStartMillis()));
        root.put("nf_start_ms_plain", round(plainMillis()));
        root.put("config_used", used);
        root.put("runs", options.runs());
        for (String c : List.of("aot", "plain")) {
            if (samples.stream().anyMatch(s -> s.config().equals(c))) {
                root.put(c, NfStartBench.summary(samples, c));
            }
        }
        root.put("target_ms", NfStartBench.TARGET_MS);
        root.put("onvm_ms", NfStartBench.ONVM_MS);
        Map<String, Object> aot = new LinkedHashMap<>();
        aot.put("file", cacheFile);
        aot.put("state", cacheNote);
        if (training != null) {
            aot.put("training_s", round(training.seconds()));
            aot.put("bytes", training.bytes());
        } else if (cacheFile != null && Files.isRegularFile(Path.of(cacheFile))) {
            try {
                aot.put("bytes", Files.size(Path.of(cacheFile)));
            } catch (IOException ignored) {
                // gone meanwhile
            }
        }
        aot.put("runs_with_jvm_warnings", samples.stream().filter(s -> !s.jvmWarnings().isEmpty()).count());
        root.put("aot_cache", aot);
        root.put("nf", "bridge");
        root.put("offered_pps", 10000);
        root.put("clean", cleanup == null || cleanup.clean());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("cpu_model", org.jnetvm.bench.chain.ChainReport.cpuModel());
        machine.put("java", System.getProperty("java.vm.version"));
        machine.put("cpu_share", cpu);
        machine.put("loadavg_start", loadStart);
        machine.put("loadavg_end", org.jnetvm.bench.chain.ChainReport.loadAverage());
        root.put("machine", machine);
        root.put("duration_s", round(seconds));
        root.put("command", options.command());
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }
}

package org.jnetvm.bench.chain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Results of {@code jnetvm bench chain}: a table for people and one JSON line. */
public final class ChainReport {
    /** OpenNetVM on this kind of machine (2 vCPUs): what to read our figures against. */
    public static final double ONVM_SELF_LOOP_MPPS = 73.9;
    public static final double ONVM_SELF_LOOP_NS_PER_HOP = 13.5;
    public static final double ONVM_CHAIN_MHOPS_8192 = 62;
    public static final double ONVM_CHAIN_NS_PER_HOP_8192 = 16;
    public static final double ONVM_CHAIN_MHOPS_128 = 7;
    /** Windows whose max/min exceeds this are marked as bimodal ("~"). */
    static final double BIMODAL_RATIO = 1.5;

    private final ChainBench.Options options;
    private final List<CircleBench.Result> circles;
    private final PortChainBench.Result rtc;
    private final PortChainBench.Result six;
    private final String aotCache;
    private final double seconds;
    private final String cpuModel = cpuModel();
    private final String loadStart;
    private final Map<String, Double> cpu;

    public ChainReport(ChainBench.Options options, List<CircleBench.Result> circles, PortChainBench.Result rtc,
                       PortChainBench.Result six, String aotCache, double seconds, String loadStart,
                       Map<String, Double> cpu) {
        this.loadStart = loadStart;
        this.cpu = Map.copyOf(cpu);
        this.options = options;
        this.circles = List.copyOf(circles);
        this.rtc = rtc;
        this.six = six;
        this.aotCache = aotCache;
        this.seconds = seconds;
    }

    public List<CircleBench.Result> circles() {
        return circles;
    }

    public PortChainBench.Result runToCompletion() {
        return rtc;
    }

    public PortChainBench.Result sixProcesses() {
        return six;
    }

    /** The result for one circle, or null if not measured. */
    public CircleBench.Result find(String hop, int length, int inFlight) {
        return circles.stream().filter(r -> r.hop().equals(hop) && r.length() == length && r.inFlight() == inFlight)
                .findFirst().orElse(null);
    }

    /** Runs that dropped packets or failed. */
    public long flaggedRuns() {
        return circles.stream().filter(CircleBench.Result::flagged).count()
                + (rtc != null && rtc.error() != null ? 1 : 0) + (six != null && six.error() != null ? 1 : 0);
    }

    /** Runs that failed (no figures, or not cleaned up). */
    public long failedRuns() {
        return circles.stream().filter(r -> r.error() != null).count()
                + (rtc != null && rtc.error() != null ? 1 : 0) + (six != null && six.error() != null ? 1 : 0);
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nJNetVM bench chain: NF processes in a circle, speed_tester counting"
                        + " (%d vCPUs, %s; %.0f s)%n", Runtime.getRuntime().availableProcessors(), cpuModel, seconds));
        sb.append(String.format(Locale.ROOT, "Mpps = packets/s through speed_tester, median of %d x %d ms windows after"
                        + " %d ms warm-up; M hops/s = Mpps x L; ns/hop = 1e9 / hops/s.%n",
                options.timing().windows(), options.timing().windowMillis(), options.timing().warmupMillis()));
        sb.append("Every window is listed: on this machine figures crossing the two vCPUs switch between a fast and a"
                + " slow regime.\n");
        sb.append("Marks: ! dropped packets or failed (see drops), ~ windows differ by more than "
                + BIMODAL_RATIO + "x.\n");
        for (String hop : options.hops()) {
            sb.append(String.format(Locale.ROOT, "%nhop %s%s%n", hop, hop.equals("direct")
                    ? " (default: an NF enqueues into the next NF's rx ring)"
                    : " (NFs hand every packet to a manager TX thread, which routes it)"));
            sb.append(String.format(Locale.ROOT, "  %2s %9s %8s %9s %7s %6s  %s%n", "L", "in flight", "Mpps",
                    "M hops/s", "ns/hop", "drops", "windows (Mpps)"));
            for (int n : ChainBench.IN_FLIGHT) {
                for (int length = 1; length <= options.max(); length++) {
                    CircleBench.Result r = find(hop, length, n);
                    if (r == null) {
                        continue;
                    }
                    if (r.windowsMpps().isEmpty()) {
                        sb.append(String.format(Locale.ROOT, "  %2d %9d  FAILED: %s%n", length, n, r.error()));
                        continue;
                    }
                    sb.append(String.format(Locale.ROOT, "  %2d %9d %8.2f %9.2f %7.1f %6d%s %s%s%n", length, n,
                            r.medianMpps(), r.mhopsPerSecond(), r.nsPerHop(), r.drops(), r.flagged() ? "!" : " ",
                            Stats.list(r.windowsMpps()), bimodal(r.windowsMpps()) ? " ~" : ""));
                    if (r.error() != null) {
                        sb.append("        ").append(r.error()).append('\n');
                    }
                }
            }
        }
        if (options.hops().contains("direct") && options.hops().contains("manager")) {
            sb.append("\ndirect vs manager hop: median M hops/s, and direct / manager\n");
            sb.append(String.format(Locale.ROOT, "  %2s  %26s  %26s%n", "L", "8192 in flight", "128 in flight"));
            for (int length = 1; length <= options.max(); length++) {
                sb.append(String.format(Locale.ROOT, "  %2d", length));
                for (int n : ChainBench.IN_FLIGHT) {
                    Double d = mhops(find("direct", length, n));
                    Double m = mhops(find("manager", length, n));
                    sb.append(String.format(Locale.ROOT, "  %8s vs %8s = %5s", fmt(d, "%.2f"), fmt(m, "%.2f"),
                            d != null && m != null && m > 0 ? String.format(Locale.ROOT, "%.2fx", d / m) : "-"));
                }
                sb.append('\n');
            }
        }
        sb.append("\nAnchors (OpenNetVM, same kind of machine) beside ours:\n");
        CircleBench.Result self = find(options.hops().getFirst(), 1, 8192);
        sb.append(String.format(Locale.ROOT, "  speed_tester looping to itself:   OpenNetVM %.1f Mpps (%.1f ns/hop);"
                        + " JNetVM (hop %s, 8192) %s Mpps (%s ns/hop)%n", ONVM_SELF_LOOP_MPPS, ONVM_SELF_LOOP_NS_PER_HOP,
                options.hops().getFirst(), fmt(self == null ? null : self.medianMpps(), "%.1f"),
                fmt(self == null ? null : self.nsPerHop(), "%.1f")));
        sb.append(String.format(Locale.ROOT, "  chains sharing cores, sleep/wake: OpenNetVM ~%.0f M hops/s (~%.0f ns/hop)"
                        + " with 8192 in flight, ~%.0f M hops/s (~%.0f ns/hop) with 128%n", ONVM_CHAIN_MHOPS_8192,
                ONVM_CHAIN_NS_PER_HOP_8192, ONVM_CHAIN_MHOPS_128, 1e3 / ONVM_CHAIN_MHOPS_128));
        for (int n : ChainBench.IN_FLIGHT) {
            StringBuilder row = new StringBuilder();
            for (int length = 2; length <= options.max(); length++) {
                Double h = mhops(find(options.hops().getFirst(), length, n));
                row.append(String.format(Locale.ROOT, " L%d %s", length, fmt(h, "%.1f")));
            }
            sb.append(String.format(Locale.ROOT, "    JNetVM (hop %s, %d in flight) M hops/s:%s%n",
                    options.hops().getFirst(), n, row));
        }
        if (rtc != null || six != null) {
            sb.append(String.format(Locale.ROOT, "%nSix NFs (5 x basic_monitor, bridge) behind a generator port offering %s"
                            + " (64 B), hop direct, %d x %d ms after %d ms warm-up:%n",
                    options.portRate() == 0 ? "full speed" : String.format(Locale.ROOT, "%.1f Mpps", options.portRate() / 1e6),
                    options.portWindows(), options.timing().windowMillis(), options.portWarmupMillis()));
            sb.append(String.format(Locale.ROOT, "  %-46s %9s %9s %7s  %s%n", "", "gen Mpps", "out Mpps", "drop %",
                    "windows gen/out (Mpps); drops by reason"));
            for (PortChainBench.Result r : new PortChainBench.Result[] {rtc, six}) {
                if (r == null) {
                    continue;
                }
                if (r.seconds() == 0) {
                    sb.append(String.format(Locale.ROOT, "  %-46s FAILED: %s%n", r.mode().description, r.error()));
                    continue;
                }
                StringBuilder w = new StringBuilder();
                for (double[] v : r.windows()) {
                    w.append(String.format(Locale.ROOT, "%.2f/%.2f ", v[0], v[1]));
                }
                sb.append(String.format(Locale.ROOT, "  %-46s %9.2f %9.2f %7.1f  %s%s%s%n", r.mode().description,
                        r.mppsIn(), r.mppsOut(), r.dropPct(), w, r.dropReasons(),
                        r.error() == null ? "" : "  (" + r.error() + ")"));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nNF AOT cache: %s. Flagged runs: %d.%n%s; load average at start %s,"
                + " at end %s.%n", aotCache, flaggedRuns(), CpuShare.describe(cpu), loadStart, loadAverage()));
        return sb.toString();
    }

    private static boolean bimodal(List<Double> windows) {
        Double min = Stats.min(windows);
        Double max = Stats.max(windows);
        return min != null && max != null && (min <= 0 || max / min > BIMODAL_RATIO);
    }

    private static Double mhops(CircleBench.Result r) {
        return r == null ? null : r.mhopsPerSecond();
    }

    private static String fmt(Double v, String format) {
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    /** The four figures keyed by chain length for one hop mode. */
    private Map<String, Object> figures(String hop) {
        Map<String, Object> out = new LinkedHashMap<>();
        String[][] keys = {{"mpps", "ns_per_hop"}, {"mpps_128", "ns_per_hop_128"}};
        for (int i = 0; i < ChainBench.IN_FLIGHT.size(); i++) {
            int n = ChainBench.IN_FLIGHT.get(i);
            Map<String, Double> mpps = new LinkedHashMap<>();
            Map<String, Double> ns = new LinkedHashMap<>();
            for (int length = 1; length <= options.max(); length++) {
                CircleBench.Result r = find(hop, length, n);
                mpps.put(Integer.toString(length), r == null ? null : Stats.round(r.medianMpps()));
                ns.put(Integer.toString(length), r == null ? null : Stats.round(r.nsPerHop()));
            }
            out.put(keys[i][0], mpps);
            out.put(keys[i][1], ns);
        }
        Map<String, Map<String, Long>> drops = new LinkedHashMap<>();
        for (int n : ChainBench.IN_FLIGHT) {
            Map<String, Long> d = new LinkedHashMap<>();
            for (int length = 1; length <= options.max(); length++) {
                CircleBench.Result r = find(hop, length, n);
                d.put(Integer.toString(length), r == null || r.windowsMpps().isEmpty() ? null : r.drops());
            }
            drops.put(Integer.toString(n), d);
        }
        out.put("drops", drops);
        return out;
    }

    private static Map<String, Object> port(PortChainBench.Result r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        boolean ok = r.seconds() > 0;
        m.put("mpps_in", ok ? Stats.round(r.mppsIn()) : null);
        m.put("mpps_out", ok ? Stats.round(r.mppsOut()) : null);
        m.put("drop_pct", ok ? Stats.round(r.dropPct()) : null);
        m.put("seconds", Stats.round(r.seconds()));
        m.put("generated", r.generated());
        m.put("delivered", r.delivered());
        m.put("drops", r.drops());
        m.put("drop_reasons", r.dropReasons());
        List<Map<String, Double>> windows = new ArrayList<>();
        for (double[] v : r.windows()) {
            windows.add(Map.of("mpps_in", Stats.round(v[0]), "mpps_out", Stats.round(v[1]), "mpps_dropped", Stats.round(v[2])));
        }
        m.put("windows", windows);
        m.put("description", r.mode().description);
        m.put("error", r.error());
        return m;
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "chain");
        root.put("hop", "direct");
        root.putAll(figures("direct"));
        if (options.hops().contains("manager")) {
            root.put("manager_hop", figures("manager"));
        }
        List<Map<String, Object>> samples = new ArrayList<>();
        for (CircleBench.Result r : circles) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("hop", r.hop());
            s.put("length", r.length());
            s.put("in_flight", r.inFlight());
            s.put("windows_mpps", r.windowsMpps().stream().map(Stats::round).toList());
            s.put("median_mpps", Stats.round(r.medianMpps()));
            s.put("mhops_per_s", Stats.round(r.mhopsPerSecond()));
            s.put("ns_per_hop", Stats.round(r.nsPerHop()));
            s.put("drops", r.drops());
            s.put("drop_reasons", r.dropReasons());
            s.put("pool_in_flight", r.poolInFlight());
            s.put("flagged", r.flagged());
            s.put("bimodal", bimodal(r.windowsMpps()));
            s.put("error", r.error());
            samples.add(s);
        }
        root.put("samples", samples);
        root.put("port_rate_pps", options.portRate());
        root.put("run_to_completion", port(rtc));
        root.put("six_processes", port(six));
        root.put("flagged_runs", flaggedRuns());
        Map<String, Object> anchors = new LinkedHashMap<>();
        anchors.put("onvm_self_loop_mpps", ONVM_SELF_LOOP_MPPS);
        anchors.put("onvm_self_loop_ns_per_hop", ONVM_SELF_LOOP_NS_PER_HOP);
        anchors.put("onvm_chain_mhops_8192", ONVM_CHAIN_MHOPS_8192);
        anchors.put("onvm_chain_ns_per_hop_8192", ONVM_CHAIN_NS_PER_HOP_8192);
        anchors.put("onvm_chain_mhops_128", ONVM_CHAIN_MHOPS_128);
        root.put("anchors", anchors);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("max", options.max());
        settings.put("hops", options.hops());
        settings.put("in_flight", ChainBench.IN_FLIGHT);
        settings.put("warmup_ms", options.timing().warmupMillis());
        settings.put("windows", options.timing().windows());
        settings.put("window_ms", options.timing().windowMillis());
        settings.put("port_warmup_ms", options.portWarmupMillis());
        settings.put("port_windows", options.portWindows());
        settings.put("nf_aot_cache", aotCache);
        root.put("settings", settings);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("cpu_model", cpuModel);
        machine.put("java", System.getProperty("java.vm.version"));
        machine.put("cpu_share", cpu);
        machine.put("loadavg_start", loadStart);
        machine.put("loadavg_end", loadAverage());
        root.put("machine", machine);
        root.put("duration_s", Math.round(seconds * 10) / 10.0);
        root.put("command", options.command());
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first "model name" of /proc/cpuinfo, or the os.arch. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /** /proc/loadavg's first three fields, or null. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

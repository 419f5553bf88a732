package org.jnetvm.bench.nfstart;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.AotTraining;
import org.jnetvm.manager.nf.AotCache;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.manager.nf.NfRegistry;

/**
 * {@code jnetvm bench nf-start}: the time from starting an NF process to its first processed
 * packet. A manager in this JVM has a generator port (10 000 packets/s, one flow) whose
 * default chain is one service, {@code probe}; each run starts {@code bridge} for it with the
 * command the manager's launcher builds, taking {@link System#nanoTime} just before
 * {@link ProcessBuilder#start}, and polls the NF's rx counter every millisecond until it
 * moves; then it stops the NF and waits until the manager has reclaimed it. Runs with and
 * without the AOT cache alternate, after one discarded run of each.
 */
public final class NfStartBench {
    public static final double TARGET_MS = 300;
    public static final double ONVM_MS = 500;
    private static final long TIMEOUT_MS = 30_000;

    /**
     * @param runs  measured runs per configuration
     * @param train make the AOT cache first if it applies and is missing
     * @param warmup one discarded run per configuration first
     */
    public record Options(int runs, boolean train, boolean warmup, String command) {
        public Options {
            if (runs < 1) {
                throw new IllegalArgumentException("-n must be at least 1, got " + runs);
            }
        }
    }

    /**
     * One start: configuration "aot" or "plain", milliseconds to the first processed packet and
     * to registration (seen by the manager), and AOT/CDS warnings the JVM printed.
     */
    public record Sample(String config, int run, double ms, double registeredMs, List<String> jvmWarnings) {
    }

    private NfStartBench() {
    }

    static String config(String name) {
        return """
                region:
                  name: %s
                  buffers: 4096
                  ringCapacity: 1024
                  nfSlots: 8
                  maxServices: 4
                  maxChains: 2
                threads:
                  rx: 1
                  tx: 1
                hop: direct
                heartbeatTimeoutMs: 10000
                ports:
                  - name: gen0
                    kind: generator
                    rate: 10000
                    size: 64
                    flows: 1
                services:
                  - id: 1
                    name: probe
                chains:
                  default: [probe]
                """.formatted(name);
    }

    public static NfStartReport run(Options options, PrintStream progress) throws IOException, InterruptedException {
        long start = System.nanoTime();
        String loadStart = org.jnetvm.bench.chain.ChainReport.loadAverage();
        org.jnetvm.bench.chain.CpuShare.Sample cpuStart = org.jnetvm.bench.chain.CpuShare.now();
        Optional<AotCache> cache = NfLauncher.aotCache();
        AotTraining.Result training = null;
        String cacheNote;
        if (cache.isEmpty()) {
            cacheNote = "not applicable (class path not all jars, or no cache directory)";
        } else if (cache.get().exists()) {
            cacheNote = "present";
        } else if (options.train()) {
            progress.println("jnetvm bench nf-start: no AOT cache for this build; training run (a few seconds) ...");
            training = AotTraining.train(2000);
            progress.printf(Locale.ROOT, "jnetvm bench nf-start: AOT cache %s (%.1f MB) made in %.1f s%n",
                    training.cache(), training.bytes() / 1e6, training.seconds());
            cacheNote = "made by this run";
        } else {
            cacheNote = "absent";
        }
        boolean withAot = cache.isPresent() && cache.get().exists();
        List<String> configs = withAot ? List.of("aot", "plain") : List.of("plain");
        progress.printf(Locale.ROOT, "jnetvm bench nf-start: %d runs of %s; NF = bridge, 10 000 packets/s offered%n",
                options.runs(), String.join(" and ", configs));
        List<Sample> samples = new ArrayList<>();
        String name = BenchManager.uniqueName("nfstart");
        BenchManager bm = BenchManager.start(name, config(name));
        try (bm) {
            Files.createDirectories(bm.logDirectory());
            if (options.warmup()) {
                for (String c : configs) {
                    Sample s = once(bm, c, 0);
                    progress.printf(Locale.ROOT, "  warm-up %-5s %7.1f ms (discarded)%n", c, s.ms());
                }
            }
            for (int i = 1; i <= options.runs(); i++) {
                List<String> order = new ArrayList<>(configs);
                if (i % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String c : order) {
                    Sample s = once(bm, c, i);
                    samples.add(s);
                    progress.printf(Locale.ROOT, "  run %2d  %-5s %7.1f ms (registered at %5.1f ms)%s%n", i, c, s.ms(),
                            s.registeredMs(),
                            s.jvmWarnings().isEmpty() ? "" : "  JVM: " + s.jvmWarnings().getFirst());
                }
            }
        }
        BenchManager.Cleanup cleanup = bm.cleanup();
        return new NfStartReport(options, samples, withAot ? "aot" : "plain",
                cache.map(c -> c.file().toString()).orElse(null), cacheNote, training,
                (System.nanoTime() - start) / 1e9, cleanup, loadStart,
                org.jnetvm.bench.chain.CpuShare.between(cpuStart, org.jnetvm.bench.chain.CpuShare.now()));
    }

    private static Sample once(BenchManager bm, String config, int run) throws IOException, InterruptedException {
        NfLauncher launcher = bm.manager().launcher();
        List<String> command = launcher.command("bridge", "probe", List.of(), config.equals("aot"));
        NfTable nfs = new NfTable(bm.manager().region());
        long[] base = new long[nfs.slots()];
        for (int s = 0; s < base.length; s++) {
            base[s] = nfs.counter(s, NfSlotDescriptor.RX_PACKETS);
        }
        Path log = bm.logDirectory().resolve("probe-" + config + "-" + run + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process process = builder.start();
        bm.adopt(process);
        long deadline = t0 + TIMEOUT_MS * 1_000_000L;
        int slot = -1;
        long t1;
        long registered = 0;
        while (true) {
            if (slot < 0) {
                for (NfRegistry.Nf nf : bm.manager().registry().nfs()) {
                    if (nf.pid() == process.pid()) {
                        slot = nf.slot();
                        registered = System.nanoTime();
                    }
                }
            }
            if (slot >= 0 && nfs.counter(slot, NfSlotDescriptor.RX_PACKETS) > base[slot]) {
                t1 = System.nanoTime();
                break;
            }
            if (!process.isAlive()) {
                bm.keepLogs();
                throw new IllegalStateException("the NF exited with " + process.exitValue()
                        + " before its first packet; see " + log);
            }
            if (System.nanoTime() > deadline) {
                bm.keepLogs();
                throw new IllegalStateException("the NF processed no packet within " + TIMEOUT_MS + " ms; see " + log);
            }
            LockSupport.parkNanos(1_000_000);
        }
        bm.stop(process, false, TIMEOUT_MS);
        return new Sample(config, run, (t1 - t0) / 1e6, (registered - t0) / 1e6, jvmWarnings(log));
    }

    // Lines where the JVM complains about its class-data sharing / AOT cache.
    private static List<String> jvmWarnings(Path log) {
        try {
            return Files.readAllLines(log).stream()
                    .filter(l -> l.contains("[aot") || l.contains("[cds") || l.contains("AOTCache")
                            || l.contains("CDS archive"))
                    .map(String::strip).limit(5).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static Map<String, Object> summary(List<Sample> samples, String config) {
        List<Double> ms = samples.stream().filter(s -> s.config().equals(config)).map(Sample::ms).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_ms", NfStartReport.round(NfStartReport.median(ms)));
        m.put("min_ms", NfStartReport.round(ms.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)));
        m.put("max_ms", NfStartReport.round(ms.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
        m.put("samples_ms", ms.stream().map(NfStartReport::round).toList());
        List<Double> reg = samples.stream().filter(s -> s.config().equals(config)).map(Sample::registeredMs).toList();
        m.put("registered_median_ms", NfStartReport.round(NfStartReport.median(reg)));
        return m;
    }
}

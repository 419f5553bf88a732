package org.jnetvm.bench.ring;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs DPDK's {@code ring_perf_autotest} (the {@code dpdk-test} binary of Debian's dpdk-dev)
 * and reads its SP/SC bulk figures.
 *
 * <h2>What DPDK 22.11 prints (app/test/test_ring_perf.c)</h2>
 * <ul>
 * <li>"### Testing bulk enq/deq ###", {@code legacy APIs: SP/SC: bulk (size: N): V}: one
 *     lcore runs 2^23 iterations of enqueue-bulk N then dequeue-bulk N on a ring of
 *     RING_SIZE 4096 and prints TSC cycles / iterations, i.e. cycles per enqueue+dequeue
 *     <em>pair of N elements</em>. Per element: V / N.</li>
 * <li>"### Testing using two physical cores ###" (or "two hyperthreads"), same line format:
 *     a producer lcore and a consumer lcore each run 2^15 successful bulk calls of N
 *     (retrying with rte_pause while full or empty) and each computes its own TSC cycles /
 *     (2^15 x N); the line prints the <em>sum</em> of the two, already per element.</li>
 * </ul>
 * Only the first block ("legacy APIs", 8-byte pointers) is read; the "elem APIs" block that
 * follows repeats the tests with 16-byte elements. Any thread may call; {@link #run} blocks
 * for about four seconds.
 */
public final class DpdkRingPerf {

    /** Figures of one dpdk-test run, by {@link RingBenchCases} key. */
    public record Figures(Map<String, Double> cyclesPerElement, Map<String, Double> printed, String twoCoreSection) {
    }

    private static final Pattern LINE = Pattern.compile(
            "^legacy APIs: SP/SC: bulk \\(size: (\\d+)\\): ([0-9.]+)\\s*$");

    private DpdkRingPerf() {
    }

    /** The dpdk-test binary on PATH (or /usr/bin), if installed. */
    public static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "dpdk-test");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code echo ring_perf_autotest | dpdk-test --no-huge --no-pci -l 0-1 -m 256} and
     * returns everything it printed.
     *
     * @throws IOException if it cannot start, fails, or takes more than two minutes
     */
    public static String run(Path dpdkTest) throws IOException, InterruptedException {
        List<String> command = List.of(dpdkTest.toString(), "--no-huge", "--no-pci", "-l", "0-1", "-m", "256",
                // a private runtime directory, so a concurrent DPDK process cannot clash with us
                "--file-prefix=jnetvm-bench-" + ProcessHandle.current().pid(),
                // makes EAL print its TSC frequency estimate, a cross-check of ours
                "--log-level=lib.eal:debug");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write("ring_perf_autotest\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 120 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (!text.contains("Test OK") && !text.contains("### Testing")) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue()
                    + " without ring_perf_autotest results; its output ends with:\n" + tail(text, 1500));
        }
        return text;
    }

    /**
     * Reads the SP/SC bulk figures of the "legacy APIs" block and converts them to cycles per
     * element (single lcore: divided by N; two cores: as printed).
     *
     * @throws IllegalArgumentException if a figure is missing
     */
    public static Figures parse(String output) {
        Map<String, Double> perElement = new LinkedHashMap<>();
        Map<String, Double> printed = new LinkedHashMap<>();
        Map<String, Double> hyperthreads = new LinkedHashMap<>();
        String section = "";
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("###")) {
                section = line;
                continue;
            }
            if (line.startsWith("elem APIs")) {
                break; // second block: 16-byte elements
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int n = Integer.parseInt(m.group(1));
            double value = Double.parseDouble(m.group(2));
            if (section.contains("Testing bulk enq/deq")) {
                printed.put(RingBenchCases.key(n, 1), value);
                perElement.put(RingBenchCases.key(n, 1), value / n);
            } else if (section.contains("two physical cores")) {
                printed.put(RingBenchCases.key(n, 2), value);
                perElement.put(RingBenchCases.key(n, 2), value);
            } else if (section.contains("two hyperthreads")) {
                hyperthreads.put(RingBenchCases.key(n, 2), value);
            }
        }
        String twoCoreSection = "two physical cores";
        if (!perElement.containsKey(RingBenchCases.key(32, 2)) && !hyperthreads.isEmpty()) {
            twoCoreSection = "two hyperthreads";
            printed.putAll(hyperthreads);
            perElement.putAll(hyperthreads);
        }
        Map<String, Double> ordered = new LinkedHashMap<>();
        Map<String, Double> orderedPrinted = new LinkedHashMap<>();
        for (String key : RingBenchCases.KEYS) {
            Double v = perElement.get(key);
            if (v == null) {
                throw new IllegalArgumentException("ring_perf_autotest output has no SP/SC figure for " + key
                        + " (expected a line 'legacy APIs: SP/SC: bulk (size: N): V' under '### Testing bulk enq/deq ###'"
                        + " or '### Testing using two physical cores ###')");
            }
            ordered.put(key, v);
            orderedPrinted.put(key, printed.get(key));
        }
        return new Figures(ordered, orderedPrinted, twoCoreSection);
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : text.substring(text.length() - chars);
    }
}

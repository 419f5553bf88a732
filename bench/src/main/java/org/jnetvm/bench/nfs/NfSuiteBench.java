package org.jnetvm.bench.nfs;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jnetvm.bench.chain.BenchManager;
import org.jnetvm.bench.chain.CircleBench;
import org.jnetvm.core.stats.StatsSnapshot;

/**
 * What each NF of the suite costs: the NF as its own process, alone in the default chain,
 * behind one generator port that makes 64-byte or 1500-byte UDP frames (256 flows) as fast as
 * it can. The figure is the packets per second the NF takes from its ring (its rx counter),
 * which is what it can handle while the generator keeps its ring full; what it cannot take is
 * dropped at entry (ring_full) and shown as the drop percentage. {@code bridge} runs first as
 * the baseline: the platform's cost with an NF that does nothing but forward.
 *
 * <p>Each NF gets the configuration its section of docs/nfs.md describes, chosen so that every
 * packet takes the NF's full path (the firewall's last rule matches, the load balancer rewrites
 * every packet, payload_scan scans whole payloads that hold no pattern, ...). Packets an NF
 * passes on reach the end of the chain and are freed there (chain_end); router and bridge send
 * theirs out of the generator port through the manager's TX thread, which frees them.
 */
public final class NfSuiteBench {

    /** One NF at one frame size. */
    public record Result(String nf, int size, List<Double> windowsMpps, double mpps, double generatedMpps,
                         double dropPct, Map<String, Long> drops, String error) {
        /** ns per packet at the measured rate (1 / Mpps). */
        public double nsPerPacket() {
            return mpps > 0 ? 1000 / mpps : 0;
        }
    }

    /** Timing of one run: warm-up, then measured windows. */
    public record Timing(long warmupMillis, int windows, long windowMillis) {
        public static Timing standard() {
            return new Timing(1500, 2, 1000);
        }

        public static Timing quick() {
            return new Timing(800, 1, 1000);
        }
    }

    /** The NFs in the order they run; bridge first, the baseline. */
    public static final List<String> SUITE = List.of("bridge", "firewall", "load_balancer", "flow_tracker", "payload_scan",
            "arp_response", "router", "rate_limiter", "aes_encrypt", "aes_decrypt");

    static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private NfSuiteBench() {
    }

    /** Writes the files the NFs read into {@code dir}; returns each NF's arguments. */
    static Map<String, List<String>> arguments(Path dir) {
        try {
            Path rules = Files.writeString(dir.resolve("firewall.rules"), """
                    # eight rules that miss the generator's traffic, then the one that allows it
                    deny proto tcp dport 22
                    deny proto tcp dport 23
                    deny proto udp from 192.168.0.0/16
                    deny proto udp to 10.0.1.0/24
                    deny proto udp sport 0-1023
                    allow proto tcp to 10.0.0.0/8 dport 80
                    allow proto udp to fd00::/8 dport 53
                    deny proto icmp
                    allow proto udp to 10.0.0.0/24 dport 5000-5999
                    """);
            Path backends = Files.writeString(dir.resolve("backends.txt"), """
                    web1 10.0.1.1 02:00:00:00:01:01
                    web2 10.0.1.2 02:00:00:00:01:02
                    web3 10.0.1.3 02:00:00:00:01:03
                    web4 10.0.1.4 02:00:00:00:01:04
                    """);
            Path routes = Files.writeString(dir.resolve("routes.txt"), """
                    0.0.0.0/0      gen0
                    10.0.0.0/8     gen0  02:00:00:00:00:08
                    10.0.0.0/24    gen0  02:00:00:00:00:18
                    10.0.0.0/28    gen0  02:00:00:00:00:1c
                    10.0.0.2/32    gen0  02:00:00:00:00:20
                    172.16.0.0/12  gen0
                    192.168.0.0/16 gen0
                    """);
            Path patterns = Files.writeString(dir.resolve("patterns.txt"), """
                    /etc/passwd
                    /bin/sh
                    cmd.exe
                    <script
                    UNION SELECT
                    ' OR '1'='1
                    ../../
                    wget http
                    curl http
                    hex:90 90 90 90 90 90
                    eval(
                    base64_decode
                    powershell -e
                    /.git/config
                    xp_cmdshell
                    ${jndi:
                    """);
            return Map.of(
                    "bridge", List.of(),
                    "firewall", List.of("--rules", rules.toString()),
                    "load_balancer", List.of("--vip", "10.0.0.2", "--backends", backends.toString(), "--reload", "0"),
                    "flow_tracker", List.of("--interval", "0"),
                    "payload_scan", List.of("--patterns", patterns.toString(), "--action", "mark"),
                    "arp_response", List.of("--entry", "10.0.0.2=02:00:00:00:00:02"),
                    "router", List.of("--routes", routes.toString()),
                    "rate_limiter", List.of("--rate", "100M"),
                    "aes_encrypt", List.of("--key", KEY),
                    "aes_decrypt", List.of("--key", KEY));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the NFs' files into " + dir, e);
        }
    }

    /** The manager's config for {@code nf} with {@code args} behind a generator of {@code size}-byte frames. */
    static String config(String name, String nf, List<String> args, int size) {
        String quoted = args.stream().map(a -> "\"" + a.replace("\"", "\\\"") + "\"").collect(Collectors.joining(", "));
        return """
                region: {name: %s, buffers: 32768, ringCapacity: 8192, nfSlots: 8, maxServices: 4, maxChains: 2}
                threads: {rx: 1, tx: 1}
                hop: direct
                heartbeatTimeoutMs: 10000
                ports:
                  - {name: gen0, kind: generator, rate: 0, size: %d, flows: 256}
                services:
                  - {id: 1, name: nf}
                chains:
                  default: [nf]
                nfs:
                  - {nf: %s, service: nf, args: [%s]}
                """.formatted(name, size, nf, quoted);
    }

    /** Runs every NF of {@code nfs} at every size; never throws for a failed run (its result says why). */
    public static List<Result> run(List<String> nfs, List<Integer> sizes, Timing timing, PrintStream progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("jnetvm-bench-nfs-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory", e);
        }
        try {
            Map<String, List<String>> args = arguments(dir);
            List<Result> results = new ArrayList<>();
            for (String nf : nfs) {
                if (!args.containsKey(nf)) {
                    throw new IllegalArgumentException("no NF '" + nf + "' in the suite: " + String.join(", ", SUITE));
                }
                for (int size : sizes) {
                    Result r = runOne(nf, args.get(nf), size, timing);
                    progress.println(line(r));
                    results.add(r);
                }
            }
            return results;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }

    static Result runOne(String nf, List<String> args, int size, Timing timing) {
        String name = BenchManager.uniqueName("nfs-" + nf.replace('_', '-') + "-" + size);
        BenchManager bm = null;
        try {
            bm = BenchManager.start(name, config(name, nf, args, size));
            Result result;
            try (BenchManager m = bm) {
                m.checkAlive();
                Thread.sleep(timing.warmupMillis());
                StatsSnapshot first = m.manager().stats();
                StatsSnapshot before = first;
                List<Double> windows = new ArrayList<>();
                for (int w = 0; w < timing.windows(); w++) {
                    Thread.sleep(timing.windowMillis());
                    StatsSnapshot after = m.manager().stats();
                    windows.add((nfRx(after) - nfRx(before)) / ((after.nanos() - before.nanos()) / 1e3));
                    before = after;
                }
                m.checkAlive();
                double seconds = (before.nanos() - first.nanos()) / 1e9;
                long generated = before.ports().getFirst().rxPackets() - first.ports().getFirst().rxPackets();
                long handled = nfRx(before) - nfRx(first);
                Map<String, Long> drops = new TreeMap<>(CircleBench.dropDelta(first, before));
                long ringFull = drops.getOrDefault("ring_full", 0L);
                result = new Result(nf, size, windows, handled / seconds / 1e6, generated / seconds / 1e6,
                        generated > 0 ? 100.0 * ringFull / generated : 0, drops, null);
            }
            if (!bm.cleanup().clean()) {
                return new Result(nf, size, result.windowsMpps(), result.mpps(), result.generatedMpps(), result.dropPct(),
                        result.drops(), "not cleaned up: " + bm.cleanup());
            }
            return result;
        } catch (Exception e) {
            if (bm != null) {
                bm.keepLogs();
            }
            return new Result(nf, size, List.of(), 0, 0, 0, Map.of(), String.valueOf(e.getMessage()));
        }
    }

    private static long nfRx(StatsSnapshot s) {
        return s.nfs().stream().mapToLong(StatsSnapshot.Nf::rxPackets).sum();
    }

    /** One progress line. */
    public static String line(Result r) {
        if (r.error() != null && r.mpps() == 0) {
            return String.format(Locale.ROOT, "  %-14s %5d B: FAILED: %s", r.nf(), r.size(), r.error());
        }
        return String.format(Locale.ROOT, "  %-14s %5d B: %6.2f Mpps (%6.1f ns/packet), generated %6.2f Mpps, dropped"
                        + " at entry %5.1f %%  windows %s%s", r.nf(), r.size(), r.mpps(), r.nsPerPacket(), r.generatedMpps(),
                r.dropPct(), r.windowsMpps().stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList(),
                r.error() == null ? "" : "  (" + r.error() + ")");
    }
}

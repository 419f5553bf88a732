package org.jnetvm.nfs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.L3Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Looks for any of a set of byte patterns in the payload of each IP packet (TCP/UDP payload;
 * for other protocols what follows their header) with one {@link AhoCorasick} automaton, and
 * drops or marks the packets where one occurs. Packets are scanned one by one: a pattern split
 * across two packets of a stream is not seen (no reassembly).
 *
 * <p>Mark: sets {@link PacketMeta#FLAG_MARKED} and writes the pattern's number (from 1) as an
 * int at the start of the metadata's user area, for the NFs after it.
 */
@Command(name = "payload_scan", description = {"Searches IP payloads for byte patterns (Aho-Corasick, one table load"
        + " per byte whatever the number of patterns) and drops or marks the packets that contain one.",
        "Patterns file: one pattern per line, taken literally (UTF-8, blanks included); lines starting with # and"
                + " blank lines are skipped; binary patterns as hex:",
        "  GET /admin",
        "  hex:de ad be ef"})
public final class PayloadScan implements NetworkFunction {

    /** What happens to a packet whose payload holds a pattern. */
    enum Verdict { drop, mark, steer }

    static final int SCANNED = 0;
    static final int MATCHED = 1;
    static final int NOT_SCANNED = 2;

    @Option(names = {"-p", "--pattern"}, paramLabel = "TEXT", description = "A pattern, literally (repeatable).")
    List<String> literal = new ArrayList<>();

    @Option(names = "--patterns", paramLabel = "FILE", converter = PatternFile.class,
            description = "A file of patterns (format above).")
    PatternFile.Patterns file;

    @Option(names = "--ignore-case", description = "ASCII letters match in either case.")
    boolean ignoreCase;

    @Option(names = "--action", defaultValue = "drop", paramLabel = "drop|mark", converter = VerdictConverter.class,
            description = {"drop: the packet is dropped; mark: it goes on with the metadata flag MARKED and the"
                    + " pattern's number (from 1) in the first 4 bytes of the user area (default ${DEFAULT-VALUE}).",
                    "steer (move the whole flow to another chain) is not available yet: TODO, it needs the flow"
                            + " director of issue #5."})
    Verdict action;

    @Option(names = "--interval", defaultValue = "0", paramLabel = "SECONDS",
            description = "Print the counters and hits per pattern this often; 0: only when the NF stops (default ${DEFAULT-VALUE}).")
    double interval;

    final NfCounters counters = new NfCounters("scanned", "matched", "not_scanned");
    private final PacketParser parser = new PacketParser();
    private AhoCorasick automaton;
    private List<String> names;
    /** Packets in which pattern i was found first. */
    long[] hits;
    private boolean drop;
    private PeriodicTask report;

    @Override
    public void init(NfContext context) {
        List<byte[]> patterns = new ArrayList<>();
        names = new ArrayList<>();
        for (String p : literal) {
            patterns.add(p.getBytes(StandardCharsets.UTF_8));
            names.add("'" + p + "'");
        }
        if (file != null) {
            patterns.addAll(file.bytes());
            names.addAll(file.names());
        }
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no patterns: give --pattern TEXT or --patterns FILE");
        }
        automaton = AhoCorasick.build(patterns, ignoreCase);
        hits = new long[patterns.size()];
        drop = action == Verdict.drop;
        report = PeriodicTask.report("payload_scan", interval, System.out, this::report);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        MemorySegment segment = burst.segment();
        for (int i = 0; i < burst.size(); i++) {
            burst.parse(i, parser);
            L3Kind l3 = parser.l3Kind();
            long payload = parser.payloadOffset();
            if ((l3 != L3Kind.IPV4 && l3 != L3Kind.IPV6) || payload < 0) {
                c[NOT_SCANNED]++; // not IP, or malformed before its payload: nothing to scan
                continue;
            }
            c[SCANNED]++;
            int found = automaton.find(segment, payload, parser.payloadLength());
            if (found < 0) {
                continue;
            }
            c[MATCHED]++;
            hits[found]++;
            if (drop) {
                burst.drop(i);
            } else {
                PacketMeta m = burst.meta(i);
                m.flags(m.flags() | PacketMeta.FLAG_MARKED);
                segment.set(ValueLayout.JAVA_INT, m.userAddress(), found + 1);
            }
        }
    }

    @Override
    public void stop(NfContext context) {
        if (report != null) {
            report.close();
            System.out.println(report());
        }
    }

    String report() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "payload_scan: %s (%d patterns, %d states)",
                counters.format(), hits.length, automaton.states()));
        for (int p = 0; p < hits.length; p++) {
            long n = NfCounters.read(hits, p);
            if (n > 0) {
                s.append(String.format(Locale.ROOT, "%n  pattern %d %s: %d packets", p + 1, names.get(p), n));
            }
        }
        return s.toString();
    }

    /** picocli: steer is refused while the options are parsed, saying why. */
    static final class VerdictConverter implements CommandLine.ITypeConverter<Verdict> {
        @Override
        public Verdict convert(String value) {
            if (value.equals("steer")) {
                throw new CommandLine.TypeConversionException("steer is not available yet: moving a flow to another"
                        + " chain needs the flow director (issue #5); use drop or mark");
            }
            try {
                return Verdict.valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not drop or mark");
            }
        }
    }

    /** picocli: {@code --patterns FILE} is read and checked while the options are parsed. */
    static final class PatternFile implements CommandLine.ITypeConverter<PatternFile.Patterns> {
        /** The patterns of a file, with names for reports ({@code file:line}). */
        record Patterns(List<byte[]> bytes, List<String> names) {
        }

        @Override
        public Patterns convert(String value) {
            try {
                return read(Path.of(value));
            } catch (RuleFileException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }

        static Patterns read(Path file) {
            List<byte[]> bytes = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (RuleFile.Line l : RuleFile.readRaw(file)) {
                String text = l.text();
                byte[] p;
                if (text.startsWith("hex:")) {
                    String hex = text.substring(4).replaceAll("\\s+", "");
                    try {
                        p = HexFormat.of().parseHex(hex);
                    } catch (IllegalArgumentException e) {
                        throw l.error("'" + text.substring(4).strip() + "' is not hex bytes (pairs of 0-9 a-f, blanks"
                                + " allowed): " + e.getMessage());
                    }
                    if (p.length == 0) {
                        throw l.error("'hex:' with no bytes: an empty pattern would match every packet");
                    }
                } else {
                    p = text.getBytes(StandardCharsets.UTF_8);
                }
                bytes.add(p);
                names.add("(" + file.getFileName() + ":" + l.number() + ")");
            }
            if (bytes.isEmpty()) {
                throw new RuleFileException(file, 0, "holds no patterns (blank and # lines are skipped)");
            }
            return new Patterns(bytes, names);
        }
    }
}

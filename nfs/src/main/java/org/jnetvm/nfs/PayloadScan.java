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
import org.jnetvm.core.flow.FlowTarget;
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
 * drops, marks or steers the packets where one occurs. Packets are scanned one by one: a pattern
 * split across two packets of a stream is not seen (no reassembly).
 *
 * <p>Mark: sets {@link PacketMeta#FLAG_MARKED} and writes the pattern's number (from 1) as an
 * int at the start of the metadata's user area, for the NFs after it.
 *
 * <p>Steer: the matching packet goes to {@code --steer-to} (a chain, a service, or drop), and so
 * does the rest of its flow, at entry: the flow director's exact-match entry for the flow is
 * written here ({@link NfContext#steerFlow}), so later packets of the flow never reach this NF.
 */
@Command(name = "payload_scan", description = {"Searches IP payloads for byte patterns (Aho-Corasick, one table load"
        + " per byte whatever the number of patterns) and drops, marks or steers the packets that contain one.",
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

    @Option(names = "--action", defaultValue = "drop", paramLabel = "drop|mark|steer", converter = VerdictConverter.class,
            description = {"drop: the packet is dropped; mark: it goes on with the metadata flag MARKED and the"
                    + " pattern's number (from 1) in the first 4 bytes of the user area; steer: the packet and the"
                    + " rest of its flow go where --steer-to says (default ${DEFAULT-VALUE})."})
    Verdict action;

    @Option(names = "--steer-to", paramLabel = "chain:NAME|service:NAME|drop",
            description = {"With --action steer: where a matching flow goes from the matching packet on:",
                    "a chain (its first service), a service (the flow then ends there unless it sends packets out),"
                            + " or drop (dropped at entry by the manager, counted as flow_drop)."})
    String steerTo;

    @Option(names = "--interval", defaultValue = "0", paramLabel = "SECONDS",
            description = "Print the counters and hits per pattern this often; 0: only when the NF stops (default ${DEFAULT-VALUE}).")
    double interval;

    static final int STEERED = 3;
    static final int STEER_FAILED = 4;

    final NfCounters counters = new NfCounters("scanned", "matched", "not_scanned", "steered", "steer_failed");
    private final PacketParser parser = new PacketParser();
    private AhoCorasick automaton;
    private List<String> names;
    /** Packets in which pattern i was found first. */
    long[] hits;
    private boolean drop;
    private int steerTarget = -1;
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
        if (action == Verdict.steer) {
            steerTarget = steerTarget(context, steerTo);
        } else if (steerTo != null) {
            throw new IllegalArgumentException("--steer-to goes with --action steer (the action is " + action + ")");
        }
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
            } else if (steerTarget >= 0) {
                // The flow first (from its next packet on, RX sends it there), then this packet.
                c[context.steerFlow(burst, i, steerTarget) ? STEERED : STEER_FAILED]++;
                int value = FlowTarget.value(steerTarget);
                switch (FlowTarget.kind(steerTarget)) {
                    case FlowTarget.KIND_CHAIN -> burst.toChain(i, value);
                    case FlowTarget.KIND_SERVICE -> burst.toService(i, value);
                    default -> burst.drop(i);
                }
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

    /** The flow target {@code --steer-to} names, checked against the region's chains and services. */
    static int steerTarget(NfContext context, String text) {
        if (text == null) {
            throw new IllegalArgumentException("--action steer needs --steer-to chain:NAME, service:NAME or drop");
        }
        if (text.equals("drop")) {
            return FlowTarget.drop();
        }
        if (text.startsWith("chain:")) {
            int id = context.chainId(text.substring(6));
            if (id < 0) {
                throw new IllegalArgumentException("--steer-to " + text + ": no chain has that name");
            }
            return FlowTarget.chain(id);
        }
        if (text.startsWith("service:")) {
            return FlowTarget.service(Services.require(context, text.substring(8), "--steer-to"));
        }
        throw new IllegalArgumentException("--steer-to '" + text + "' is not chain:NAME, service:NAME or drop");
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

    /** picocli: the verdict by its name, with an error that lists them. */
    static final class VerdictConverter implements CommandLine.ITypeConverter<Verdict> {
        @Override
        public Verdict convert(String value) {
            try {
                return Verdict.valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not drop, mark or steer");
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

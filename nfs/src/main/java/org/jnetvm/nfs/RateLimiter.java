package org.jnetvm.nfs;

import java.util.Locale;
import java.util.function.LongSupplier;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A token-bucket policer: packets within {@code --rate} (with bursts up to {@code --burst-size})
 * go on, the excess is dropped and counted. One bucket per flow (5-tuple, in a {@link FlowTable})
 * or one for everything this NF sees ({@code --per service}: with several instances of the
 * service, each has its own bucket, so the service passes instances x rate). Rates are in
 * packets or, with a bit/s unit, in bytes of frame.
 *
 * <p>Arithmetic: a bucket holds tokens x 10^9 in a long, refilled by elapsed nanoseconds x rate,
 * so nothing is rounded and no floating point runs per packet; the time is read once per burst.
 * A bucket that has not been used for the time it takes to fill is full, the same as a new one,
 * so idle flows are removed from the table without changing any decision. Frames that are not
 * IP, and flows beyond {@code --max-flows}, share one more bucket.
 */
@Command(name = "rate_limiter", description = {"Token-bucket policer per flow or per service: packets within --rate"
        + " (bursts up to --burst-size) go on, the excess is dropped and counted."})
public final class RateLimiter implements NetworkFunction {

    /** What one bucket covers. */
    enum Per { flow, service }

    private static final long NANO = 1_000_000_000L;
    private static final int TOKENS = 0;
    private static final int LAST = 1;
    private static final int SWEEP_PER_BURST = 64;

    static final int PASSED = 0;
    static final int DROPPED = 1;
    static final int SHARED = 2;
    static final int EXPIRED = 3;

    @Option(names = "--rate", required = true, paramLabel = "RATE", converter = Rate.Parser.class,
            description = "Packets per second (1000, 10k, 1.5M) or bits per second of frames (100kbit, 10mbit, 1gbit).")
    Rate rate;

    @Option(names = "--burst-size", paramLabel = "N", converter = Rate.AmountParser.class,
            description = "Bucket depth: packets, or bytes with a bit/s rate (k, M suffixes allowed); default: 0.1 s of"
                    + " the rate, at least 1 packet or 1514 bytes.")
    Long burstSize;

    @Option(names = "--per", defaultValue = "flow", paramLabel = "flow|service",
            description = "One bucket per flow (5-tuple) or one for all packets this NF sees (default ${DEFAULT-VALUE}).")
    Per per;

    @Option(names = "--max-flows", defaultValue = "65536", paramLabel = "N",
            description = "Flows with a bucket of their own at once (default ${DEFAULT-VALUE}).")
    int maxFlows;

    /** Where time comes from (System.nanoTime; tests set their own). */
    LongSupplier clock = System::nanoTime;
    final NfCounters counters = new NfCounters("passed", "dropped", "shared_bucket", "expired");
    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();
    private FlowTable table;
    private long perSecond;
    private long capacity;
    private long fillNanos;
    private boolean bytes;
    /** The bucket of --per service, and the shared one (not IP, table full) of --per flow. */
    private long sharedTokens;
    private long sharedLast;

    @Override
    public void init(NfContext context) {
        bytes = rate.bytes();
        perSecond = rate.perSecond();
        long depth = burstSize != null ? burstSize : Math.max(bytes ? 1514 : 1, perSecond / 10);
        if (depth < 1 || depth > NANO) {
            throw new IllegalArgumentException("--burst-size " + depth + " is out of range 1.." + NANO);
        }
        capacity = depth * NANO;
        fillNanos = capacity / perSecond + 1;
        sharedTokens = capacity;
        sharedLast = clock.getAsLong();
        if (per == Per.flow) {
            if (maxFlows < 1 || maxFlows > 1 << 24) {
                throw new IllegalArgumentException("--max-flows " + maxFlows + " is out of range 1.." + (1 << 24));
            }
            table = new FlowTable(maxFlows, FlowKey.WORDS, 2);
        }
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long now = clock.getAsLong();
        long[] c = counters.values;
        FlowTable t = table;
        for (int i = 0; i < burst.size(); i++) {
            PacketMeta m = burst.meta(i);
            long cost = bytes ? (long) m.dataLength() * NANO : NANO;
            int slot = -1;
            if (t != null && burst.parse(i, parser) == PacketParser.OK && tuple.extract(parser)) {
                FlowKey.pack(tuple, t.key);
                int hash = (m.flags() & PacketMeta.FLAG_HASH_VALID) != 0 ? m.flowHash() : FlowHash.SYMMETRIC.hash(tuple);
                slot = t.find(hash);
                if (slot < 0) {
                    slot = t.insert(slot, hash);
                    if (slot >= 0) {
                        t.value(slot, TOKENS, capacity);
                        t.value(slot, LAST, now);
                    }
                }
            }
            boolean pass;
            if (slot >= 0) {
                long tokens = refill(t.value(slot, TOKENS), t.value(slot, LAST), now);
                pass = tokens >= cost;
                t.value(slot, TOKENS, pass ? tokens - cost : tokens);
                t.value(slot, LAST, now);
            } else {
                if (t != null) {
                    c[SHARED]++;
                }
                long tokens = refill(sharedTokens, sharedLast, now);
                pass = tokens >= cost;
                sharedTokens = pass ? tokens - cost : tokens;
                sharedLast = now;
            }
            if (pass) {
                c[PASSED]++;
            } else {
                c[DROPPED]++;
                burst.drop(i);
            }
        }
        if (t != null) {
            c[EXPIRED] += t.expire(SWEEP_PER_BURST, LAST, now - fillNanos);
        }
    }

    // Tokens after refilling from `last` to `now`, at most the bucket's capacity.
    private long refill(long tokens, long last, long now) {
        long elapsed = Math.min(Math.max(0, now - last), fillNanos);
        return Math.min(capacity, tokens + elapsed * perSecond);
    }

    @Override
    public void idle(NfContext context) {
        if (table != null) {
            counters.values[EXPIRED] += table.expire(SWEEP_PER_BURST * 16, LAST, clock.getAsLong() - fillNanos);
        }
    }

    @Override
    public void stop(NfContext context) {
        System.out.println(String.format(Locale.ROOT, "rate_limiter: %s (%s per %s, bucket %d %s)", counters.format(),
                rate, per, capacity / NANO, bytes ? "bytes" : "packets"));
    }

    /** Buckets held in the flow table now (per flow only). */
    int flows() {
        return table == null ? 0 : table.size();
    }

    /**
     * A rate: {@code perSecond} packets, or bytes when {@code bytes} (given in bits per second).
     */
    record Rate(long perSecond, boolean bytes, String text) {
        @Override
        public String toString() {
            return text;
        }

        /** picocli: 1000, 10k, 1.5M (packets/s); 100kbit, 10mbit, 1gbit, 1gbps (bits/s). */
        static final class Parser implements CommandLine.ITypeConverter<Rate> {
            @Override
            public Rate convert(String value) {
                String v = value.toLowerCase(Locale.ROOT);
                boolean bits = v.endsWith("bit") || v.endsWith("bps");
                if (bits) {
                    v = v.substring(0, v.length() - 3);
                } else if (v.endsWith("pps")) {
                    v = v.substring(0, v.length() - 3);
                }
                double amount = amount(v, value);
                long perSecond = Math.round(bits ? amount / 8 : amount);
                if (perSecond < 1 || perSecond > 100_000_000_000L) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is out of range: at least 1 packet or 8"
                            + " bit per second, at most 10^11 per second");
                }
                return new Rate(perSecond, bits, value);
            }
        }

        /** picocli: a count with an optional k, M or G. */
        static final class AmountParser implements CommandLine.ITypeConverter<Long> {
            @Override
            public Long convert(String value) {
                return Math.round(amount(value.toLowerCase(Locale.ROOT), value));
            }
        }

        private static double amount(String v, String original) {
            double scale = 1;
            if (!v.isEmpty()) {
                switch (v.charAt(v.length() - 1)) {
                    case 'k' -> scale = 1e3;
                    case 'm' -> scale = 1e6;
                    case 'g' -> scale = 1e9;
                    default -> scale = 1;
                }
            }
            String number = scale == 1 ? v : v.substring(0, v.length() - 1);
            if (!number.matches("[0-9]{1,15}(\\.[0-9]{1,9})?")) {
                throw new CommandLine.TypeConversionException("'" + original + "' is not a number with an optional k, M"
                        + " or G (and for rates pps or bit), e.g. 10k or 100mbit");
            }
            return Double.parseDouble(number) * scale;
        }
    }
}

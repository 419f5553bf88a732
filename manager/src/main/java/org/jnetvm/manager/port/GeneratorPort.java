package org.jnetvm.manager.port;

import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.UdpTraffic;
import org.jnetvm.core.route.Router;

/**
 * An in-memory traffic source and sink: receives synthetic IPv4/UDP frames ({@link UdpTraffic})
 * at a configured rate (token bucket on {@link System#nanoTime}, or as fast as the pool allows
 * when the rate is 0) cycling through its flows, and transmits by counting and freeing.
 * Lets the whole platform run, and be measured, without any interface.
 */
public final class GeneratorPort implements Port {
    private final String name;
    private final int portId;
    private final long rate;
    private final UdpTraffic traffic;
    private final MemorySegment segment;
    private final PacketMeta meta;
    private final long limit;
    private long generated;
    private int nextFlow;
    /**
     * Depth of the token bucket: 10 ms of packets. A poll loop on a busy machine can be descheduled for a few
     * milliseconds; a bucket one burst deep would throw that time away (CI saw 20000/s come out as 10000/s while a
     * browser started), a deeper one would turn a long stall into a flood.
     */
    static final long BUCKET_NANOS = 10_000_000L;
    private final double bucketDepth;
    private final LongSupplier clock;
    private double tokens;
    private long lastNanos;

    /**
     * @param rate  packets per second, 0 for as fast as possible
     * @param limit packets to generate in all, or 0 for no limit (tests use a limit)
     */
    public GeneratorPort(String name, int portId, long rate, int frameLength, int flows, long limit,
                         MemorySegment segment, PacketMeta meta) {
        this(name, portId, rate, frameLength, flows, limit, segment, meta, System::nanoTime);
    }

    /** As above, on the given clock (tests step it by hand). Read once per poll, never per packet. */
    GeneratorPort(String name, int portId, long rate, int frameLength, int flows, long limit,
                  MemorySegment segment, PacketMeta meta, LongSupplier clock) {
        this.name = name;
        this.portId = portId;
        this.rate = rate;
        this.limit = limit;
        this.traffic = new UdpTraffic(frameLength, flows);
        this.segment = segment;
        this.meta = meta;
        this.clock = clock;
        this.lastNanos = clock.getAsLong();
        this.bucketDepth = rate * (BUCKET_NANOS / 1e9);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "generator";
    }

    /** Packets generated so far. */
    public long generated() {
        return generated;
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        int want = max;
        if (rate > 0) {
            long now = clock.getAsLong();
            tokens = Math.min(tokens + (now - lastNanos) * (rate / 1e9), Math.max(max, bucketDepth));
            lastNanos = now;
            want = (int) Math.min(tokens, max);
        }
        if (limit > 0) {
            want = (int) Math.min(want, limit - generated);
        }
        if (want <= 0) {
            return 0;
        }
        int got = router.alloc(dst, 0, want);
        if (got == 0) {
            return 0; // pool exhausted: everything is in flight; try again next poll
        }
        for (int i = 0; i < got; i++) {
            PacketMeta m = meta.wrap(dst[i]);
            int flow = nextFlow;
            nextFlow = flow + 1 == traffic.flows() ? 0 : flow + 1;
            int length = traffic.write(segment, m.dataAddress(), flow);
            m.dataLength(length).flowHash(traffic.hash(flow)).flags(PacketMeta.FLAG_HASH_VALID).inputPort(portId);
        }
        tokens -= got;
        generated += got;
        return got;
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        router.release(indices, offset, count);
        return count;
    }
}

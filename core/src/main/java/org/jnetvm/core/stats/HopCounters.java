package org.jnetvm.core.stats;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import org.jnetvm.core.util.Counters;

/**
 * Where a writer's packets went: a small table of hop counters in the writer's own block (an NF
 * slot's, a manager thread's), so that the operator surface can draw every hop packets take,
 * TONF hand-offs and flow-rule steering included, with live rates, and not only the hops the
 * chains name.
 *
 * <pre>
 *   ENTRIES entries of 16 B, filled in order, an entry's hop written once:
 *   +0  from int     the service the packets left (a service id), or {@link #ENTRY}: they entered from a port
 *   +4  to int       the service they were handed to (a service id), or a port p as {@link #port}(p) = -(p + 1)
 *   +8  packets long cumulative, opaque
 *   An entry whose from is 0 and to is 0 is unused, and so is every one after it. When all are
 *   taken, the last one is {@link #OTHER} to {@link #OTHER}: everything that found no entry.
 * </pre>
 *
 * <p>One writer per block, as for {@link Counters}: the writer claims an entry by writing its count,
 * then its hop with release; a reader loads the hop with acquire, so it never sees a claimed hop with
 * another hop's count. Counts are added once per run of packets with the same destination (the
 * router's runs), and the writer remembers the last entry it used, so the common case is one
 * compare and one opaque store per run. Entries are never reused: counts are cumulative for the
 * block's lifetime, so rates computed from two reads never go backwards.
 */
public final class HopCounters {
    /** The {@code from} of packets that entered from a port (what RX threads write). */
    public static final int ENTRY = 0;
    /** The hop of the last entry once the table is full. */
    public static final int OTHER = Integer.MIN_VALUE;
    public static final int ENTRIES = 16;
    public static final int FROM_OFFSET = 0;
    public static final int TO_OFFSET = 4;
    public static final int PACKETS_OFFSET = 8;
    public static final int ENTRY_LENGTH = 16;
    public static final int LENGTH = ENTRIES * ENTRY_LENGTH;

    private static final VarHandle LONG_HOP = JAVA_LONG.varHandle();
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final MemorySegment segment;
    private final long base;
    private long lastHop = Long.MIN_VALUE;
    private long lastAddress;
    private int used = -1; // entries in use, read from memory on first add (the block may hold earlier counts)

    /** The writer's view of the table at {@code base}; one writer per table. */
    public HopCounters(MemorySegment segment, long base) {
        this.segment = segment;
        this.base = base;
    }

    /** The {@code to} of a port. */
    public static int port(int port) {
        return -(port + 1);
    }

    /** The port a {@code to} names, or -1 if it names a service. */
    public static int portOf(int to) {
        return to < 0 && to != OTHER ? -to - 1 : -1;
    }

    /** Adds {@code packets} to the hop {@code from -> to}; only the table's one writer may call this. */
    public void add(int from, int to, long packets) {
        long hop = hop(from, to);
        if (hop != lastHop) {
            lastAddress = find(from, to);
            lastHop = hop;
        }
        Counters.add(segment, lastAddress, packets);
    }

    // The packets counter of the hop's entry, claiming one (or the last, OTHER) if it has none.
    private long find(int from, int to) {
        if (used < 0) {
            used = used(segment, base);
        }
        for (int i = 0; i < used; i++) {
            long e = base + (long) i * ENTRY_LENGTH;
            if (segment.get(JAVA_INT, e + FROM_OFFSET) == from && segment.get(JAVA_INT, e + TO_OFFSET) == to) {
                return e + PACKETS_OFFSET;
            }
        }
        if (used == ENTRIES) {
            return base + (long) (ENTRIES - 1) * ENTRY_LENGTH + PACKETS_OFFSET; // the OTHER entry
        }
        boolean last = used == ENTRIES - 1;
        long e = base + (long) used * ENTRY_LENGTH;
        used++;
        LONG_HOP.setOpaque(segment, e + PACKETS_OFFSET, 0L);
        LONG_HOP.setRelease(segment, e, hop(last ? OTHER : from, last ? OTHER : to));
        return e + PACKETS_OFFSET;
    }

    // Both ints as one long, in the segment's (native) byte order, so one release store publishes the hop.
    private static long hop(int from, int to) {
        return LITTLE_ENDIAN
                ? (from & 0xFFFF_FFFFL) | ((long) to << 32)
                : ((long) from << 32) | (to & 0xFFFF_FFFFL);
    }

    /** Entries in use in the table at {@code base}; any thread, any process. */
    public static int used(MemorySegment segment, long base) {
        for (int i = 0; i < ENTRIES; i++) {
            if ((long) LONG_HOP.getAcquire(segment, base + (long) i * ENTRY_LENGTH) == 0L) {
                return i;
            }
        }
        return ENTRIES;
    }

    /** Entry {@code i}'s from (after {@link #used} said it is in use). */
    public static int from(MemorySegment segment, long base, int i) {
        return segment.get(JAVA_INT, base + (long) i * ENTRY_LENGTH + FROM_OFFSET);
    }

    /** Entry {@code i}'s to. */
    public static int to(MemorySegment segment, long base, int i) {
        return segment.get(JAVA_INT, base + (long) i * ENTRY_LENGTH + TO_OFFSET);
    }

    /** Entry {@code i}'s packets. */
    public static long packets(MemorySegment segment, long base, int i) {
        return Counters.get(segment, base + (long) i * ENTRY_LENGTH + PACKETS_OFFSET);
    }

    /** Adds every entry of the table at {@code base} to {@code sums}, by hop (from, to); any thread, any process. */
    public static void sumInto(MemorySegment segment, long base, Map<Long, Long> sums) {
        int used = used(segment, base);
        for (int i = 0; i < used; i++) {
            long packets = packets(segment, base, i);
            if (packets != 0) {
                sums.merge(hop(from(segment, base, i), to(segment, base, i)), packets, Long::sum);
            }
        }
    }

    /** The from of a hop key made by {@link #sumInto}. */
    public static int fromOf(long hop) {
        return LITTLE_ENDIAN ? (int) hop : (int) (hop >>> 32);
    }

    /** The to of a hop key made by {@link #sumInto}. */
    public static int toOf(long hop) {
        return LITTLE_ENDIAN ? (int) (hop >>> 32) : (int) hop;
    }
}

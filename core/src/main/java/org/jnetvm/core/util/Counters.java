package org.jnetvm.core.util;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Single-writer 64-bit counters in shared memory. Each counter has exactly one writing thread
 * (an NF's loop, one manager thread), so an increment is a plain load and an opaque store: no
 * atomic instruction, no fence. Readers in any process load with opaque and may see a value a
 * burst old, never a torn one. Totals (per service, per port) are sums that readers compute.
 */
public final class Counters {
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private Counters() {
    }

    /** Adds {@code n} to the counter at {@code address}; only its one writer may call this. */
    public static void add(MemorySegment segment, long address, long n) {
        LONG.setOpaque(segment, address, (long) LONG.getOpaque(segment, address) + n);
    }

    /**
     * Adds {@code n} atomically, for the few counters with more than one writer: a port that
     * several RX threads read through PACKET_FANOUT. One atomic add per burst, not per packet.
     */
    public static void addShared(MemorySegment segment, long address, long n) {
        LONG.getAndAdd(segment, address, n);
    }

    /** Reads the counter at {@code address}; any thread, any process. */
    public static long get(MemorySegment segment, long address) {
        return (long) LONG.getOpaque(segment, address);
    }
}

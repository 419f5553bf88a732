package org.jnetvm.core.buffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the 64-byte metadata at the start of a packet buffer
 * ({@link PacketBufferDescriptor}). One instance is reused for any number of buffers: call
 * {@link #wrap(int)} with a buffer index, then read or write fields; nothing is allocated.
 *
 * <pre>
 *   0        1       2             4              8            10           12            16
 *   +--------+-------+-------------+--------------+------------+------------+-------------+
 *   | action | flags | chain index | destination  | input port | data offset| data length |
 *   | u8     | u8    | u16         | i32          | u16        | u16        | i32         |
 *   +--------+-------+-------------+--------------+------------+------------+-------------+
 *   16           20           24                 32           36           40          64
 *   +------------+------------+------------------+------------+------------+-----------+
 *   | flow hash  | chain id   | timestamp (ns)   | owner      | flow lease | user (24B)|
 *   | i32        | i32        | i64              | i32        | i32        |           |
 *   +------------+------------+------------------+------------+------------+-----------+
 * </pre>
 *
 * The timestamp is System.nanoTime (CLOCK_MONOTONIC, one clock for every process) read once per burst by the RX
 * thread that took the packet from its port: how long a packet has been inside JNetVM is now minus it. The flow lease
 * is the instance of a per-flow service the packet's flow was bound to at entry ({@link org.jnetvm.core.flow.FlowLease}),
 * 0 when none.
 *
 * <p>Only the packet's current owner (the thread that dequeued its index) may write it; the
 * ring that moves the index orders these writes before the next owner's reads.
 */
public final class PacketMeta {
    public static final int ACTION_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int CHAIN_INDEX_OFFSET = 2;
    public static final int DESTINATION_OFFSET = 4;
    public static final int INPUT_PORT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 10;
    public static final int DATA_LENGTH_OFFSET = 12;
    public static final int FLOW_HASH_OFFSET = 16;
    public static final int CHAIN_ID_OFFSET = 20;
    public static final int TIMESTAMP_OFFSET = 24;
    public static final int OWNER_OFFSET = 32;
    /** The owner id of a buffer in the pool (the free ring, or a cache on its way there); see {@code route.Owner}. */
    public static final int OWNER_POOL = 0;
    public static final int FLOW_LEASE_OFFSET = 36;
    public static final int USER_OFFSET = 40;
    public static final int USER_LENGTH = PacketBufferDescriptor.META_LENGTH - USER_OFFSET;

    /** Flag bit: the flow hash field holds a computed hash. */
    public static final int FLAG_HASH_VALID = 1;
    /**
     * Flag bit: an NF marked the packet for the NFs after it (payload_scan with --action mark
     * sets it and puts what it found in the user area); cleared with the rest of the metadata
     * when the buffer is allocated.
     */
    public static final int FLAG_MARKED = 2;

    private final MemorySegment segment;
    private final long bufferArea;
    private final int stride;
    private final int headroom;
    private long base;

    /**
     * @param segment    the region's segment
     * @param bufferArea offset of buffer 0 in the segment
     * @param stride     distance between buffers
     * @param headroom   bytes between the metadata and the default start of a frame
     */
    public PacketMeta(MemorySegment segment, long bufferArea, int stride, int headroom) {
        this.segment = segment;
        this.bufferArea = bufferArea;
        this.stride = stride;
        this.headroom = headroom;
    }

    /** A new flyweight over the same pool, for another use on the same thread. */
    public PacketMeta duplicate() {
        return new PacketMeta(segment, bufferArea, stride, headroom);
    }

    /** Points this flyweight at buffer {@code index}; returns this. */
    public PacketMeta wrap(int index) {
        base = bufferArea + (long) index * stride;
        return this;
    }

    /** Offset in the segment of the first frame byte of the wrapped buffer. */
    public long dataAddress() {
        return base + PacketBufferDescriptor.META_LENGTH + dataOffset();
    }

    /** Resets the metadata of a freshly allocated buffer: frame at the headroom's end, length 0. */
    public PacketMeta reset() {
        segment.set(JAVA_LONG, base, 0L);
        segment.set(JAVA_LONG, base + 8, 0L);
        segment.set(JAVA_LONG, base + 16, 0L);
        segment.set(JAVA_LONG, base + 24, 0L);
        segment.set(JAVA_LONG, base + 32, 0L);
        segment.set(JAVA_SHORT, base + DATA_OFFSET_OFFSET, (short) headroom);
        return this;
    }

    public int action() { return segment.get(JAVA_BYTE, base + ACTION_OFFSET); }
    public PacketMeta action(int action) { segment.set(JAVA_BYTE, base + ACTION_OFFSET, (byte) action); return this; }

    public int flags() { return segment.get(JAVA_BYTE, base + FLAGS_OFFSET) & 0xFF; }
    public PacketMeta flags(int flags) { segment.set(JAVA_BYTE, base + FLAGS_OFFSET, (byte) flags); return this; }

    public int chainIndex() { return segment.get(JAVA_SHORT, base + CHAIN_INDEX_OFFSET) & 0xFFFF; }
    public PacketMeta chainIndex(int index) { segment.set(JAVA_SHORT, base + CHAIN_INDEX_OFFSET, (short) index); return this; }

    public int destination() { return segment.get(JAVA_INT, base + DESTINATION_OFFSET); }
    public PacketMeta destination(int destination) { segment.set(JAVA_INT, base + DESTINATION_OFFSET, destination); return this; }

    public int inputPort() { return segment.get(JAVA_SHORT, base + INPUT_PORT_OFFSET) & 0xFFFF; }
    public PacketMeta inputPort(int port) { segment.set(JAVA_SHORT, base + INPUT_PORT_OFFSET, (short) port); return this; }

    /** Offset of the frame's first byte from the end of the metadata (the headroom's start). */
    public int dataOffset() { return segment.get(JAVA_SHORT, base + DATA_OFFSET_OFFSET) & 0xFFFF; }
    public PacketMeta dataOffset(int offset) { segment.set(JAVA_SHORT, base + DATA_OFFSET_OFFSET, (short) offset); return this; }

    public int dataLength() { return segment.get(JAVA_INT, base + DATA_LENGTH_OFFSET); }
    public PacketMeta dataLength(int length) { segment.set(JAVA_INT, base + DATA_LENGTH_OFFSET, length); return this; }

    public int flowHash() { return segment.get(JAVA_INT, base + FLOW_HASH_OFFSET); }
    public PacketMeta flowHash(int hash) { segment.set(JAVA_INT, base + FLOW_HASH_OFFSET, hash); return this; }

    public int chainId() { return segment.get(JAVA_INT, base + CHAIN_ID_OFFSET); }
    public PacketMeta chainId(int chainId) { segment.set(JAVA_INT, base + CHAIN_ID_OFFSET, chainId); return this; }

    public long timestamp() { return segment.get(JAVA_LONG, base + TIMESTAMP_OFFSET); }
    public PacketMeta timestamp(long nanos) { segment.set(JAVA_LONG, base + TIMESTAMP_OFFSET, nanos); return this; }

    /** Who holds the buffer (an NF instance id, or 0 for the manager); kept up to date by the owner. */
    public int owner() { return segment.get(JAVA_INT, base + OWNER_OFFSET); }
    public PacketMeta owner(int owner) { segment.set(JAVA_INT, base + OWNER_OFFSET, owner); return this; }

    /** The packet's flow lease: its per-flow instance and the flow's generation there; 0 for none. */
    public int flowLease() { return segment.get(JAVA_INT, base + FLOW_LEASE_OFFSET); }
    public PacketMeta flowLease(int lease) { segment.set(JAVA_INT, base + FLOW_LEASE_OFFSET, lease); return this; }

    /** Offset in the segment of the 24-byte user area of the wrapped buffer (free for NFs). */
    public long userAddress() { return base + USER_OFFSET; }
}

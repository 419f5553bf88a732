package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Toeplitz hash of a flow, as NICs compute for RSS, table-driven. The manager uses it to
 * spread flows over service instances and to index the flow table; it is stored in packet
 * metadata so NFs need not recompute it. Immutable after construction: share one instance
 * between all threads.
 *
 * <p>Input, as in Microsoft's RSS spec: source address, destination address, source port,
 * destination port, all in network order (12 bytes for IPv4, 36 for IPv6; ports as
 * {@link FiveTuple} defines them). Toeplitz XORs, for every set input bit {@code i}, the
 * 32-bit window of the key starting at bit {@code i}.
 *
 * <p>Why {@link #SYMMETRIC} is symmetric: its key is 0x6D5A repeated, so the window at bit
 * {@code i} equals the window at {@code i + 16k}. Swapping source and destination moves each
 * address bit by 32 (IPv4) or 128 (IPv6) positions and each port bit by 16 — all multiples of
 * 16 — so every set bit meets the same window as before and the XOR is unchanged: both
 * directions of a connection hash alike (Woo and Park, "Scalable TCP Session Monitoring with
 * Symmetric Receive-side Scaling", 2012).
 *
 * <p>Speed: Toeplitz is linear over XOR, so the contribution of each input byte depends only
 * on its position and value; {@code tables[pos][value]} holds it, built once, and a hash is
 * one lookup per input byte (36 for IPv6).
 */
public final class FlowHash {
    /** Longest input: two IPv6 addresses and two ports. */
    public static final int MAX_INPUT = 36;
    /** Key bytes needed for {@link #MAX_INPUT}: input bits plus one 32-bit window. */
    public static final int KEY_LENGTH = MAX_INPUT + 4;

    /** The symmetric key: 0x6D5A repeated to 40 bytes. */
    public static final FlowHash SYMMETRIC = new FlowHash(symmetricKey());

    private final int[][] tables;

    /** A hash with the given 40-byte key (copied). */
    public FlowHash(byte[] key) {
        if (key.length < KEY_LENGTH) {
            throw new IllegalArgumentException("Toeplitz key has " + key.length + " bytes; needs " + KEY_LENGTH
                    + " to cover a 36-byte IPv6 input");
        }
        tables = new int[MAX_INPUT][256];
        for (int pos = 0; pos < MAX_INPUT; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                int window = window(key, pos * 8 + bit);
                int mask = 0x80 >>> bit;
                for (int v = 0; v < 256; v++) {
                    if ((v & mask) != 0) {
                        tables[pos][v] ^= window;
                    }
                }
            }
        }
    }

    private static int window(byte[] key, int bitPos) {
        int w = 0;
        for (int i = 0; i < 32; i++) {
            int b = bitPos + i;
            int bit = (key[b >>> 3] >>> (7 - (b & 7))) & 1;
            w = (w << 1) | bit;
        }
        return w;
    }

    private static byte[] symmetricKey() {
        byte[] k = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i += 2) {
            k[i] = 0x6D;
            k[i + 1] = 0x5A;
        }
        return k;
    }

    /** Hash of a tuple; 0 for {@link FiveTuple#FAMILY_NONE}. */
    public int hash(FiveTuple t) {
        return switch (t.family()) {
            case FiveTuple.FAMILY_IPV4 -> {
                int h = int32(0, (int) t.srcLo());
                h ^= int32(4, (int) t.dstLo());
                yield h ^ ports(8, t.srcPort(), t.dstPort());
            }
            case FiveTuple.FAMILY_IPV6 -> {
                int h = int64(0, t.srcHi()) ^ int64(8, t.srcLo()) ^ int64(16, t.dstHi()) ^ int64(24, t.dstLo());
                yield h ^ ports(32, t.srcPort(), t.dstPort());
            }
            default -> 0;
        };
    }

    /**
     * Hash of the frame the parser last parsed, straight from the packet bytes; equals
     * {@code hash(tuple)} after {@code tuple.extract(p)}. 0 if not IP or not parsed OK.
     */
    public int hash(PacketParser p) {
        if (p.result() != PacketParser.OK) {
            return 0;
        }
        MemorySegment seg = p.segment();
        long ip = p.l3Offset();
        return switch (p.l3Kind()) {
            case IPV4 -> int64(0, Net.i64(seg, ip + 12))
                    ^ ports(8, FiveTuple.srcPortOf(p), FiveTuple.dstPortOf(p));
            case IPV6 -> int64(0, Net.i64(seg, ip + 8)) ^ int64(8, Net.i64(seg, ip + 16))
                    ^ int64(16, Net.i64(seg, ip + 24)) ^ int64(24, Net.i64(seg, ip + 32))
                    ^ ports(32, FiveTuple.srcPortOf(p), FiveTuple.dstPortOf(p));
            default -> 0;
        };
    }

    private int ports(int pos, int src, int dst) {
        return int32(pos, (src << 16) | (dst & 0xFFFF));
    }

    private int int32(int pos, int v) {
        int[][] t = tables;
        return t[pos][v >>> 24] ^ t[pos + 1][(v >>> 16) & 0xFF] ^ t[pos + 2][(v >>> 8) & 0xFF] ^ t[pos + 3][v & 0xFF];
    }

    private int int64(int pos, long v) {
        return int32(pos, (int) (v >>> 32)) ^ int32(pos + 4, (int) v);
    }
}

package org.jnetvm.nfs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed-size open-addressing hash table of flow entries for NFs that keep per-flow state
 * (flow_tracker, load_balancer, rate_limiter): a key of {@code keyWords} longs and
 * {@code valueWords} longs of the NF's own, all in one {@code long[]} allocated at start, so
 * nothing is allocated per packet. Linear probing, at most half full (capacity is the power of
 * two at least twice {@code maxEntries}), and backward-shift deletion (no tombstones, so
 * lookups never slow down after many deletions).
 *
 * <pre>
 * entry e at words[e * stride]:
 *   [0] version   even: stable; odd: being written (a per-entry seqlock for readers on other threads)
 *   [1] tag       0: empty; else OCCUPIED | the 32-bit hash the entry was inserted with
 *   [2 .. 2+keyWords)              the key
 *   [2+keyWords .. stride)         the values, the NF's to read and write
 * </pre>
 *
 * <p>Threads: one writer, the NF's loop thread, for everything. Another thread may read
 * entries with {@link #read}, which uses the version word like a seqlock: an entry being
 * inserted, moved or deleted is skipped, so a reader never sees half a key. Values are read
 * with opaque loads and may be a packet behind. Lookups compare the tag first (one load,
 * usually decides), then the key words.
 */
final class FlowTable {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long OCCUPIED = 1L << 32;
    private static final int HEADER = 2;

    private final long[] words;
    private final int stride;
    private final int keyWords;
    private final int mask;
    private final int maxEntries;
    private int size;
    private int sweepCursor;
    /** The key to look up or insert: the caller fills it before {@link #find}. */
    final long[] key;

    FlowTable(int maxEntries, int keyWords, int valueWords) {
        if (maxEntries < 1 || maxEntries > 1 << 24) {
            throw new IllegalArgumentException("flow table of " + maxEntries + " entries is out of range 1.." + (1 << 24));
        }
        int capacity = Integer.highestOneBit(maxEntries * 2 - 1) << 1;
        this.maxEntries = maxEntries;
        this.mask = capacity - 1;
        this.keyWords = keyWords;
        this.stride = HEADER + keyWords + valueWords;
        this.words = new long[capacity * stride];
        this.key = new long[keyWords];
    }

    /** Slots in the table (a power of two, at least twice {@link #maxEntries}). */
    int capacity() {
        return mask + 1;
    }

    int maxEntries() {
        return maxEntries;
    }

    /** Entries now (exact on the writer thread, a recent value elsewhere). */
    int size() {
        return size;
    }

    private static int home(int hash, int mask) {
        int h = hash * 0x9E37_79B9; // Fibonacci hashing: spreads hashes whose low bits repeat
        return (h ^ h >>> 16) & mask;
    }

    /**
     * The slot of the entry whose key equals {@link #key}, or, when there is none, a negative
     * number to hand to {@link #insert}. Writer thread only.
     */
    int find(int hash) {
        long tag = OCCUPIED | Integer.toUnsignedLong(hash);
        int slot = home(hash, mask);
        for (int probe = 0; probe <= mask; probe++) {
            int base = slot * stride;
            long t = words[base + 1];
            if (t == 0) {
                return -1 - slot;
            }
            if (t == tag && keyEquals(base)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return Integer.MIN_VALUE; // unreachable: the table is never more than half full
    }

    private boolean keyEquals(int base) {
        for (int k = 0; k < keyWords; k++) {
            if (words[base + HEADER + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Inserts {@link #key} with zeroed values where {@code find} (which returned {@code missing})
     * said it belongs; returns its slot, or -1 when the table holds {@link #maxEntries} already.
     */
    int insert(int missing, int hash) {
        if (size >= maxEntries || missing == Integer.MIN_VALUE) {
            return -1;
        }
        int slot = -1 - missing;
        int base = slot * stride;
        beginWrite(base);
        for (int k = 0; k < keyWords; k++) {
            words[base + HEADER + k] = key[k];
        }
        for (int v = base + HEADER + keyWords; v < base + stride; v++) {
            words[v] = 0;
        }
        words[base + 1] = OCCUPIED | Integer.toUnsignedLong(hash);
        endWrite(base);
        size++;
        return slot;
    }

    // A seqlock write: the version goes odd before anything changes and even after.
    private void beginWrite(int base) {
        LONGS.setOpaque(words, base, words[base] + 1);
        VarHandle.storeStoreFence();
    }

    private void endWrite(int base) {
        LONGS.setRelease(words, base, words[base] + 1);
    }

    /** Value {@code v} of the entry in {@code slot}. */
    long value(int slot, int v) {
        return words[slot * stride + HEADER + keyWords + v];
    }

    void value(int slot, int v, long value) {
        words[slot * stride + HEADER + keyWords + v] = value;
    }

    void add(int slot, int v, long delta) {
        words[slot * stride + HEADER + keyWords + v] += delta;
    }

    /** Key word {@code k} of the entry in {@code slot}. */
    long keyWord(int slot, int k) {
        return words[slot * stride + HEADER + k];
    }

    /** Whether {@code slot} holds an entry. */
    boolean occupied(int slot) {
        return words[slot * stride + 1] != 0;
    }

    /**
     * Deletes the entry in {@code slot} and shifts the entries after it in its probe run back,
     * so every entry stays reachable from its home slot. The slot may then hold another entry.
     */
    void remove(int slot) {
        int hole = slot;
        int j = slot;
        for (int probe = 0; probe < mask; probe++) {
            j = (j + 1) & mask;
            int base = j * stride;
            long t = words[base + 1];
            if (t == 0) {
                break;
            }
            int home = home((int) t, mask);
            // The entry at j may fill the hole if its home is not cyclically within (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                int to = hole * stride;
                beginWrite(to);
                System.arraycopy(words, base + 1, words, to + 1, stride - 1);
                endWrite(to);
                hole = j;
            }
        }
        int base = hole * stride;
        beginWrite(base);
        words[base + 1] = 0;
        endWrite(base);
        size--;
    }

    /**
     * Looks at the next {@code slots} slots (round robin over calls) and removes the entries
     * whose value {@code timeValue} is below {@code before}; returns how many it removed. For
     * expiring idle entries a little per burst instead of all at once.
     */
    int expire(int slots, int timeValue, long before) {
        int removed = 0;
        int slot = sweepCursor;
        for (int n = 0; n < slots && size > 0; n++) {
            // A removal shifts the next entry into this slot: look at it again (bounded by size).
            while (occupied(slot) && value(slot, timeValue) < before && removed < maxEntries) {
                remove(slot);
                removed++;
            }
            slot = (slot + 1) & mask;
        }
        sweepCursor = slot;
        return removed;
    }

    /**
     * Any thread: copies the entry in {@code slot} (key then values) into {@code into}, which
     * holds at least {@code stride - 2} longs; false when the slot is empty or being changed.
     */
    boolean read(int slot, long[] into) {
        int base = slot * stride;
        long before = (long) LONGS.getAcquire(words, base);
        if ((before & 1) != 0 || (long) LONGS.getOpaque(words, base + 1) == 0) {
            return false;
        }
        for (int w = 0; w < stride - HEADER; w++) {
            into[w] = (long) LONGS.getOpaque(words, base + HEADER + w);
        }
        VarHandle.loadLoadFence();
        return (long) LONGS.getOpaque(words, base) == before;
    }

    /** Longs an entry's key and values take ({@link #read} copies that many). */
    int entryWords() {
        return stride - HEADER;
    }
}

package org.jnetvm.nfs;

import java.util.Arrays;

/**
 * IPv4 longest-prefix match as a multibit trie with strides 16-8-8 (DPDK's rte_lpm idea with a
 * smaller first level): a lookup is one, two or three array loads, no branch per prefix length,
 * no allocation. The root has an entry for every /16; an entry is either a next hop for every
 * address under it (prefixes expanded to the level's stride, longer ones written over shorter
 * ones) or a link to a table of 256 entries for the next 8 bits.
 *
 * <pre>
 * entry (int): 0                 no route
 *              (hop + 1) << 1    next hop index 'hop' (bit 0 clear)
 *              table << 1 | 1    the 256 entries at tables[table * 256 ..] decide (bit 0 set)
 * </pre>
 * Root: 65536 entries (256 KB); each prefix longer than /16 adds at most two tables of 1 KB.
 * Built once from all routes, shortest prefixes first ({@link #build}); immutable after.
 */
final class LpmTable {
    private final int[] root;
    private final int[] tables;

    private LpmTable(int[] root, int[] tables) {
        this.root = root;
        this.tables = tables;
    }

    /**
     * The table of routes {@code prefixes[i]/lengths[i] -> hops[i]} (hops from 0). Prefixes must
     * have no bits set beyond their length and no (prefix, length) may repeat.
     */
    static LpmTable build(int[] prefixes, int[] lengths, int[] hops) {
        Integer[] order = new Integer[prefixes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Shortest first, so that a longer prefix is always written over the shorter ones it refines.
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[a], lengths[b]));
        Builder b = new Builder();
        for (int i : order) {
            b.insert(prefixes[i], lengths[i], hops[i]);
        }
        return new LpmTable(b.root, Arrays.copyOf(b.tables, b.count * 256));
    }

    /** The next hop index for {@code ip} (network-order int), or -1 when no route covers it. */
    int lookup(int ip) {
        int e = root[ip >>> 16];
        if ((e & 1) != 0) {
            e = tables[(e >>> 1 << 8) + (ip >>> 8 & 0xFF)];
            if ((e & 1) != 0) {
                e = tables[(e >>> 1 << 8) + (ip & 0xFF)];
            }
        }
        return (e >>> 1) - 1;
    }

    /** Child tables in use (for reports). */
    int tableCount() {
        return tables.length / 256;
    }

    private static final class Builder {
        final int[] root = new int[1 << 16];
        int[] tables = new int[256 * 16];
        int count;

        void insert(int prefix, int length, int hop) {
            int leaf = (hop + 1) << 1;
            if (length <= 16) {
                fill(root, prefix >>> 16, 16 - length, leaf);
                return;
            }
            int child = child(root, prefix >>> 16);
            if (length <= 24) {
                fill(tables, (child << 8) + (prefix >>> 8 & 0xFF), 24 - length, leaf);
                return;
            }
            int grandchild = child(tables, (child << 8) + (prefix >>> 8 & 0xFF));
            fill(tables, (grandchild << 8) + (prefix & 0xFF), 32 - length, leaf);
        }

        private static void fill(int[] entries, int from, int bits, int leaf) {
            Arrays.fill(entries, from, from + (1 << bits), leaf);
        }

        // The table below entries[at], made (filled with the route entries[at] held) if there is none yet.
        private int child(int[] entries, int at) {
            int e = entries[at];
            if ((e & 1) != 0) {
                return e >>> 1;
            }
            if ((count + 1) * 256 > tables.length) {
                tables = Arrays.copyOf(tables, tables.length * 2);
            }
            int t = count++;
            Arrays.fill(tables, t << 8, (t + 1) << 8, e);
            (entries == root ? root : tables)[at] = t << 1 | 1;
            return t;
        }
    }
}

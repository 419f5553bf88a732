package org.jnetvm.nfs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-pattern search (Aho and Corasick, 1975) as a complete DFA in one flat {@code int[]},
 * built once: scanning costs one table load per input byte whatever the number of patterns,
 * and allocates nothing.
 *
 * <p>Layout: input bytes map to classes ({@code byteClass}: each byte that occurs in a pattern
 * has its own class, all other bytes share class 0), which keeps the table at states x classes
 * instead of states x 256. A transition holds the next state's row offset (state x classes),
 * so the scan loop adds the class and loads, with no multiply. States where a pattern ends
 * (directly or through a suffix) are numbered last, so "found" is one compare against
 * {@code firstMatchRow}. The scan reads the payload 8 bytes at a time.
 *
 * <p>Immutable after {@link #build}; share it between threads freely.
 */
final class AhoCorasick {
    /** Largest table built (ints): 64 MB. */
    static final long MAX_TABLE = 1L << 24;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final int[] byteClass;
    private final int classes;
    private final int[] next;
    private final int firstMatchRow;
    /** Pattern found in matching state (row - firstMatchRow) / classes. */
    private final int[] matchOf;
    private final int states;

    private AhoCorasick(int[] byteClass, int classes, int[] next, int firstMatchRow, int[] matchOf, int states) {
        this.byteClass = byteClass;
        this.classes = classes;
        this.next = next;
        this.firstMatchRow = firstMatchRow;
        this.matchOf = matchOf;
        this.states = states;
    }

    /** States of the automaton (for reports and limits). */
    int states() {
        return states;
    }

    /**
     * Builds the automaton of {@code patterns} (none empty); with {@code ignoreCase}, ASCII
     * letters match either case. Pattern ids are indices into the list.
     */
    static AhoCorasick build(List<byte[]> patterns, boolean ignoreCase) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no patterns");
        }
        int[] byteClass = new int[256];
        int classes = 1;
        long total = 1;
        for (byte[] p : patterns) {
            if (p.length == 0) {
                throw new IllegalArgumentException("an empty pattern would match every packet");
            }
            total += p.length;
            for (byte b : p) {
                int v = fold(b & 0xFF, ignoreCase);
                if (byteClass[v] == 0) {
                    byteClass[v] = classes++;
                }
            }
        }
        if (ignoreCase) {
            for (int c = 'A'; c <= 'Z'; c++) {
                byteClass[c] = byteClass[c + 32];
            }
        }
        if (total * classes > MAX_TABLE) {
            throw new IllegalArgumentException("the patterns need a table of " + total + " states x " + classes
                    + " byte classes, over the limit of " + MAX_TABLE + " entries; use fewer or shorter patterns");
        }
        // The trie: goto[state * classes + class], -1 where there is no edge yet.
        int[] trie = new int[(int) (total * classes)];
        Arrays.fill(trie, -1);
        int[] own = new int[(int) total];
        Arrays.fill(own, -1);
        int count = 1;
        for (int id = 0; id < patterns.size(); id++) {
            int s = 0;
            for (byte b : patterns.get(id)) {
                int c = byteClass[fold(b & 0xFF, ignoreCase)];
                if (trie[s * classes + c] < 0) {
                    trie[s * classes + c] = count++;
                }
                s = trie[s * classes + c];
            }
            if (own[s] < 0) {
                own[s] = id; // a repeated pattern reports its first id
            }
        }
        // Breadth first: failure links, complete the transitions, and what each state finds.
        int[] fail = new int[count];
        int[] found = new int[count];
        found[0] = -1;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < classes; c++) {
            int t = trie[c];
            if (t < 0) {
                trie[c] = 0;
            } else {
                fail[t] = 0;
                queue.add(t);
            }
        }
        int[] order = new int[count];
        int ordered = 0;
        order[ordered++] = 0;
        while (!queue.isEmpty()) {
            int s = queue.poll();
            order[ordered++] = s;
            int viaSuffix = found[fail[s]];
            found[s] = own[s] < 0 ? viaSuffix : viaSuffix < 0 ? own[s] : Math.min(own[s], viaSuffix);
            for (int c = 0; c < classes; c++) {
                int t = trie[s * classes + c];
                if (t < 0) {
                    trie[s * classes + c] = trie[fail[s] * classes + c];
                } else {
                    fail[t] = trie[fail[s] * classes + c];
                    queue.add(t);
                }
            }
        }
        // Number states that find nothing first, then those that find a pattern.
        int[] renumber = new int[count];
        int n = 0;
        for (int s = 0; s < count; s++) {
            if (found[s] < 0) {
                renumber[s] = n++;
            }
        }
        int firstMatch = n;
        int[] matchOf = new int[count - firstMatch];
        for (int s = 0; s < count; s++) {
            if (found[s] >= 0) {
                matchOf[n - firstMatch] = found[s];
                renumber[s] = n++;
            }
        }
        int[] next = new int[count * classes];
        for (int s = 0; s < count; s++) {
            for (int c = 0; c < classes; c++) {
                next[renumber[s] * classes + c] = renumber[trie[s * classes + c]] * classes;
            }
        }
        return new AhoCorasick(byteClass, classes, next, firstMatch * classes, matchOf, count);
    }

    private static int fold(int b, boolean ignoreCase) {
        return ignoreCase && b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    /**
     * The id of the pattern that ends first in {@code [offset, offset + length)} of
     * {@code segment} (the lowest id among those ending at that byte), or -1 if none occurs.
     */
    int find(MemorySegment segment, long offset, int length) {
        int[] t = next;
        int[] cls = byteClass;
        int first = firstMatchRow;
        int row = 0;
        long p = offset;
        long end = offset + length;
        for (; end - p >= 8; p += 8) {
            long word = segment.get(LONG_LE, p);
            for (int k = 0; k < 8; k++) {
                row = t[row + cls[(int) (word >>> (8 * k)) & 0xFF]];
                if (row >= first) {
                    return matchOf[(row - first) / classes];
                }
            }
        }
        for (; p < end; p++) {
            row = t[row + cls[segment.get(ValueLayout.JAVA_BYTE, p) & 0xFF]];
            if (row >= first) {
                return matchOf[(row - first) / classes];
            }
        }
        return -1;
    }
}

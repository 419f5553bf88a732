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
    /** Bytes of the longest pattern minus one: how far a match can reach back from where it ends. */
    private final int reach;

    private AhoCorasick(int[] byteClass, int classes, int[] next, int firstMatchRow, int[] matchOf, int states,
                        int reach) {
        this.byteClass = byteClass;
        this.classes = classes;
        this.next = next;
        this.firstMatchRow = firstMatchRow;
        this.matchOf = matchOf;
        this.states = states;
        this.reach = reach;
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
        int longest = patterns.stream().mapToInt(p -> p.length).max().orElse(1);
        return new AhoCorasick(byteClass, classes, next, firstMatch * classes, matchOf, count, longest - 1);
    }

    private static int fold(int b, boolean ignoreCase) {
        return ignoreCase && b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    /** Below this length one pass is as fast: the two-lane scan's overlap and setup would not pay. */
    static final int TWO_LANES_FROM = 256;

    /**
     * The id of the pattern that ends first in {@code [offset, offset + length)} of
     * {@code segment} (the lowest id among those ending at that byte), or -1 if none occurs.
     *
     * <p>A DFA scan is one chain of dependent loads (each state comes from the one before), so
     * one lane is bound by the cache's load latency, not its bandwidth. Payloads of
     * {@link #TWO_LANES_FROM} bytes and more are scanned as two independent lanes, interleaved:
     * lane A the first half, lane B the rest starting {@code reach} bytes early, so a match that
     * straddles the middle is seen whole by B. A match of A is always the earliest (it ends
     * before the middle) and ends the scan; B's matches that end before the middle are A's to
     * find (B started too late to see all patterns there), so B keeps the first one that ends at
     * or after the middle and stops, and A finishes its half.
     */
    int find(MemorySegment segment, long offset, int length) {
        if (length < TWO_LANES_FROM || reach >= length / 4) {
            return scan(segment, offset, offset + length);
        }
        int[] t = next;
        int[] cls = byteClass;
        int first = firstMatchRow;
        long middle = offset + length / 2;
        long end = offset + length;
        long a = offset;
        long b = middle - reach;
        int rowA = 0;
        int rowB = 0;
        int foundB = -1;
        // Both lanes 8 bytes at a time while A has 8 left (B, which starts later, has more).
        for (; middle - a >= 8; a += 8, b += 8) {
            long wordA = segment.get(LONG_LE, a);
            long wordB = segment.get(LONG_LE, b);
            for (int k = 0; k < 8; k++) {
                rowA = t[rowA + cls[(int) (wordA >>> (8 * k)) & 0xFF]];
                rowB = t[rowB + cls[(int) (wordB >>> (8 * k)) & 0xFF]];
                if (rowA >= first) {
                    return matchOf[(rowA - first) / classes];
                }
                if (rowB >= first && b + k >= middle) {
                    foundB = matchOf[(rowB - first) / classes];
                    return finishA(segment, a + k + 1, middle, rowA, foundB);
                }
            }
        }
        for (; a < middle; a++, b++) {
            rowA = t[rowA + cls[segment.get(ValueLayout.JAVA_BYTE, a) & 0xFF]];
            rowB = t[rowB + cls[segment.get(ValueLayout.JAVA_BYTE, b) & 0xFF]];
            if (rowA >= first) {
                return matchOf[(rowA - first) / classes];
            }
            if (rowB >= first && b >= middle) {
                // A may still find an earlier match in its last bytes: it finishes first, as above.
                return finishA(segment, a + 1, middle, rowA, matchOf[(rowB - first) / classes]);
            }
        }
        // A found nothing in its half: the rest is B's alone, from the state it reached.
        return scan(segment, b, end, rowB, middle);
    }

    // A goes on alone to the middle; its first match wins, else B's.
    private int finishA(MemorySegment segment, long from, long middle, int rowA, int foundB) {
        int found = scan(segment, from, middle, rowA, from);
        return found >= 0 ? found : foundB;
    }

    private int scan(MemorySegment segment, long from, long to) {
        return scan(segment, from, to, 0, from);
    }

    /**
     * One lane over {@code [from, to)} starting in state row {@code row}; the first match that
     * ends at or after {@code countFrom} (one that ends before it is another lane's to report).
     */
    private int scan(MemorySegment segment, long from, long to, int row, long countFrom) {
        int[] t = next;
        int[] cls = byteClass;
        int first = firstMatchRow;
        long p = from;
        for (; to - p >= 8; p += 8) {
            long word = segment.get(LONG_LE, p);
            for (int k = 0; k < 8; k++) {
                row = t[row + cls[(int) (word >>> (8 * k)) & 0xFF]];
                if (row >= first && p + k >= countFrom) {
                    return matchOf[(row - first) / classes];
                }
            }
        }
        for (; p < to; p++) {
            row = t[row + cls[segment.get(ValueLayout.JAVA_BYTE, p) & 0xFF]];
            if (row >= first && p >= countFrom) {
                return matchOf[(row - first) / classes];
            }
        }
        return -1;
    }
}

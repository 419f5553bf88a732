package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The automaton against the obvious search, on a small alphabet so that patterns overlap a lot. */
class AhoCorasickTest {

    @Provide
    Arbitrary<List<String>> patterns() {
        return Arbitraries.strings().withChars("abcA").ofMinLength(1).ofMaxLength(9).list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> texts() {
        // Long enough for the two-lane scan (from 256 bytes), with few matches so that lane B's matter.
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abcdA").ofMaxLength(80),
                Arbitraries.strings().withChars("dddddddddddddddabcA").ofMinLength(250).ofMaxLength(700));
    }

    /** Earliest end position, and at that position the lowest id; -1 if none. */
    static int naive(List<String> patterns, String text, boolean ignoreCase) {
        String t = ignoreCase ? text.toLowerCase() : text;
        for (int end = 1; end <= t.length(); end++) {
            for (int id = 0; id < patterns.size(); id++) {
                String p = ignoreCase ? patterns.get(id).toLowerCase() : patterns.get(id);
                if (p.length() <= end && t.startsWith(p, end - p.length())) {
                    return id;
                }
            }
        }
        return -1;
    }

    @Property(tries = 500)
    void findsWhatTheObviousSearchFinds(@ForAll("patterns") List<String> patterns, @ForAll("texts") String text,
                                        @ForAll boolean ignoreCase, @ForAll @IntRange(max = 9) int offset) {
        AhoCorasick ac = AhoCorasick.build(patterns.stream().map(p -> p.getBytes(StandardCharsets.US_ASCII)).toList(),
                ignoreCase);
        byte[] bytes = new byte[offset + text.length() + 3];
        System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, bytes, offset, text.length());
        bytes[bytes.length - 1] = 'a'; // beyond the range: must not be read
        assertThat(ac.find(MemorySegment.ofArray(bytes), offset, text.length()))
                .isEqualTo(naive(patterns, text, ignoreCase));
    }

    /**
     * Long payloads (two lanes) of filler with a few patterns planted near the middle, where
     * lane A's half ends and lane B's overlap begins, and elsewhere.
     */
    @Property(tries = 1000)
    void findsMatchesAroundTheMiddleOfLongPayloads(@ForAll("patterns") List<String> patterns,
                                                   @ForAll @IntRange(min = 256, max = 700) int length,
                                                   @ForAll @IntRange(min = -12, max = 12) int nearMiddle,
                                                   @ForAll @IntRange(max = 699) int elsewhere,
                                                   @ForAll @IntRange(max = 11) int which,
                                                   @ForAll boolean both) {
        StringBuilder text = new StringBuilder("d".repeat(length));
        String atMiddle = patterns.get(which % patterns.size());
        int at = Math.max(0, Math.min(length - atMiddle.length(), length / 2 + nearMiddle - atMiddle.length() / 2));
        text.replace(at, at + atMiddle.length(), atMiddle);
        if (both) {
            String other = patterns.get((which + 1) % patterns.size());
            int at2 = Math.min(length - other.length(), elsewhere);
            text.replace(at2, at2 + other.length(), other);
        }
        String t = text.toString();
        AhoCorasick ac = AhoCorasick.build(patterns.stream().map(p -> p.getBytes(StandardCharsets.US_ASCII)).toList(),
                false);
        assertThat(ac.find(MemorySegment.ofArray(t.getBytes(StandardCharsets.US_ASCII)), 0, length))
                .as("pattern at %d", at).isEqualTo(naive(patterns, t, false));
    }

    /** jqwik's find: lane B's match in the byte-by-byte tail was returned before A had finished its half. */
    @Test
    void aMatchJustBeforeTheMiddleWinsOverOneLaneBSeesFirst() {
        StringBuilder text = new StringBuilder("d".repeat(534));
        text.setCharAt(266, 'a'); // ends one byte before the middle (267): lane A's
        text.setCharAt(524, 'b'); // lane B reaches it while A is still on bytes 264..266
        AhoCorasick ac = AhoCorasick.build(List.of("a".getBytes(StandardCharsets.US_ASCII),
                "b".getBytes(StandardCharsets.US_ASCII), "aaaaaaaa".getBytes(StandardCharsets.US_ASCII)), false);
        assertThat(ac.find(MemorySegment.ofArray(text.toString().getBytes(StandardCharsets.US_ASCII)), 0, 534)).isZero();
    }

    @Test
    void binaryPatternsAndAllByteValues() {
        byte[] needle = {0, (byte) 0xFF, (byte) 0x80, 10};
        AhoCorasick ac = AhoCorasick.build(List.of(needle, "GET /admin".getBytes(StandardCharsets.US_ASCII)), false);
        byte[] hay = new byte[300];
        for (int i = 0; i < hay.length; i++) {
            hay[i] = (byte) i;
        }
        assertThat(ac.find(MemorySegment.ofArray(hay), 0, hay.length)).isEqualTo(-1);
        System.arraycopy(needle, 0, hay, 200, needle.length);
        assertThat(ac.find(MemorySegment.ofArray(hay), 0, hay.length)).isZero();
        assertThat(ac.find(MemorySegment.ofArray(hay), 0, 203)).as("one byte short").isEqualTo(-1);
    }

    @Test
    void refusesEmptyPatternsAndTablesOverTheLimit() {
        assertThatThrownBy(() -> AhoCorasick.build(List.of(new byte[0]), false)).hasMessageContaining("empty pattern");
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        assertThatThrownBy(() -> AhoCorasick.build(List.of(big), false)).hasMessageContaining("over the limit");
    }
}

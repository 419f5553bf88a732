package org.jnetvm.nfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The line-oriented files the built-in NFs read (firewall rules, load-balancer backends,
 * routes, ARP entries, payload patterns): one entry per line, words separated by blanks,
 * {@code #} starts a comment, blank lines are skipped. Read once, when the NF's options are
 * parsed, never on the data path. Every error names the file and line ({@link RuleFileException}).
 */
final class RuleFile {

    /** One non-blank line: its number (from 1), its text without the comment, and its words. */
    record Line(Path file, int number, String text, List<String> words) {

        /** An error about this line: {@code FILE:LINE: what}. */
        RuleFileException error(String what) {
            return new RuleFileException(file, number, what);
        }

        /** Word {@code i}, or an error naming {@code what} was expected there. */
        String word(int i, String what) {
            if (i >= words.size()) {
                throw error("missing " + what + " (word " + (i + 1) + ") in '" + text + "'");
            }
            return words.get(i);
        }
    }

    private RuleFile() {
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleFileException(file, 0, "cannot read the file: " + e);
        }
    }

    /** The non-blank lines of {@code file}, comments removed. */
    static List<Line> read(Path file) {
        List<String> lines = lines(file);
        List<Line> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String text = lines.get(n);
            int hash = text.indexOf('#');
            if (hash >= 0) {
                text = text.substring(0, hash);
            }
            text = text.strip();
            if (!text.isEmpty()) {
                out.add(new Line(file, n + 1, text, Arrays.asList(text.split("\\s+"))));
            }
        }
        return out;
    }

    /**
     * The raw lines of {@code file} that are neither blank nor comments ({@code #} in the first
     * column), with only the line end removed: for files whose entries may contain blanks or
     * {@code #} (payload patterns).
     */
    static List<Line> readRaw(Path file) {
        List<String> lines = lines(file);
        List<Line> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String text = lines.get(n);
            if (!text.isBlank() && !text.startsWith("#")) {
                out.add(new Line(file, n + 1, text, List.of(text)));
            }
        }
        return out;
    }
}

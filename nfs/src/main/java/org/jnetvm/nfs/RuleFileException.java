package org.jnetvm.nfs;

import java.nio.file.Path;

/**
 * A file an NF reads is wrong: the message is {@code FILE:LINE: what is wrong} (line 0 when
 * the whole file is the problem, e.g. it cannot be read).
 */
public final class RuleFileException extends IllegalArgumentException {
    private final transient Path file;
    private final int line;

    public RuleFileException(Path file, int line, String what) {
        super(file + ":" + (line > 0 ? line + ": " : " ") + what);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** The line number from 1, or 0 for the whole file. */
    public int line() {
        return line;
    }
}

package org.jnetvm.manager.config;

import com.fasterxml.jackson.core.JsonLocation;

/**
 * A config the manager refuses, thrown by {@link ConfigLoader} before anything starts. The message reads
 * {@code FILE:LINE:COL: FIELD: what is wrong; what to do}, ready for the CLI to print as is; the parts are also
 * available on their own. Parts that are unknown (no file for a config built in code, no line for a file that
 * cannot be read, no field for a YAML syntax error) are left out of the message.
 */
public final class ConfigException extends RuntimeException {
    private final String file;
    private final int line;
    private final int column;
    private final String field;
    private final String detail;

    /** A problem found in a config before it is known where in which file the field sits. */
    ConfigException(String field, String detail) {
        this(null, 0, 0, field, detail, null);
    }

    ConfigException(String file, JsonLocation location, String field, String detail, Throwable cause) {
        this(file, location.getLineNr(), location.getColumnNr(), field, detail, cause);
    }

    ConfigException(String file, int line, int column, String field, String detail, Throwable cause) {
        super(message(file, line, column, field, detail), cause);
        this.file = file;
        this.line = Math.max(line, 0);
        this.column = Math.max(column, 0);
        this.field = field;
        this.detail = detail;
    }

    /** This problem, placed at {@code location} in {@code file}. */
    ConfigException at(String file, JsonLocation location) {
        return new ConfigException(file, location, field, detail, getCause());
    }

    /** The file (or source name) the config came from; {@code null} for a config built in code. */
    public String file() {
        return file;
    }

    /** 1-based line of the offending value; 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending value; 0 when unknown. */
    public int column() {
        return column;
    }

    /** Path of the offending field, such as {@code ports[0].rate}; empty when the problem is not one field's. */
    public String field() {
        return field;
    }

    /** What is wrong and what to do, without the file, line and field. */
    public String detail() {
        return detail;
    }

    private static String message(String file, int line, int column, String field, String detail) {
        var message = new StringBuilder();
        if (file != null) {
            message.append(file);
            if (line > 0) {
                message.append(':').append(line).append(':').append(column);
            }
            message.append(": ");
        }
        if (!field.isEmpty()) {
            message.append(field).append(": ");
        }
        return message.append(detail).toString();
    }
}

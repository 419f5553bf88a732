package org.jnetvm.core.region;

import java.nio.file.Path;

/**
 * A region could not be created or mapped. The message names the file and, where a header
 * field is at fault, the field, the value found and the value expected.
 */
public final class RegionException extends RuntimeException {
    private final Path path;
    private final String field;

    public RegionException(Path path, String field, String message) {
        super("region " + path + ": " + message);
        this.path = path;
        this.field = field;
    }

    public RegionException(Path path, String message, Throwable cause) {
        super("region " + path + ": " + message, cause);
        this.path = path;
        this.field = null;
    }

    public Path path() {
        return path;
    }

    /** The header field at fault, or null when the problem is not one field. */
    public String field() {
        return field;
    }
}

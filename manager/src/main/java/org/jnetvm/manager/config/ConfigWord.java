package org.jnetvm.manager.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An enum whose constants the config file spells in lower case ({@code generator}, {@code direct}). Jackson reads and
 * writes them by {@link #key()}, and {@link ConfigLoader} lists the keys when a file names a constant that does not
 * exist.
 */
interface ConfigWord {
    /** Supplied by {@link Enum}. */
    String name();

    /** The word the config file uses for this constant. */
    @JsonValue
    default String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}

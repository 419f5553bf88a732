package org.jnetvm.manager.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value and key of a YAML document sits, by {@link FieldPath}. Jackson's YAML tree keeps no locations,
 * so {@link ConfigLoader} streams the text once through a {@code YAMLParser} with this class before binding it, and
 * places every error at the value it is about. The scan also refuses a key given twice (saying where the first one
 * is) and a second document.
 */
final class YamlLocations {
    // Without STRICT_DUPLICATE_DETECTION: the scan reports a duplicate key itself, with the first one's line.
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final String file;
    /** Scalars by their value; lists and mappings by their key if they have one, else by their first token. */
    private final Map<String, JsonLocation> places = new HashMap<>();
    private final Map<String, JsonLocation> keys = new HashMap<>();
    private JsonToken rootToken;

    private YamlLocations(String file) {
        this.file = file;
    }

    /**
     * Scans {@code text}, read from {@code file}.
     *
     * @throws ConfigException for a key given twice or a second document
     * @throws IOException     for a YAML syntax error
     */
    static YamlLocations scan(String text, String file) throws IOException {
        var locations = new YamlLocations(file);
        try (JsonParser parser = FACTORY.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                locations.record(parser, token);
            }
        }
        return locations;
    }

    /** The first token of the document, {@code null} for an empty one. */
    JsonToken rootToken() {
        return rootToken;
    }

    /**
     * Where the value at {@code path} sits: a scalar itself; for a mapping entry holding a list or mapping, its key;
     * for a path the file does not have (a default), the nearest enclosing value it has.
     */
    JsonLocation of(String path) {
        for (String at = path; ; at = FieldPath.parent(at)) {
            JsonLocation place = places.get(at);
            if (place != null) {
                return place;
            }
            if (at.isEmpty()) {
                return JsonLocation.NA;
            }
        }
    }

    /** Where the key of the mapping entry at {@code path} sits; for any other path, as {@link #of}. */
    JsonLocation keyOf(String path) {
        return keys.getOrDefault(path, of(path));
    }

    private void record(JsonParser parser, JsonToken token) {
        JsonStreamContext context = parser.getParsingContext();
        JsonLocation here = parser.currentTokenLocation();
        if (token == JsonToken.FIELD_NAME) {
            String path = path(context);
            JsonLocation first = keys.putIfAbsent(path, here);
            places.put(path, here);
            if (first != null) {
                throw new ConfigException(file, here, path,
                        "'" + context.getCurrentName() + "' is given twice (first at line " + first.getLineNr()
                                + "); keep one of them", null);
            }
        } else if (token.isStructStart()) {
            String path = path(context.getParent());
            checkOneDocument(path, token, here);
            places.putIfAbsent(path, here);
        } else if (!token.isStructEnd()) {
            String path = path(context);
            checkOneDocument(path, token, here);
            places.put(path, here);
        }
    }

    private void checkOneDocument(String path, JsonToken token, JsonLocation here) {
        if (!path.isEmpty()) {
            return;
        }
        if (rootToken != null) {
            throw new ConfigException(file, here, FieldPath.ROOT,
                    "a second YAML document starts here; keep the whole config in one document", null);
        }
        rootToken = token;
    }

    private static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return FieldPath.ROOT;
        }
        String parent = path(context.getParent());
        return context.inObject()
                ? FieldPath.key(parent, context.getCurrentName())
                : FieldPath.index(parent, context.getCurrentIndex());
    }
}

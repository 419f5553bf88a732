package org.jnetvm.manager.config;

/**
 * Spells the path of a value in the config file, {@code ports[0].rate} or {@code chains.named.web[1]}: the name an
 * error gives the field, and the key under which {@link YamlLocations} files the value's place.
 */
final class FieldPath {
    /** The document itself. */
    static final String ROOT = "";

    private FieldPath() {
    }

    static String key(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path one step up; a name holding a dot may step up too far, which only costs precision. */
    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? ROOT : path.substring(0, cut);
    }
}

package org.jnetvm.nf.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.jnetvm.nf.NetworkFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Finds NF classes by name: every {@code META-INF/jnetvm/nfs.properties} on the class path
 * maps names to classes (the built-in NFs ship one; a user's NF jar may add its own), and a
 * fully qualified class name works too.
 */
public final class NfCatalog {
    public static final String RESOURCE = "META-INF/jnetvm/nfs.properties";

    private final Map<String, String> classes;

    private NfCatalog(Map<String, String> classes) {
        this.classes = classes;
    }

    /** Reads the catalog from the class path of {@code loader}. */
    public static NfCatalog load(ClassLoader loader) {
        Map<String, String> classes = new TreeMap<>();
        try {
            Enumeration<URL> resources = loader.getResources(RESOURCE);
            while (resources.hasMoreElements()) {
                Properties p = new Properties();
                try (InputStream in = resources.nextElement().openStream()) {
                    p.load(in);
                }
                p.stringPropertyNames().forEach(name -> classes.put(name, p.getProperty(name).trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        return new NfCatalog(classes);
    }

    public static NfCatalog load() {
        return load(NfCatalog.class.getClassLoader());
    }

    /** Known NF names and their classes, sorted by name. */
    public Map<String, String> names() {
        return Map.copyOf(classes);
    }

    /**
     * A new instance of the NF called {@code name} (a catalog name or a class name).
     *
     * @throws IllegalArgumentException naming the known NFs when there is no such NF
     */
    public NetworkFunction create(String name) {
        String className = classes.getOrDefault(name, name);
        Class<?> type;
        try {
            type = Class.forName(className, true, NfCatalog.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no NF called '" + name + "'; built-in NFs: "
                    + String.join(", ", classes.keySet()) + " (or give a class name on the class path)");
        }
        if (!NetworkFunction.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(className + " does not implement " + NetworkFunction.class.getName());
        }
        try {
            return (NetworkFunction) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(className + " needs a public no-argument constructor: " + e, e);
        }
    }

    /** The catalog name of an NF class, else its picocli command name, else its simple class name. */
    public String nameOf(NetworkFunction nf) {
        String className = nf.getClass().getName();
        Command command = nf.getClass().getAnnotation(Command.class);
        String fallback = command != null && !command.name().equals(CommandSpec.DEFAULT_COMMAND_NAME)
                ? command.name() : nf.getClass().getSimpleName();
        return classes.entrySet().stream().filter(e -> e.getValue().equals(className)).map(Map.Entry::getKey)
                .findFirst().orElse(fallback);
    }
}

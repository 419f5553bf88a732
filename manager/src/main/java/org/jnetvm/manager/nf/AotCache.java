package org.jnetvm.manager.nf;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The JDK's AOT cache (JEP 483/514/515) for NF processes: classes loaded and linked, and
 * method profiles, from a training run, so that an NF process starts in about half the time.
 *
 * <p>The cache file's name carries a hash of everything a cache depends on: the java binary
 * and its version, the JVM flags, and every class path jar's path, size and modification time.
 * The JDK does not notice a rebuilt jar (a stale cache would silently run the old classes) and
 * starts without any CDS at all when flags differ, so a build or a flag change simply gives a
 * new file name, and no cache until a training run makes one.
 *
 * <p>Where: the directory named by the system property {@value #DIR_PROPERTY}, else
 * {@code aot/} beside {@code jnetvm-cli.jar} when that jar is on the class path (what
 * {@code bin/jnetvm} runs: the cache lives in {@code cli/target/aot/}). No cache applies when
 * neither holds, or when a class path entry is not a jar (the JDK caches only classes from
 * jars, and a class directory may change under it).
 */
public final class AotCache {
    /** System property naming the cache directory; empty turns caching off. */
    public static final String DIR_PROPERTY = "jnetvm.aot.dir";
    /** Logging flags used with the cache and in training (warnings to stderr, not stdout). */
    public static final List<String> LOG_FLAGS = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");
    private static final String PREFIX = "nf-";
    private static final String SUFFIX = ".aot";

    private final Path file;

    private AotCache(Path file) {
        this.file = file;
    }

    /**
     * The cache for JVMs started as {@code java flags -cp classPath ...}, or empty when no
     * cache applies (see the class comment). The file may not exist yet.
     */
    public static Optional<AotCache> find(String java, List<String> flags, String classPath) {
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        Optional<Path> directory = directory(entries);
        if (directory.isEmpty() || entries.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(sha, java);
        update(sha, System.getProperty("java.vm.version", ""));
        for (String flag : flags) {
            update(sha, flag);
        }
        for (Path jar : entries) {
            if (!jar.getFileName().toString().endsWith(".jar")) {
                return Optional.empty();
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            } catch (IOException e) {
                return Optional.empty(); // a missing jar: the JVM would not cache it either
            }
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            update(sha, jar.toString());
            update(sha, Long.toString(attributes.size()));
            update(sha, Long.toString(attributes.lastModifiedTime().toMillis()));
        }
        String hash = HexFormat.of().formatHex(sha.digest(), 0, 10);
        return Optional.of(new AotCache(directory.get().resolve(PREFIX + hash + SUFFIX)));
    }

    private static Optional<Path> directory(List<Path> entries) {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null) {
            return property.isBlank() ? Optional.empty() : Optional.of(Path.of(property).toAbsolutePath().normalize());
        }
        return entries.stream().filter(p -> p.getFileName().toString().equals("jnetvm-cli.jar")).findFirst()
                .map(p -> p.resolveSibling("aot"));
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    /** The cache file (it exists only after a training run). */
    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    /** Flags that make a JVM use the cache. */
    public List<String> useFlags() {
        List<String> flags = new ArrayList<>();
        flags.add("-XX:AOTCache=" + file);
        flags.addAll(LOG_FLAGS);
        return flags;
    }

    /**
     * Flags for a training run that writes a cache to {@code output} when the JVM exits
     * normally (or on SIGTERM); then move it to {@link #file()}.
     */
    public List<String> trainingFlags(Path output) {
        List<String> flags = new ArrayList<>();
        flags.add("-XX:AOTCacheOutput=" + output);
        flags.addAll(LOG_FLAGS);
        return flags;
    }

    /** Deletes the other caches in the directory (from older builds or flags); returns how many. */
    public int deleteOthers() throws IOException {
        Path directory = file.getParent();
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                if (!f.getFileName().equals(file.getFileName()) && Files.deleteIfExists(f)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

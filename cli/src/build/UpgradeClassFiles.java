import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassFileVersion;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step of the cli module (run by Maven at package time, as a single-file source program):
 * rewrites the classes of the jars given whose class-file version is below 52 (Java 8) to
 * version 52, in place. The JDK's AOT cache (CDS) does not store classes of version 49-51 once
 * they are linked ("Old class has been linked"); picocli ships Java 5 bytecode, so without this
 * every NF process loads and verifies picocli from scratch. The ClassFile API regenerates the
 * stack maps version 52 needs (it fails the build rather than write a class it cannot map).
 * Other entries are copied unchanged; a jar with nothing to upgrade is left alone.
 *
 * <p>Usage: {@code java UpgradeClassFiles.java JAR...}
 */
public final class UpgradeClassFiles {
    private static final int TARGET = ClassFile.JAVA_8_VERSION;

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            Path jar = Path.of(arg);
            int upgraded = upgrade(jar);
            if (upgraded > 0) {
                System.out.println("[upgrade-class-files] " + jar.getFileName() + ": " + upgraded
                        + " classes rewritten to class-file version " + TARGET);
            }
        }
    }

    private static int upgrade(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        int upgraded = 0;
        try (URLClassLoader jarLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(tmp);
                ZipOutputStream out = new ZipOutputStream(file)) {
            // Stack maps need the class hierarchy: the JDK's classes, and the jar's own.
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(jarLoader))));
            // Rebuilding every method body (not copying it) is what makes the API compute the stack maps.
            ClassTransform rewrite = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                    .andThen((b, e) -> {
                        if (e instanceof ClassFileVersion) {
                            b.withVersion(TARGET, 0);
                        } else {
                            b.with(e);
                        }
                    });
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().contains("META-INF/versions/")
                        && major(bytes) < TARGET) {
                    ClassModel model = cf.parse(bytes);
                    bytes = cf.transformClass(model, rewrite);
                    upgraded++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (upgraded == 0) {
            Files.delete(tmp);
        } else {
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        return upgraded;
    }

    private static int major(byte[] c) {
        return c.length < 8 ? Integer.MAX_VALUE : ((c[6] & 0xff) << 8) | (c[7] & 0xff);
    }
}

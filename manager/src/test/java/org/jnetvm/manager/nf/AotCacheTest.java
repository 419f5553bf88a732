package org.jnetvm.manager.nf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AOT cache's file name follows the jars and flags, since the JDK does not notice a rebuilt jar. */
class AotCacheTest {
    private static final List<String> FLAGS = NfLauncher.JVM_FLAGS;

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(AotCache.DIR_PROPERTY);
    }

    private String classPath(Path... entries) {
        return String.join(File.pathSeparator, java.util.Arrays.stream(entries).map(Path::toString).toList());
    }

    @Test
    void theCacheLivesBesideJnetvmCliJarAndItsNameChangesWhenAJarIsRebuilt() throws Exception {
        Path cli = Files.writeString(dir.resolve("jnetvm-cli.jar"), "cli");
        Path lib = Files.writeString(dir.resolve("lib.jar"), "lib");
        AotCache before = AotCache.find("/java", FLAGS, classPath(cli, lib)).orElseThrow();
        assertThat(before.file().getParent()).isEqualTo(dir.resolve("aot"));
        assertThat(before.file().getFileName().toString()).matches("nf-[0-9a-f]{20}\\.aot");
        assertThat(AotCache.find("/java", FLAGS, classPath(cli, lib)).orElseThrow().file()).isEqualTo(before.file());

        Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis() + 1000));
        assertThat(AotCache.find("/java", FLAGS, classPath(cli, lib)).orElseThrow().file()).isNotEqualTo(before.file());
    }

    @Test
    void itsNameChangesWithTheFlagsAndTheJavaBinary() throws Exception {
        Path cli = Files.writeString(dir.resolve("jnetvm-cli.jar"), "cli");
        Path a = AotCache.find("/java", FLAGS, classPath(cli)).orElseThrow().file();
        assertThat(AotCache.find("/java", List.of("--enable-native-access=ALL-UNNAMED"), classPath(cli)).orElseThrow().file())
                .isNotEqualTo(a);
        assertThat(AotCache.find("/other/java", FLAGS, classPath(cli)).orElseThrow().file()).isNotEqualTo(a);
    }

    @Test
    void noCacheAppliesToClassDirectoriesMissingJarsOrWithoutADirectory() throws Exception {
        Path cli = Files.writeString(dir.resolve("jnetvm-cli.jar"), "cli");
        Path classes = Files.createDirectory(dir.resolve("classes"));
        assertThat(AotCache.find("/java", FLAGS, classPath(cli, classes))).isEmpty();
        assertThat(AotCache.find("/java", FLAGS, classPath(cli, dir.resolve("gone.jar")))).isEmpty();
        Path other = Files.writeString(dir.resolve("other.jar"), "x");
        assertThat(AotCache.find("/java", FLAGS, classPath(other))).isEmpty();

        System.setProperty(AotCache.DIR_PROPERTY, dir.resolve("cache").toString());
        Optional<AotCache> named = AotCache.find("/java", FLAGS, classPath(other));
        assertThat(named).isPresent();
        assertThat(named.get().file().getParent()).isEqualTo(dir.resolve("cache"));
        assertThat(named.get().exists()).isFalse();
        System.setProperty(AotCache.DIR_PROPERTY, "");
        assertThat(AotCache.find("/java", FLAGS, classPath(cli))).isEmpty();
    }

    @Test
    void useAndTrainingFlagsShareTheLoggingFlagsAndOtherCachesCanBeDeleted() throws Exception {
        Path cli = Files.writeString(dir.resolve("jnetvm-cli.jar"), "cli");
        AotCache cache = AotCache.find("/java", FLAGS, classPath(cli)).orElseThrow();
        assertThat(cache.useFlags()).containsExactly("-XX:AOTCache=" + cache.file(), "-Xlog:disable",
                "-Xlog:all=warning:stderr");
        Path out = dir.resolve("out.aot");
        assertThat(cache.trainingFlags(out)).containsExactly("-XX:AOTCacheOutput=" + out, "-Xlog:disable",
                "-Xlog:all=warning:stderr");

        Files.createDirectories(cache.file().getParent());
        Files.writeString(cache.file(), "current");
        Path old = Files.writeString(cache.file().resolveSibling("nf-00000000000000000000.aot"), "old");
        Path log = Files.writeString(cache.file().resolveSibling("training.log"), "log");
        assertThat(cache.exists()).isTrue();
        assertThat(cache.deleteOthers()).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(cache.file()).exists();
        assertThat(log).exists();
    }

    @Test
    void theLauncherAddsTheCacheOnlyWhenItExistsAndWhenAsked() throws Exception {
        Path socket = dir.resolve("s.sock");
        NfLauncher launcher = new NfLauncher(socket, dir);
        // Tests run from class directories: no cache applies, so no AOT flag whatever is asked.
        assertThat(NfLauncher.aotCache()).isEmpty();
        List<String> command = launcher.command("bridge", "probe", List.of("--x"));
        assertThat(command).noneMatch(a -> a.startsWith("-XX:AOTCache"));
        assertThat(command).containsSubsequence(FLAGS);
        assertThat(command.subList(command.size() - 6, command.size()))
                .containsExactly("bridge", "--service", "probe", "--manager", socket.toString(), "--x");
        assertThat(launcher.command("bridge", "probe", List.of(), false)).isEqualTo(launcher.command("bridge", "probe", List.of()));
    }
}

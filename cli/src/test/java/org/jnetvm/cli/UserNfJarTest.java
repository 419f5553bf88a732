package org.jnetvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's NF, compiled into its own jar, runs with the same entry point as the built-in NFs
 * (what {@code bin/jnetvm nf --jar FILE CLASS} starts) and carries real traffic.
 */
class UserNfJarTest {

    static final String SOURCE = """
            package com.example;

            import org.jnetvm.nf.NetworkFunction;
            import org.jnetvm.nf.NfContext;
            import org.jnetvm.nf.PacketBurst;
            import picocli.CommandLine.Command;
            import picocli.CommandLine.Option;

            @Command(name = "reflector", description = "Sends every packet back out of port --port.")
            public final class Reflector implements NetworkFunction {
                @Option(names = "--port", defaultValue = "0", description = "The port packets leave by.")
                int port;

                @Override
                public void process(PacketBurst burst, NfContext context) {
                    for (int i = 0; i < burst.size(); i++) {
                        burst.out(i, port);
                    }
                }
            }
            """;

    @Test
    void an_nf_from_a_users_jar_registers_and_forwards(@TempDir Path dir) throws Exception {
        Path jar = compileToJar(dir);
        String classPath = System.getProperty("java.class.path") + ":" + jar;

        Process help = child(classPath, "com.example.Reflector", "--help").redirectErrorStream(true).start();
        String helpText = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(helpText).contains("reflector", "--port", "--service", "--manager");

        String name = "userjar" + ProcessHandle.current().pid();
        String config = """
                region: {name: %s, directory: /dev/shm, buffers: 4096}
                control: {socket: /tmp/%s.sock}
                ports:
                  - {name: gen0, kind: generator, rate: 50000, size: 64, flows: 16}
                services:
                  - {id: 1, name: reflect}
                chains:
                  default: [reflect]
                """.formatted(name, name);
        try (Manager manager = Manager.start(ConfigLoader.parse(config, "userjar.yaml"))) {
            Process nf = child(classPath, "com.example.Reflector", "--service", "reflect",
                    "--manager", manager.config().controlSocket().toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nf.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                StatsSnapshot s = manager.stats();
                while (s.ports().getFirst().txPackets() < 1000 && System.nanoTime() < deadline && nf.isAlive()) {
                    LockSupport.parkNanos(5_000_000);
                    s = manager.stats();
                }
                assertThat(s.ports().getFirst().txPackets()).as("packets the user's NF sent out (log: %s)",
                        Files.exists(dir.resolve("nf.log")) ? Files.readString(dir.resolve("nf.log")) : "").isGreaterThanOrEqualTo(1000);
                assertThat(s.nfs()).singleElement().satisfies(row -> {
                    assertThat(row.name()).isEqualTo("reflector");
                    assertThat(row.pid()).isEqualTo(nf.pid());
                });
            } finally {
                nf.destroy();
                nf.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static ProcessBuilder child(String classPath, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, "org.jnetvm.nf.runtime.NfMain"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static Path compileToJar(Path dir) throws IOException {
        Path src = dir.resolve("src/com/example/Reflector.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
                src.toString());
        assertThat(rc).as("javac exit code").isZero();
        Path jar = dir.resolve("reflector.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            Path cls = classes.resolve("com/example/Reflector.class");
            out.putNextEntry(new JarEntry("com/example/Reflector.class"));
            try (OutputStream entry = out) {
                Files.copy(cls, entry);
            }
        }
        return jar;
    }
}

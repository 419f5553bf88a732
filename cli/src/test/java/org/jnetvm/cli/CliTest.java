package org.jnetvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            CommandLine cl = JNetVm.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return "exit=" + code + "\n" + bytes.toString(StandardCharsets.UTF_8) + err;
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void helpListsEveryCommandIncludingTheLaunchersOwn() {
        String help = run("--help");
        assertThat(help).startsWith("exit=0").contains("demo", "bench", "region", "setup", "test", "build");
    }

    @Test
    void regionCommandShowsALiveRegionsLayoutAndAudit() throws Exception {
        RegionSpec spec = RegionSpec.builder("cli-test-" + ProcessHandle.current().pid()).directory(Path.of("/dev/shm"))
                .bufferCount(1000).cacheCount(2).ringCount(3).ringCapacity(256).build();
        try (Region region = Region.create(spec)) {
            String out = run("region", region.path().toString(), "--json");
            assertThat(out).startsWith("exit=0");
            JsonNode json = new ObjectMapper().readTree(out.lines().skip(1).findFirst().orElseThrow());
            assertThat(json.get("name").asText()).isEqualTo(spec.name());
            assertThat(json.get("buffers").asInt()).isEqualTo(1000);
            assertThat(json.get("rings").asInt()).isEqualTo(3);
            assertThat(json.at("/audit/free").asInt()).isEqualTo(1000);
            assertThat(json.at("/audit/in_flight").asInt()).isZero();
            assertThat(run("region", spec.name())).contains("1000 buffers", "FREE_RING", "1000 free");
        }
    }

    @Test
    void regionCommandExplainsAMissingRegion() {
        String out = run("region", "surely-not-there");
        assertThat(out).startsWith("exit=1").contains("does not exist", "is the manager running");
    }

    @Test
    void launcherFailsInOneClearLineWithoutJdk25() throws Exception {
        Path launcher = Path.of("..", "bin", "jnetvm").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64");
        pb.environment().put("JNETVM_JVM_DIR", "/nonexistent");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(output.strip().lines()).hasSize(1);
        assertThat(output).startsWith("jnetvm: no JDK 25 found").contains("JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64");
    }
}

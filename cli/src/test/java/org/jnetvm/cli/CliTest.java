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
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.ManagerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

    private static String run(String... args) {
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            System.setErr(out);
            CommandLine cl = JNetVm.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return "exit=" + code + "\n" + bytes.toString(StandardCharsets.UTF_8) + err;
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
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
                .bufferCount(1000).cacheCount(2).ringCount(3).ringCapacity(256).nfSlots(20).smallSlots(16)
                .smallRingCapacity(32).build();
        try (Region region = Region.create(spec)) {
            String out = run("region", region.path().toString(), "--json");
            assertThat(out).startsWith("exit=0");
            JsonNode json = new ObjectMapper().readTree(out.lines().skip(1).findFirst().orElseThrow());
            assertThat(json.get("name").asText()).isEqualTo(spec.name());
            assertThat(json.get("buffers").asInt()).isEqualTo(1000);
            assertThat(json.get("rings").asInt()).isEqualTo(3);
            assertThat(json.at("/audit/free").asInt()).isEqualTo(1000);
            assertThat(json.at("/audit/in_flight").asInt()).isZero();
            assertThat(json.get("small_nf_slots").asInt()).isEqualTo(16);
            assertThat(json.get("small_nf_ring_capacity").asInt()).isEqualTo(32);
            assertThat(run("region", spec.name())).contains("1000 buffers", "FREE_RING", "1000 free",
                    "20 NF slots with rings of 256, of them the last 16 small, with rings of 32");
        }
    }

    @Test
    void demoRunsAChainOfThreeNfProcessesAndShowsLiveFigures() {
        String out = run("demo", "--duration", "4", "--rate", "20000", "--api-port", "0");
        assertThat(out).startsWith("exit=0").contains("jnetvm demo: stopped");
        assertThat(out).containsPattern("jnetvm demo: dashboard http://127\\.0\\.0\\.1:\\d+/");
        // the live view: the three NFs, each running in its own process, and the port's counters
        assertThat(out).contains("basic_monitor", "simple_forward", "bridge", "gen0", "rx pps", "drops:", "pool:");
        String lastView = out.substring(out.lastIndexOf("jnetvm demo  dashboard http://127.0.0.1:"));
        long running = lastView.lines().filter(l -> l.matches("\\d+\\s+\\w+\\s+\\w+\\s+\\d+\\s+\\d+\\s+running.*")).count();
        assertThat(running).as("NF rows in the last view:%n%s", lastView).isEqualTo(3);
        assertThat(lastView).doesNotContain(" " + ProcessHandle.current().pid() + " running");
        assertThat(lastView.lines().filter(l -> l.startsWith("0 ") && l.contains("gen0")).findFirst().orElseThrow())
                .as("the port sent packets").doesNotMatch(".*\\s0\\s*$");
    }

    @Test
    void managerRefusesABadConfigWithFileLineAndField(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(config, """
                services:
                  - {id: 1, name: fw}
                chains:
                  default: [fw, nat]
                """);
        String out = run("manager", "--config", config.toString());
        assertThat(out).startsWith("exit=2").contains(config + ":4:").contains("chains.default[1]", "'nat' is not defined");
    }

    @Test
    void managerWithoutConfigRunsAGeneratorAndAnEmptyChainThenStops() {
        String out = run("manager", "--duration", "1", "--api-port", "0");
        assertThat(out).startsWith("exit=0").contains("jnetvm manager: running", "jnetvm manager: stopped")
                .containsPattern("jnetvm manager: dashboard http://127\\.0\\.0\\.1:\\d+/");
        assertThat(run("manager", "--duration", "1", "--no-api")).startsWith("exit=0").doesNotContain("dashboard");
    }

    @Test
    void statsReadsTheCountersOfALoadedManagerFromSharedMemoryInAnotherProcess() throws Exception {
        String name = "cli-stats-" + ProcessHandle.current().pid();
        // a generator as fast as it goes through a bridge: the data plane is busy while stats reads
        ManagerConfig cfg = ConfigLoader.parse("""
                region: {name: %s, directory: /dev/shm, buffers: 4096}
                control: {socket: /tmp/%s.sock}
                ports: [{name: gen0, kind: generator, rate: 0, size: 64, flows: 16}]
                services: [{id: 1, name: out}]
                chains: {default: [out]}
                nfs: [{nf: bridge, service: out, inProcess: true}]
                api: {enabled: false}
                """.formatted(name, name), "stats.yaml");
        try (Manager manager = Manager.start(cfg)) {
            String path = manager.region().path().toString();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    JNetVm.class.getName(), "stats", path, "--watch", "--count", "2", "--interval", "0.3", "--json")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            var lines = out.lines().toList();
            assertThat(lines).hasSize(2);
            ObjectMapper mapper = new ObjectMapper();
            JsonNode first = mapper.readTree(lines.get(0));
            JsonNode second = mapper.readTree(lines.get(1));
            assertThat(first.get("region").asText()).isEqualTo(name);
            assertThat(second.at("/stats/ports/0/rx_packets").asLong())
                    .isGreaterThan(first.at("/stats/ports/0/rx_packets").asLong());
            assertThat(second.at("/stats/ports/0/rx_pps").asDouble()).as("a rate from two views").isPositive();
            assertThat(second.at("/stats/nfs/0/service").asText()).isEqualTo("out");
            assertThat(second.at("/stats/nfs/0/state").asText()).isEqualTo("running");
            assertThat(second.at("/stats/hops").toString()).as("the hops with names and rates")
                    .contains("\"from\":\"ports in\",\"from_service\":0,\"to\":\"out\"",
                            "\"from\":\"out\",\"from_service\":1,\"to\":\"gen0\"");
            assertThat(second.at("/stats/hops/0/pps").asDouble()).as("a hop's rate from two views").isPositive();
            assertThat(second.at("/chains/0/services/0").asText()).isEqualTo("out");
            assertThat(second.at("/services/0/slots").size()).isEqualTo(1);
            // no REST server was asked: the manager runs without one
            assertThat(cfg.api().enabled()).isFalse();

            String text = run("stats", name);
            assertThat(text).startsWith("exit=0").contains("jnetvm stats " + name, "rx pps", "bridge", "running",
                    "gen0", "pool: 4096 buffers", "hops (pps):  ports in -> out ", "out -> gen0 ");
        }
        assertThat(run("stats", "surely-not-there")).startsWith("exit=1").contains("is the manager running");
    }

    @Test
    void nfCommandNamesTheBuiltInNfsWhenTheNameIsUnknown() {
        assertThat(run("nf", "no_such_nf")).startsWith("exit=2")
                .contains("no NF called 'no_such_nf'", "speed_tester", "simple_forward", "basic_monitor", "bridge");
        assertThat(run("nf", "simple_forward", "--help")).startsWith("exit=0").contains("--dest", "--service", "--manager");
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

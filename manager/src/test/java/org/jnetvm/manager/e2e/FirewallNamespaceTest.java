package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.Manager;
import org.jnetvm.testsupport.Shell;
import org.jnetvm.testsupport.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * curl through the {@code firewall} NF (a process) between two namespaces: two HTTP servers in
 * host B, one on a port the rules allow and one on a port they deny. The allowed download
 * arrives byte-exact, the denied connection never opens, and the hit counters the firewall
 * prints at stop account for every packet it received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirewallNamespaceTest {
    private static final int ALLOWED = 8080;
    private static final int DENIED = 8081;
    private static final int DOWNLOAD_BYTES = 2 << 20;
    private static final Pattern HITS = Pattern.compile(": (\\d+) packets, (\\d+) bytes");

    private Testbed bed;
    private Manager manager;
    private Path dir;
    private Process allowedServer;
    private Process deniedServer;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for network namespaces and AF_PACKET");
        dir = Files.createTempDirectory("jnetvm-fw-e2e");
        bed = Testbed.create(Testbed.uniqueName("fwl"), 94, true);
        // Stateless: the replies from the allowed port need their own rule.
        Path rules = Files.writeString(dir.resolve("rules.txt"), """
                allow proto tcp dport %d
                allow proto tcp sport %d
                deny  proto tcp dport %d
                """.formatted(ALLOWED, ALLOWED, DENIED));
        manager = TestManagers.start("fwns", """
                region: {name: ${name}}
                ports:
                  - {name: a, kind: af_packet, interface: %s}
                  - {name: b, kind: af_packet, interface: %s}
                services:
                  - {name: fw}
                  - {name: fwd}
                chains: {default: [fw, fwd]}
                nfs:
                  - {nf: firewall, service: fw, args: [--rules, %s]}
                  - {nf: bridge, service: fwd, inProcess: true}
                """.formatted(bed.hostInterface(0), bed.hostInterface(1), rules));
        Path www = Files.createDirectory(dir.resolve("www"));
        allowedServer = Hosts.httpServer(bed, 1, bed.address(1), ALLOWED, www, dir.resolve("allowed.log"));
        deniedServer = Hosts.httpServer(bed, 1, bed.address(1), DENIED, www, dir.resolve("denied.log"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            Testbed.stop(allowedServer);
            Testbed.stop(deniedServer);
            if (manager != null) {
                manager.close();
                TestManagers.removeLogs(manager); // the firewall, ended by SIGTERM, exits 143
            }
        } finally {
            if (bed != null) {
                bed.close();
            }
            Hosts.deleteTree(dir);
        }
    }

    @Test
    void theAllowedPortServesByteExactTheDeniedOneTimesOutAndTheRulesCountTheHits() throws Exception {
        byte[] content = new byte[DOWNLOAD_BYTES];
        new Random(7).nextBytes(content);
        Files.write(dir.resolve("www").resolve("blob.bin"), content);
        Path fetched = dir.resolve("fetched.bin");

        Hosts.Result allowed = Hosts.run(bed, 0, Duration.ofSeconds(60), "curl", "--silent", "--show-error", "--fail",
                "--max-time", "50", "--output", fetched.toString(),
                "http://" + bed.address(1) + ":" + ALLOWED + "/blob.bin");
        assertThat(allowed.exitCode()).as("curl to the allowed port; output: %s", allowed.output()).isZero();
        assertThat(Hosts.sha256(Files.readAllBytes(fetched))).isEqualTo(Hosts.sha256(content));

        // The denied port's server works: asked from inside B, it answers.
        Hosts.Result local = Hosts.run(bed, 1, Duration.ofSeconds(20), "curl", "--silent", "--fail", "--max-time", "10",
                "--output", "/dev/null", "http://" + bed.address(1) + ":" + DENIED + "/blob.bin");
        assertThat(local.exitCode()).as("curl inside B to the denied port's server; %s", local.output()).isZero();

        Hosts.Result denied = Hosts.run(bed, 0, Duration.ofSeconds(20), "curl", "--silent", "--show-error",
                "--connect-timeout", "2", "--output", "/dev/null", "http://" + bed.address(1) + ":" + DENIED + "/blob.bin");
        assertThat(denied.exitCode()).as("curl to the denied port: 28 is curl's timeout; output: %s", denied.output())
                .isEqualTo(28);
        assertThat(denied.millis()).as("the denied connection gives up at its 2 s timeout").isLessThan(10_000);
        assertThat(Files.readString(dir.resolve("denied.log"))).as("the denied port's server saw only B's own request")
                .doesNotContain(bed.address(0));

        manager.stopReceiving();
        assertThat(manager.awaitDrained()).as("chain drained").isTrue();
        StatsSnapshot.Nf fw = manager.stats().nfs().stream().filter(n -> n.serviceName().equals("fw")).findFirst()
                .orElseThrow();
        String log = Hosts.stopNfs(manager).get("firewall");
        long[] toServer = hits(log, "rule 1 ");
        long[] fromServer = hits(log, "rule 2 ");
        long[] deniedHits = hits(log, "rule 3 ");
        long[] defaulted = hits(log, "default deny");
        assertThat(toServer[0]).as("packets to the allowed port, in:%n%s", log).isPositive();
        assertThat(fromServer[1]).as("bytes from the allowed port: the download and its headers").isGreaterThan(DOWNLOAD_BYTES);
        // The SYN, and within the 2 s perhaps its retransmission after 1 s.
        assertThat(deniedHits[0]).as("SYNs to the denied port").isBetween(1L, 3L);
        Matcher nonIp = Pattern.compile("non_ip=(\\d+)").matcher(log);
        assertThat(nonIp.find()).as("non_ip counter in:%n%s", log).isTrue();
        assertThat(Long.parseLong(nonIp.group(1))).as("ARP, which passes as non-IP").isPositive();
        assertThat(toServer[0] + fromServer[0] + deniedHits[0] + defaulted[0] + Long.parseLong(nonIp.group(1)))
                .as("every packet the firewall received is counted once").isEqualTo(fw.rxPackets());
        // With IPv6 off, hardly anything else is sent; what no rule matches is denied too.
        assertThat(fw.drops()).as("the firewall's drops: denied SYNs and the default's").isEqualTo(deniedHits[0] + defaulted[0]);
    }

    // The packets and bytes of the report line that starts with `what`.
    private static long[] hits(String log, String what) {
        List<String> lines = log.lines().map(String::strip).filter(l -> l.startsWith(what)).toList();
        assertThat(lines).as("report line '%s' in:%n%s", what, log).hasSize(1);
        Matcher m = HITS.matcher(lines.get(0));
        assertThat(m.find()).as("hits in '%s'", lines.get(0)).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}

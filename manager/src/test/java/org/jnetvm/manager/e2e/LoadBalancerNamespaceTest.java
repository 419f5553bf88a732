package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jnetvm.manager.Manager;
import org.jnetvm.testsupport.Shell;
import org.jnetvm.testsupport.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * curl through {@code load_balancer} (a process) to HTTP servers in two namespaces: a client
 * (host a) asks for a virtual address, the balancer rewrites each connection to backend b or c
 * and the {@code router} after it sends each packet out of the port of its destination.
 *
 * <pre>
 *   [a: client] -- port a --\                          /-- port b -- [b: web1]
 *                            load_balancer -> router --
 *                                                      \-- port c -- [c: web2]
 * </pre>
 *
 * <p>No ARP crosses the chain (the router forwards IPv4 only): the client has a static
 * neighbour entry for the VIP with the balancer's MAC, the backends one for the client. Each
 * backend serves a file naming it, so every response says which backend served it, and the
 * access logs say the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerNamespaceTest {
    private static final int SUBNET = 95;
    private static final int PORT = 8080;
    private static final String VIP = "10." + SUBNET + ".0.100";
    private static final String LB_MAC = "02:00:00:00:5f:fe";
    private static final int DOWNLOAD_BYTES = 4 << 20;
    private static final String[] NAMES = {"web1", "web2"};

    private Testbed bed;
    private Manager manager;
    private Path dir;
    private final List<Process> servers = new ArrayList<>();
    private byte[] big;
    private int connections;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for network namespaces and AF_PACKET");
        dir = Files.createTempDirectory("jnetvm-lb-e2e");
        bed = Testbed.create(Testbed.uniqueName("lb"), SUBNET, 3, true);
        Path backends = Files.writeString(dir.resolve("backends.txt"), """
                %s %s %s
                %s %s %s
                """.formatted(NAMES[0], bed.address(1), bed.mac(1), NAMES[1], bed.address(2), bed.mac(2)));
        Path routes = Files.writeString(dir.resolve("routes.txt"), """
                %s/32 a
                %s/32 b
                %s/32 c
                """.formatted(bed.address(0), bed.address(1), bed.address(2)));
        bed.run(0, "ip", "neigh", "replace", VIP, "lladdr", LB_MAC, "dev", "eth0");
        for (int side = 1; side <= 2; side++) {
            bed.run(side, "ip", "neigh", "replace", bed.address(0), "lladdr", bed.mac(0), "dev", "eth0");
        }
        manager = TestManagers.start("lbns", """
                region: {name: ${name}}
                ports:
                  - {name: a, kind: af_packet, interface: %s}
                  - {name: b, kind: af_packet, interface: %s}
                  - {name: c, kind: af_packet, interface: %s}
                services:
                  - {name: lb}
                  - {name: rt}
                chains: {default: [lb, rt]}
                nfs:
                  - {nf: load_balancer, service: lb, args: [--vip, %s, --ports, "%d", --backends, %s, --mac, "%s"]}
                  - {nf: router, service: rt, inProcess: true, args: [--routes, %s]}
                """.formatted(bed.hostInterface(0), bed.hostInterface(1), bed.hostInterface(2), VIP, PORT, backends,
                LB_MAC, routes));
        big = new byte[DOWNLOAD_BYTES];
        new Random(11).nextBytes(big);
        for (int b = 0; b < 2; b++) {
            Path www = Files.createDirectory(dir.resolve(NAMES[b]));
            Files.writeString(www.resolve("who"), NAMES[b]);
            Files.write(www.resolve("big.bin"), big);
            servers.add(Hosts.httpServer(bed, b + 1, bed.address(b + 1), PORT, www, dir.resolve(NAMES[b] + ".log")));
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            servers.forEach(Testbed::stop);
            if (manager != null) {
                manager.close();
                TestManagers.removeLogs(manager); // the balancer, ended by SIGTERM, exits 143
            }
        } finally {
            if (bed != null) {
                bed.close();
            }
            Hosts.deleteTree(dir);
        }
    }

    private String url(String file) {
        return "http://" + VIP + ":" + PORT + "/" + file;
    }

    // curl in the client for `urls` (one connection each with `close`, else one kept alive); what the bodies say.
    private String curl(boolean close, int times, String file) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--fail", "--max-time", "20"));
        if (close) {
            command.addAll(List.of("--header", "Connection: close"));
        }
        for (int i = 0; i < times; i++) {
            command.add(url(file));
        }
        Hosts.Result r = Hosts.run(bed, 0, Duration.ofSeconds(30), command.toArray(String[]::new));
        assertThat(r.exitCode()).as("curl through the balancer; output: %s", r.output()).isZero();
        connections += close ? times : 1;
        return r.output();
    }

    private static int count(String text, String word) {
        return text.split(word, -1).length - 1;
    }

    @Test
    @Order(1)
    void separateConnectionsGoToBothBackends() throws Exception {
        String bodies = curl(true, 8, "who");
        assertThat(count(bodies, NAMES[0]) + count(bodies, NAMES[1])).as("answers in '%s'", bodies).isEqualTo(8);
        // Round robin over two backends that are up.
        assertThat(count(bodies, NAMES[0])).as("answers from web1 in '%s'", bodies).isEqualTo(4);
    }

    @Test
    @Order(2)
    void requestsOnOneKeptAliveConnectionStayOnItsBackend() throws Exception {
        for (int round = 0; round < 2; round++) {
            String bodies = curl(false, 6, "who");
            String first = bodies.substring(0, 4);
            assertThat(bodies).as("six answers on one connection").isEqualTo(first.repeat(6));
        }
    }

    @Test
    @Order(3)
    void aLongDownloadIsServedWholeByOneBackend() throws Exception {
        Path fetched = dir.resolve("fetched.bin");
        long[] before = backendRxBytes();
        Hosts.Result r = Hosts.run(bed, 0, Duration.ofSeconds(60), "curl", "--silent", "--show-error", "--fail",
                "--max-time", "50", "--output", fetched.toString(), url("big.bin"));
        assertThat(r.exitCode()).as("curl of big.bin; output: %s", r.output()).isZero();
        connections++;
        assertThat(Hosts.sha256(Files.readAllBytes(fetched))).isEqualTo(Hosts.sha256(big));
        int servedBy = 0;
        for (String name : NAMES) {
            servedBy += Hosts.linesWith(Files.readString(dir.resolve(name + ".log")), "GET /big.bin").size();
        }
        assertThat(servedBy).as("access log entries for big.bin over both backends").isEqualTo(1);
        // What the backends' ports received while it ran: the whole file from one; from the other at
        // most the last segments closing an earlier connection.
        long[] after = backendRxBytes();
        long[] sent = {after[0] - before[0], after[1] - before[1]};
        assertThat(Math.max(sent[0], sent[1])).as("bytes from the serving backend").isGreaterThan(DOWNLOAD_BYTES);
        assertThat(Math.min(sent[0], sent[1])).as("bytes from the other backend").isLessThan(64 << 10);
    }

    // Bytes ports b and c (the backends) received so far.
    private long[] backendRxBytes() {
        long[] bytes = new long[2];
        for (var p : manager.stats().ports()) {
            if (p.name().equals("b") || p.name().equals("c")) {
                bytes[p.name().charAt(0) - 'b'] = p.rxBytes();
            }
        }
        return bytes;
    }

    @Test
    @Order(4)
    void theAccessLogsAndTheBalancersCountsAgree() throws Exception {
        manager.stopReceiving();
        assertThat(manager.awaitDrained()).as("chain drained").isTrue();
        String log = Hosts.stopNfs(manager).get("load_balancer");
        Matcher m = Pattern.compile("new_connections=(\\d+)").matcher(log);
        assertThat(m.find()).as("counters in:%n%s", log).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("connections the balancer saw").isEqualTo(connections);
        long total = 0;
        for (int b = 0; b < 2; b++) {
            String accessLog = Files.readString(dir.resolve(NAMES[b] + ".log"));
            int requests = Hosts.linesWith(accessLog, "\"GET /").size();
            assertThat(requests).as("requests %s served", NAMES[b]).isPositive();
            Matcher assigned = Pattern.compile(NAMES[b] + " \\S+ up: (\\d+) connections assigned").matcher(log);
            assertThat(assigned.find()).as("%s in:%n%s", NAMES[b], log).isTrue();
            assertThat(Long.parseLong(assigned.group(1))).as("connections given to %s", NAMES[b]).isPositive();
            total += Long.parseLong(assigned.group(1));
        }
        assertThat(total).isEqualTo(connections);
        assertThat(log).contains("no_backend=0", "table_full=0");
    }
}

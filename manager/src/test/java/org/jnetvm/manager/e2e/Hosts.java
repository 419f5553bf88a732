package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.testsupport.Shell;
import org.jnetvm.testsupport.Testbed;

/**
 * What the end-to-end tests in namespaces do in their hosts: HTTP servers, curl, waiting for a
 * socket to listen; and, at the end, stopping the NF processes for their counters and removing
 * the test's files.
 */
final class Hosts {
    static final Duration LISTEN_WAIT = Duration.ofSeconds(10);

    private Hosts() {
    }

    /** What a command in a host printed, its exit code and how long it took. */
    record Result(int exitCode, String output, long millis) {
    }

    /**
     * Starts python3's http.server in host {@code side} on {@code address:port} serving
     * {@code directory} (HTTP/1.1, so connections can be kept alive), its access log in
     * {@code log}, and waits until it listens.
     */
    static Process httpServer(Testbed bed, int side, String address, int port, Path directory, Path log)
            throws IOException {
        Process server = bed.inHost(side, "python3", "-m", "http.server", String.valueOf(port), "--bind", address,
                "--protocol", "HTTP/1.1", "--directory", directory.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        bed.awaitListening(side, "tcp", port, LISTEN_WAIT);
        return server;
    }

    /** Runs {@code command} in host {@code side}, at most {@code limit}, and returns what it printed. */
    static Result run(Testbed bed, int side, Duration limit, String... command)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Shell.Result r = Shell.exec(limit, bed.inHost(side, command).command().toArray(String[]::new));
        if (r.timedOut()) {
            throw new AssertionError(r.output());
        }
        return new Result(r.exitCode(), r.output(), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Stops the manager's NF processes with SIGTERM (they print their counters) and returns
     * their logs by NF name; NFs of a name started twice get their logs joined.
     */
    static Map<String, String> stopNfs(Manager manager) throws IOException, InterruptedException {
        Map<String, String> logs = new HashMap<>();
        for (NfLauncher.Launched l : manager.launcher().launched()) {
            if (!l.inProcess()) {
                l.process().destroy();
                assertThat(l.process().waitFor(20, TimeUnit.SECONDS)).as("NF %s stops", l.nf()).isTrue();
                logs.merge(l.nf(), Files.readString(l.log()), String::concat);
            }
        }
        return logs;
    }

    /** Lines of {@code log} that contain {@code text}. */
    static List<String> linesWith(String log, String text) {
        List<String> found = new ArrayList<>();
        log.lines().filter(l -> l.contains(text)).forEach(found::add);
        return found;
    }

    static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes {@code dir} and everything in it (null: nothing). */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package org.jnetvm.bench.forward;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jnetvm.testsupport.Testbed;

/**
 * DPDK's {@code dpdk-testpmd} (Debian's dpdk package) forwarding between the two host interfaces
 * of a {@link Testbed} in io mode, through two {@code net_af_packet} devices: DPDK's own AF_PACKET
 * driver, the baseline the af_packet port must beat. It starts forwarding by itself and waits for
 * Enter on stdin; we hold that pipe open and close it to end the run (it then prints its
 * statistics). Its output is line-buffered through {@code stdbuf -oL}; {@code --in-memory} leaves
 * no hugepage files behind.
 */
final class Testpmd implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final List<String> output = new ArrayList<>();

    private Testpmd(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    static boolean available() {
        return new java.io.File("/usr/bin/dpdk-testpmd").canExecute();
    }

    /** Starts testpmd and waits (at most 30 s) until it forwards. */
    static Testpmd start(Testbed bed) throws IOException {
        Process p = new ProcessBuilder("stdbuf", "-oL", "dpdk-testpmd", "--no-pci", "--in-memory", "-l", "0-1",
                "--vdev=net_af_packet0,iface=" + bed.hostInterface(0),
                "--vdev=net_af_packet1,iface=" + bed.hostInterface(1),
                "--", "--forward-mode=io", "--nb-cores=1").redirectErrorStream(true).start();
        Testpmd t = new Testpmd(p);
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (t.output) {
                        t.output.add(line);
                    }
                    if (line.contains("Press enter to exit")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the process ended; its exit is seen below
            } finally {
                ready.complete(false);
            }
        });
        try {
            if (!ready.get(30, TimeUnit.SECONDS)) {
                t.close();
                throw new IOException("dpdk-testpmd ended before forwarding: " + t.tail());
            }
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            t.close();
            throw new IOException("dpdk-testpmd not forwarding after 30 s: " + t.tail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.close();
            throw new IOException("interrupted", e);
        }
        return t;
    }

    /** The last lines it printed. */
    String tail() {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 15), output.size()));
        }
    }

    /** Ends the run as Enter would, then waits for the process (killed after 15 s). */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

package org.jnetvm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Commands that set up and tear down interfaces and namespaces (ip, ethtool, tcpdump), with a time limit each. */
public final class Shell {
    private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(20);

    private Shell() {
    }

    /** Whether this process runs as root (it needs that to make interfaces and namespaces). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Runs {@code command} and returns its output; throws with the output if it fails or takes
     * over 20 s.
     */
    public static String run(String... command) {
        Result r = exec(DEFAULT_LIMIT, command);
        if (r.exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode + "): " + r.output);
        }
        return r.output;
    }

    /** Runs {@code command} for its effect only (clean-up): returns its output, whatever its exit code. */
    public static String runQuiet(String... command) {
        return exec(DEFAULT_LIMIT, command).output;
    }

    /**
     * What a command printed (standard output and error together) and its exit code; a command
     * killed at its time limit has exit code -1, {@code timedOut} set, and what it printed until then.
     */
    public record Result(int exitCode, String output, boolean timedOut) {
    }

    /** Runs {@code command}, killing it once {@code limit} has passed. */
    public static Result exec(Duration limit, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Output is read on its own thread so that a command that hangs is killed at the time limit.
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (out) {
                        out.append(text);
                    }
                } catch (IOException e) {
                    synchronized (out) {
                        out.append("(output unreadable: ").append(e.getMessage()).append(')');
                    }
                }
            });
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                synchronized (out) {
                    return new Result(-1, String.join(" ", command) + " did not finish in " + limit.toMillis()
                            + " ms; output: " + out, true);
                }
            }
            reader.join();
            return new Result(p.exitValue(), out.toString(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}

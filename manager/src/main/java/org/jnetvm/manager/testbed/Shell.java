package org.jnetvm.manager.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Commands that set up and tear down interfaces and namespaces (ip, ethtool, tcpdump), with a time limit each. */
public final class Shell {
    private static final long TIMEOUT_SECONDS = 20;

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
        Result r = exec(command);
        if (r.exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode + "): " + r.output);
        }
        return r.output;
    }

    /** Runs {@code command} for its effect only (clean-up): returns its output, whatever its exit code. */
    public static String runQuiet(String... command) {
        return exec(command).output;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Output is read on its own thread so that a command that hangs is killed at the time limit.
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.append("(output unreadable: ").append(e.getMessage()).append(')');
                }
            });
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                return new Result(-1, String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            reader.join();
            return new Result(p.exitValue(), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}

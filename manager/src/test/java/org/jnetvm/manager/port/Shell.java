package org.jnetvm.manager.port;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Commands the port tests run to set up and tear down interfaces (ip, tcpdump). */
final class Shell {
    private Shell() {
    }

    /** Whether the tests run as root (they need it to make interfaces and namespaces). */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs {@code command}, failing the test with its output if it fails or takes over 20 s. */
    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 20 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    /** Runs {@code command} for its effect only (clean-up): returns its output, whatever its exit code. */
    static String runQuiet(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}

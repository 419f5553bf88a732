package org.jnetvm.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seconds} and {@code --json} of the bench commands that measure for a while after a warm-up of 2 s
 * ({@code bench wakeup}, {@code bench flurries}): a picocli mixin, so both say and check them the same way.
 */
final class TimedRunOptions {
    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "Seconds each run measures, after 2 s of warm-up, 0.2..600 (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line of output.")
    boolean json;

    /** Whether --seconds is in range; if not, says so on stderr for {@code command}. */
    boolean check(String command) {
        if (seconds < 0.2 || seconds > 600) {
            System.err.println("bench " + command + ": --seconds " + seconds + " is out of range 0.2..600");
            return false;
        }
        return true;
    }

    long millis() {
        return Math.round(seconds * 1000);
    }
}

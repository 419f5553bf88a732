package org.jnetvm.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the bench commands share: quiet logging (managers and NFs in bulk would bury the progress) and the command line. */
final class BenchSupport {
    private BenchSupport() {
    }

    /** The command as typed, for the JSON: "bin/jnetvm" and the arguments the root command got. */
    static String commandLine(picocli.CommandLine.Model.CommandSpec spec) {
        picocli.CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        java.util.List<String> args = root.getParseResult() == null ? java.util.List.of()
                : root.getParseResult().originalArgs();
        return "bin/jnetvm " + String.join(" ", args);
    }

    /** Warnings and errors only, unless JNETVM_LOG_LEVEL asks for something else. */
    static void quiet() {
        if (System.getenv("JNETVM_LOG_LEVEL") == null
                && LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
    }
}

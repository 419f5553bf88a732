package org.jnetvm.manager.nf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;

/** The host's baseline options are refused, with the reason, where they make no sense; before any connection. */
class NfMainHostOptionsTest {

    @Test
    void baselineOptionsNeedAHostAndPollingNeedsPlatformThreads() {
        assertRefused(List.of("basic_monitor", "--host-threads", "platform"), "need --host N");
        assertRefused(List.of("basic_monitor", "--host-idle", "poll"), "need --host N");
        assertRefused(List.of("basic_monitor", "--host", "4", "--host-idle", "poll"),
                "--host-idle poll needs --host-threads platform");
        assertRefused(List.of("basic_monitor", "--host", "4", "--host-threads", "green"), "green");
    }

    private static void assertRefused(List<String> args, String reason) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = NfMain.run(args.toArray(String[]::new));
        } finally {
            System.setErr(saved);
        }
        assertThat(code).as("exit code of %s", args).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).as("message for %s", args).contains(reason);
    }
}

package org.jnetvm.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The manager reads its open-files limit as the shell sees it, to warn when the config's NFs cannot all connect. */
class OpenFilesLimitTest {

    @Test
    void theLimitIsTheSoftLimitAChildShellInherits() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "ulimit -n").start();
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String soft = new String(shell.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        long expected = soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        assertThat(Manager.openFilesLimit()).isEqualTo(expected).isGreaterThan(Manager.FILES_BESIDE_NFS);
    }
}

package org.jnetvm.manager.nf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;

/** An NF host of tens of thousands of NFs gets a heap that holds them; every other NF keeps the default. */
class NfLauncherHeapTest {

    @Test
    void onlyAHostOfMoreNfsThanTheDefaultHeapHoldsGetsABiggerHeapAfterTheDefaultFlags() {
        NfLauncher launcher = new NfLauncher(Path.of("/tmp/none.sock"), Path.of("/tmp"));
        List<String> big = launcher.command("basic_monitor", "nf", List.of(NfMain.HOST_OPTION, "50000"), false);
        int defaultHeap = big.indexOf("-Xmx256m");
        int hostHeap = big.indexOf("-Xmx" + (256 + 50_000L * NfLauncher.HOSTED_NF_HEAP_BYTES / (1 << 20)) + "m");
        assertThat(defaultHeap).isNotNegative();
        assertThat(hostHeap).as("the host's -Xmx comes later, so it wins").isGreaterThan(defaultHeap);

        for (List<String> args : List.of(List.<String>of(), List.of(NfMain.HOST_OPTION, "10000"),
                List.of(NfMain.HOST_OPTION, "many"), List.of(NfMain.HOST_OPTION))) {
            assertThat(launcher.command("basic_monitor", "nf", args, false).stream().filter(a -> a.startsWith("-Xmx")))
                    .as("args %s", args).containsExactly("-Xmx256m");
        }
    }
}

package org.jnetvm.bench.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jnetvm.testsupport.Shell;
import org.jnetvm.testsupport.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One short run of each forwarder (1 s per iperf3 test): each carries TCP and UDP between the
 * namespaces, the JSON line has the keys the README promises, and nothing is left behind. The
 * figures themselves are not checked (a noisy shared machine); `bin/jnetvm bench forward`
 * reports them.
 */
class ForwardBenchTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void eachForwarderCarriesTcpAndUdpAndTheReportHasItsKeys() throws Exception {
        assumeTrue(Shell.isRoot(), "needs root for namespaces and AF_PACKET");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        var options = new ForwardBench.Options(1, Set.of("bridge", "testpmd", "jnetvm"), "inline", 2);
        ForwardBench.Result r = ForwardBench.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));
        String log = progress.toString(StandardCharsets.UTF_8);

        for (ForwardBench.Figures f : new ForwardBench.Figures[] {r.bridge(), r.testpmd(), r.jnetvm()}) {
            assertThat(f.error()).as("%s failed; progress:%n%s", f.forwarder(), log).isNull();
            assertThat(f.tcpGbps()).as("%s TCP", f.forwarder()).isPositive();
            assertThat(f.udpPps()).as("%s UDP", f.forwarder()).isPositive();
        }
        JsonNode json = new ObjectMapper().readTree(ForwardBench.json(r, options, "test"));
        assertThat(json.fieldNames()).toIterable().contains("bridge", "testpmd", "jnetvm", "ratio_vs_testpmd",
                "ratio_vs_bridge");
        assertThat(json.path("ratio_vs_bridge").path("tcp").asDouble())
                .isEqualTo(Math.round(r.jnetvm().tcpGbps() / r.bridge().tcpGbps() * 100) / 100.0);
        assertThat(Shell.runQuiet("ip", "netns", "list")).doesNotContain(Testbed.uniqueName("fw"));
        assertThat(Shell.runQuiet("ip", "link", "show")).doesNotContain(Testbed.uniqueName("fw"));
    }
}

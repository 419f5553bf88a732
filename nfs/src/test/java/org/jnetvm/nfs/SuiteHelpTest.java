package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jnetvm nf NAME --help} for every NF of the suite: its own options beside the platform's. */
class SuiteHelpTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "firewall      | --rules=FILE, --default, --non-ip, --interval, allow|deny [proto",
            "load_balancer | --vip=IP, --backends=FILE, --ports, --mac, --max-connections, --idle-timeout, --reload",
            "flow_tracker  | --max-flows, --top, --sort, --interval, --idle-timeout",
            "payload_scan  | --pattern, --patterns=FILE, --ignore-case, --action, --steer-to, chain:NAME|service:NAME|drop",
            "scrubber      | --drop, --interval",
            "arp_response  | --entry=IP=MAC, --entries=FILE, --out=PORT",
            "router        | --routes=FILE, --mac, PREFIX PORT [NEXT-HOP-MAC]",
            "rate_limiter  | --rate=RATE, --burst-size, --per, --max-flows",
            "aes_encrypt   | --key=HEX, --key-file=FILE, --udp-port, AES-CTR",
            "aes_decrypt   | --key=HEX, --key-file=FILE, --udp-port",
            "busy          | --work=NANOS"})
    void helpListsTheNfsOptionsAndThePlatformsAndExitsZero(String name, String expected) {
        assertThat(NfCatalog.load().names()).containsKey(name);
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = NfMain.run(new String[] {name, "--help"});
        } finally {
            System.setOut(saved);
        }
        String help = bytes.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "); // picocli wraps at 80 columns
        assertThat(code).isZero();
        assertThat(help).contains("Usage: jnetvm nf " + name, "--service", "--manager");
        for (String word : expected.split(",")) {
            assertThat(help).contains(word.strip());
        }
    }
}

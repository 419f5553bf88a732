package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class FirewallTest {

    static final String RULES = """
            # web servers
            allow proto tcp to 10.0.1.0/24 dport 80
            deny  proto tcp from 10.0.0.66
            allow proto tcp dport 1000-2000      # a port range
            allow proto udp from fd00::/64 to fd00::2 dport 53
            deny  proto icmp
            """;

    static Firewall firewall(Path dir, String rules, String... options) throws Exception {
        Path file = Files.writeString(dir.resolve("rules.txt"), rules);
        String[] args = new String[options.length + 2];
        args[0] = "--rules";
        args[1] = file.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        return (Firewall) NfMain.configure(NfCatalog.load(), "firewall", args).nf();
    }

    static byte[] tcp(int src, int dst, int dport) {
        FrameBuilder b = new FrameBuilder();
        b.protocol = PacketParser.PROTO_TCP;
        b.src4 = src;
        b.dst4 = dst;
        b.dstPort = dport;
        return b.build();
    }

    @Test
    void theFirstMatchingRuleDecidesAndEveryRuleCountsItsHits(@TempDir Path dir) throws Exception {
        Firewall fw = firewall(dir, RULES);
        FrameBuilder v6 = new FrameBuilder();
        v6.l3 = FrameBuilder.L3_IPV6;
        v6.srcLo = 7;
        v6.dstLo = 2;
        v6.dstPort = 53;
        FrameBuilder v6other = new FrameBuilder();
        v6other.l3 = FrameBuilder.L3_IPV6;
        v6other.dstLo = 3; // not fd00::2
        v6other.dstPort = 53;
        FrameBuilder icmp = new FrameBuilder();
        icmp.protocol = PacketParser.PROTO_ICMP;
        FrameBuilder arp = new FrameBuilder();
        arp.l3 = FrameBuilder.L3_ARP;
        byte[] truncated = Arrays.copyOf(tcp(0x0A000001, 0x0A000102, 80), 14 + 30);

        try (NfHarness h = NfHarness.start(fw)) {
            List<NfHarness.Outcome> out = h.run(List.of(
                    tcp(0x0A000042, 0x0A000105, 80),   // 10.0.0.66 -> 10.0.1.5:80: rule 1 before rule 2
                    tcp(0x0A000042, 0x0A000205, 80),   // 10.0.0.66 -> 10.0.2.5:80: rule 2
                    tcp(0x0A000001, 0x0A000205, 1500), // rule 3
                    tcp(0x0A000001, 0x0A000205, 2001), // no rule: default deny
                    v6.build(),                        // rule 4
                    v6other.build(),                   // default deny
                    icmp.build(),                      // rule 5
                    arp.build(),                       // not IP: allowed by default
                    truncated), 0);                    // malformed: dropped
            assertThat(out).extracting(NfHarness.Outcome::forwarded)
                    .containsExactly(true, false, true, false, true, false, false, true, false);
            assertThat(out).extracting(NfHarness.Outcome::dropped)
                    .containsExactly(false, true, false, true, false, true, true, false, true);
            assertThat(List.of(fw.hits(0), fw.hits(1), fw.hits(2), fw.hits(3), fw.hits(4), fw.hits(5)))
                    .as("hits of rules 1-5 and of the default").containsExactly(1L, 1L, 1L, 1L, 1L, 2L);
            assertThat(fw.bytes[0]).isEqualTo(out.getFirst().frame().length);
            assertThat(fw.counters.get("allowed")).isEqualTo(3);
            assertThat(fw.counters.get("denied")).isEqualTo(4);
            assertThat(fw.counters.get("non_ip")).isEqualTo(1);
            assertThat(fw.counters.get("malformed")).isEqualTo(1);
            assertThat(fw.report()).contains("firewall: allowed=3 denied=4 non_ip=1 malformed=1",
                    "rule 1 (rules.txt:2) allow proto tcp to 10.0.1.0/24 dport 80: 1 packets, 54 bytes",
                    "rule 3 (rules.txt:4) allow proto tcp dport 1000-2000: 1 packets",
                    "default deny: 2 packets");
        }
    }

    @Test
    void theDefaultAndTheNonIpPolicyAreOptions(@TempDir Path dir) throws Exception {
        Firewall fw = firewall(dir, "deny proto tcp dport 22\n", "--default", "allow", "--non-ip", "deny");
        FrameBuilder arp = new FrameBuilder();
        arp.l3 = FrameBuilder.L3_ARP;
        try (NfHarness h = NfHarness.start(fw)) {
            List<NfHarness.Outcome> out = h.run(List.of(tcp(1, 2, 22), tcp(1, 2, 23), arp.build()), 0);
            assertThat(out).extracting(NfHarness.Outcome::dropped).containsExactly(true, false, true);
            assertThat(fw.report()).contains("default allow: 1 packets");
        }
    }

    @Test
    void fragmentsMatchOnlyRulesWithoutPorts(@TempDir Path dir) throws Exception {
        Firewall fw = firewall(dir, "allow proto udp dport 53\nallow proto udp from 10.0.0.9\n");
        FrameBuilder first = new FrameBuilder();
        first.dstPort = 53;
        first.moreFragments = true;
        first.payload = new byte[16];
        FrameBuilder fromNine = new FrameBuilder();
        fromNine.src4 = 0x0A000009;
        fromNine.dstPort = 53;
        fromNine.moreFragments = true;
        fromNine.payload = new byte[16];
        try (NfHarness h = NfHarness.start(fw)) {
            List<NfHarness.Outcome> out = h.run(List.of(first.build(), fromNine.build()), 0);
            assertThat(out).extracting(NfHarness.Outcome::dropped).containsExactly(true, false);
            assertThat(fw.hits(1)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "allow\\nallow proto tcp dport 80\\npermit tcp | 3: 'permit' is not an action: a rule starts with allow or deny",
            "# comment\\n\\nallow proto tcp from 10.0.0.256 | 3: from '10.0.0.256' is not an IPv4 address: 256 is over 255",
            "allow from 10.0.0.1/8 | 1: from '10.0.0.1/8' has bits set beyond its /8 prefix; write 10.0.0.0/8",
            "allow from 10.0.0.0/33 | 1: from '10.0.0.0/33': prefix length '33' is not a number 0-32",
            "allow dport 80 | 1: sport and dport need proto tcp or proto udp (other protocols have no ports)",
            "allow proto tcp dport 2000-1000 | 1: dport port range '2000-1000' ends before it starts; write 1000-2000",
            "allow proto tcp dport 70000 | 1: dport '70000' is not a port 0-65535, a range like 1000-2000, or any",
            "allow from 10.0.0.0/8 to fd00::/8 | 1: from 10.0.0.0/8 and to fd00::/8 are of different IP versions",
            "deny proto icmp to fd00::1 | 1: proto icmp and to fd00::1/128 are of different IP versions",
            "allow proto tcp proto udp | 1: 'proto' is given twice",
            "allow proto | 1: missing a value after 'proto' (word 3) in 'allow proto'",
            "allow proto gre | 1: proto 'gre' is not tcp, udp, icmp, icmpv6, any or a protocol number 0-255",
            "allow src 10.0.0.1 | 1: unknown word 'src'; after the action come proto, from, sport, to, dport",
            "allow from fd00::zz | 1: from 'fd00::zz' is not an IPv6 address",
    })
    void aBadRuleFileIsRefusedNamingTheLineAndWhatIsWrong(String rules, String expected, @TempDir Path dir) {
        String text = rules.strip().replace("\\n", "\n");
        Path file = dir.resolve("rules.txt");
        assertThatThrownBy(() -> firewall(dir, text))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--rules")
                .hasMessageContaining(file + ":" + expected.strip());
    }

    @Test
    void aMissingRuleFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.txt");
        assertThatThrownBy(() -> NfMain.configure(NfCatalog.load(), "firewall", "--rules", missing.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining(missing + ": cannot read the file");
    }
}

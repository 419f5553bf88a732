package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PayloadScanTest {

    static PayloadScan scan(String... args) {
        return (PayloadScan) NfMain.configure(NfCatalog.load(), "payload_scan", args).nf();
    }

    static byte[] udp(String payload) {
        FrameBuilder b = new FrameBuilder();
        b.payload = payload.getBytes(StandardCharsets.UTF_8);
        return b.build();
    }

    static byte[] tcp(byte[] payload) {
        FrameBuilder b = new FrameBuilder();
        b.protocol = PacketParser.PROTO_TCP;
        b.payload = payload;
        return b.build();
    }

    @Test
    void dropsPacketsWhosePayloadHoldsAPatternFromTheOptionsOrAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("patterns.txt"), """
                # binary, then text with a blank in it
                hex:de ad be ef
                cmd.exe /c
                """);
        PayloadScan nf = scan("--pattern", "/etc/passwd", "--patterns", file.toString(), "--interval", "0");
        FrameBuilder header = new FrameBuilder(); // the pattern sits in the UDP header's bytes, not the payload
        header.srcPort = 0xDEAD;
        header.dstPort = 0xBEEF;
        try (NfHarness h = NfHarness.start(nf)) {
            List<NfHarness.Outcome> out = h.run(List.of(
                    udp("GET /etc/passwd HTTP/1.0"),
                    tcp(new byte[] {1, 2, (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, 3}),
                    udp("run cmd.exe /c dir"),
                    udp("cmd.exe/c"),
                    header.build(),
                    udp("nothing to see")), 0);
            assertThat(out).extracting(NfHarness.Outcome::dropped).containsExactly(true, true, true, false, false, false);
            assertThat(nf.counters.get("scanned")).isEqualTo(6);
            assertThat(nf.counters.get("matched")).isEqualTo(3);
            assertThat(nf.report()).contains("pattern 1 '/etc/passwd': 1 packets", "pattern 2 (patterns.txt:2): 1 packets",
                    "pattern 3 (patterns.txt:3): 1 packets");
        }
    }

    @Test
    void marksInsteadOfDroppingAndIgnoresCaseWhenAsked() {
        PayloadScan nf = scan("-p", "select", "-p", "UNION", "--ignore-case", "--action", "mark", "--interval", "0");
        FrameBuilder arp = new FrameBuilder();
        arp.l3 = FrameBuilder.L3_ARP;
        try (NfHarness h = NfHarness.start(nf)) {
            List<NfHarness.Outcome> out = h.run(List.of(udp("x UnIoN SeLeCt"), udp("plain"), arp.build()), 0);
            assertThat(out).allMatch(NfHarness.Outcome::forwarded);
            assertThat(out.get(0).flags() & PacketMeta.FLAG_MARKED).isNotZero();
            assertThat(out.get(0).userWord()).as("pattern 2 ends first").isEqualTo(2);
            assertThat(out.get(1).flags() & PacketMeta.FLAG_MARKED).isZero();
            assertThat(out.get(1).userWord()).isZero();
            assertThat(nf.counters.get("not_scanned")).isEqualTo(1);
        }
    }

    @Test
    void steerSendsTheMatchingPacketAndWritesItsFlowsEntry() {
        PayloadScan nf = scan("-p", "EVIL", "--action", "steer", "--steer-to", "service:under-test", "--interval", "0");
        try (NfHarness h = NfHarness.start(nf)) {
            List<NfHarness.Outcome> out = h.run(List.of(udp("fine"), udp("an EVIL one")), 0);
            assertThat(out.get(0).forwarded()).isTrue();
            assertThat(out.get(1).action()).isEqualTo(org.jnetvm.core.buffer.Action.TONF);
            assertThat(out.get(1).destination()).isEqualTo(NfHarness.SERVICE);
            assertThat(nf.counters.get("steered")).isEqualTo(1);
            assertThat(h.flows().steered()).isEqualTo(1);
            assertThat(h.flows().live()).as("the flow's exact-match entry").isEqualTo(1);
        }
    }

    @Test
    void steerNeedsAKnownTarget() {
        assertThatThrownBy(() -> scan("-p", "x", "--action", "stear"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not drop, mark or steer");
        for (String[] bad : new String[][] {{"--action", "steer"}, {"--action", "steer", "--steer-to", "chain:nowhere"},
                {"--action", "steer", "--steer-to", "port:1"}, {"--action", "mark", "--steer-to", "drop"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("-p", "x"), java.util.Arrays.stream(bad))
                    .toArray(String[]::new);
            PayloadScan nf = scan(args);
            assertThatThrownBy(() -> NfHarness.start(nf).close()).as(String.join(" ", bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steer");
        }
    }

    @Test
    void badPatternFilesAreRefusedWithTheLine(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.txt"), "ok\n# fine\nhex:12 3g\n");
        assertThatThrownBy(() -> scan("--patterns", bad.toString()))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining(bad + ":3: '12 3g' is not hex bytes");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing\n\n");
        assertThatThrownBy(() -> scan("--patterns", empty.toString()))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining(empty + ": holds no patterns");
        Path emptyHex = Files.writeString(dir.resolve("hex.txt"), "hex:\n");
        assertThatThrownBy(() -> scan("--patterns", emptyHex.toString()))
                .hasMessageContaining(emptyHex + ":1: 'hex:' with no bytes");
    }
}

package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jnetvm.core.packet.ArpView;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ArpResponseTest {

    static final long REQUESTER = 0x02_00_00_00_00_AAL;
    static final long ANSWER = 0x02_00_00_00_00_01L;

    static ArpResponse arp(String... args) {
        return (ArpResponse) NfMain.configure(NfCatalog.load(), "arp_response", args).nf();
    }

    static byte[] request(int target) {
        FrameBuilder b = new FrameBuilder();
        b.l3 = FrameBuilder.L3_ARP;
        b.arpOp = ArpView.OP_REQUEST;
        b.dstMac = 0xFFFF_FFFF_FFFFL;
        b.srcMac = REQUESTER;
        b.src4 = 0x0A00_0063; // 10.0.0.99 asks
        b.dst4 = target;
        return b.build();
    }

    @Test
    void answersRequestsForItsAddressesInPlaceOutOfTheInputPort(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("arp.txt"), "10.0.0.1 02:00:00:00:00:01  # the gateway\n");
        ArpResponse nf = arp("--entries", file.toString(), "--entry", "10.0.0.7=02:00:00:00:00:07");
        FrameBuilder expected = new FrameBuilder();
        expected.l3 = FrameBuilder.L3_ARP;
        expected.arpOp = ArpView.OP_REPLY;
        expected.dstMac = REQUESTER;
        expected.srcMac = ANSWER;
        expected.src4 = 0x0A00_0001;
        expected.dst4 = 0x0A00_0063;
        FrameBuilder gratuitous = new FrameBuilder();
        gratuitous.l3 = FrameBuilder.L3_ARP;
        gratuitous.src4 = gratuitous.dst4 = 0x0A00_0001;
        FrameBuilder reply = new FrameBuilder();
        reply.l3 = FrameBuilder.L3_ARP;
        reply.arpOp = ArpView.OP_REPLY;
        reply.dst4 = 0x0A00_0001;
        byte[] truncatedArp = Arrays.copyOf(request(0x0A00_0001), 14 + 20);
        try (NfHarness h = NfHarness.start(nf, "p0", "p1", "p2")) {
            List<NfHarness.Outcome> out = h.run(List.of(request(0x0A00_0001), request(0x0A00_0007), request(0x0A00_0002),
                    gratuitous.build(), reply.build(), new FrameBuilder().build(), truncatedArp), 2);
            assertThat(out.get(0).out(2)).as("replied out of the input port").isTrue();
            assertThat(out.get(0).frame()).isEqualTo(expected.build());
            assertThat(out.get(1).out(2)).isTrue();
            assertThat(Arrays.copyOfRange(out.get(1).frame(), 6, 12)).as("source MAC of the .7 answer")
                    .containsExactly(2, 0, 0, 0, 0, 7);
            assertThat(out.subList(2, 6)).allMatch(NfHarness.Outcome::forwarded);
            assertThat(out.get(2).frame()).as("not ours: untouched").isEqualTo(request(0x0A00_0002));
            assertThat(out.get(6).dropped()).isTrue();
            assertThat(nf.counters.format()).isEqualTo("replied=2 arp_passed=3 other_passed=1 malformed=1");
        }
    }

    @Test
    void repliesLeaveByTheOutPortWhenGiven() {
        ArpResponse nf = arp("--entry", "10.0.0.1=02:00:00:00:00:01", "--out", "cap");
        try (NfHarness h = NfHarness.start(nf, "in", "cap")) {
            assertThat(h.run(request(0x0A00_0001)).out(1)).isTrue();
        }
        assertThatThrownBy(() -> NfHarness.start(arp("--entry", "10.0.0.1=02:00:00:00:00:01", "--out", "nope"), "in"))
                .hasMessage("--out nope: no such port; the manager has 1 ports");
    }

    @Test
    void badEntriesAreRefusedWithTheLine(@TempDir Path dir) throws Exception {
        Path twice = Files.writeString(dir.resolve("a.txt"), "10.0.0.1 02:00:00:00:00:01\n\n10.0.0.1 02:00:00:00:00:02\n");
        assertThatThrownBy(() -> arp("--entries", twice.toString())).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining(twice + ":3: 10.0.0.1 is already given on line 1");
        Path badMac = Files.writeString(dir.resolve("b.txt"), "10.0.0.1 02:00:00:00:01\n");
        assertThatThrownBy(() -> arp("--entries", badMac.toString()))
                .hasMessageContaining(badMac + ":1: '02:00:00:00:01' is not a MAC address");
        Path three = Files.writeString(dir.resolve("c.txt"), "10.0.0.1 02:00:00:00:00:01 extra\n");
        assertThatThrownBy(() -> arp("--entries", three.toString()))
                .hasMessageContaining(three + ":1: expected 'IP MAC'");
        assertThatThrownBy(() -> NfHarness.start(arp("--entry", "10.0.0.1"))).hasMessageContaining("write IP=MAC");
        assertThatThrownBy(() -> NfHarness.start(arp())).hasMessageContaining("no addresses to answer for");
    }
}

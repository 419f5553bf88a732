package org.jnetvm.manager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.port.PcapPortTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NF-driven flow steering, end to end: payload_scan inspects every flow on the default chain; when
 * flow A carries "EVIL" (its packet 150 of 0..199) it steers flow A to the scrubber. The captures of
 * the two services show flow A's packets before the switch on the first path and after it on the
 * second, and flow B (never matched) only on the first.
 */
class SteerByPayloadTest {
    private static final Pattern SEQ = Pattern.compile("([AB]) seq=(\\d+)");
    private static final int PACKETS = 200;
    private static final int EVIL = 150;

    @Test
    void anInspectingNfMovesAFlowToTheScrubberForTheRestOfTheFlow(@TempDir Path dir) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int seq = 0; seq < PACKETS; seq++) {
            frames.add(udp(1111, "A seq=" + seq + (seq == EVIL ? " EVIL" : "")));
            frames.add(udp(2222, "B seq=" + seq));
        }
        Path in = dir.resolve("in.pcap");
        PcapPortTest.writePcap(in, frames, ByteOrder.LITTLE_ENDIAN, false);
        Path scanned = dir.resolve("scan.pcap");
        Path scrubbed = dir.resolve("scrub.pcap");
        // Paced (2000 frames/s, so 0.2 s in all), so the scanner has seen the match before the flow's
        // next packet is read, as a flow's packets are spaced on a wire; the test tolerates a few read
        // in one burst with it when the machine is busy (the frames due at start come in bursts: the
        // match is late enough to be past them).
        try (Manager manager = TestManagers.start("steer", """
                region: {name: ${name}, directory: /dev/shm, buffers: 2048}
                control: {socket: /tmp/${name}.sock}
                ports:
                  - {name: in0, kind: pcap_in, file: %s, pace: rate, rate: 2000}
                services:
                  - {id: 1, name: scan, capture: %s}
                  - {id: 2, name: scrub, capture: %s}
                chains: {default: [scan]}
                nfs:
                  - {nf: payload_scan, service: scan, inline: true,
                     args: [-p, EVIL, --action, steer, --steer-to, "service:scrub"]}
                  - {nf: scrubber, service: scrub, inline: true}
                """.formatted(in, scanned, scrubbed))) {
            TestManagers.awaitDrained(manager, 2L * PACKETS, Duration.ofSeconds(30));
            assertThat(manager.flows().table().steered()).isEqualTo(1);
        }
        TreeSet<Integer> scanA = seqs(scanned, "A");
        TreeSet<Integer> scrubA = seqs(scrubbed, "A");
        assertThat(seqs(scanned, "B")).as("flow B stays on the default chain").hasSize(PACKETS);
        assertThat(seqs(scrubbed, "B")).as("flow B never reaches the scrubber").isEmpty();
        // Before the switch: packets 0..EVIL at the scanner (and maybe one or two read before its
        // entry was written); from EVIL on: the scrubber (EVIL itself sent there by the scanner).
        int lastScanned = scanA.last();
        assertThat(scanA).as("the scanner saw flow A up to the match, then no more")
                .containsExactlyElementsOf(range(0, lastScanned));
        assertThat(lastScanned).isBetween(EVIL, EVIL + 8);
        TreeSet<Integer> expectedScrub = new TreeSet<>(range(lastScanned + 1, PACKETS - 1));
        expectedScrub.add(EVIL);
        assertThat(scrubA).as("the scrubber got the match and every later packet of flow A")
                .containsExactlyElementsOf(expectedScrub);
    }

    private static byte[] udp(int srcPort, String payload) {
        FrameBuilder b = new FrameBuilder();
        b.srcPort = srcPort;
        b.dstPort = 53;
        b.payload = payload.getBytes(StandardCharsets.US_ASCII);
        return b.build();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            r.add(i);
        }
        return r;
    }

    private static TreeSet<Integer> seqs(Path capture, String flow) throws Exception {
        TreeSet<Integer> seqs = new TreeSet<>();
        if (!Files.exists(capture)) {
            return seqs;
        }
        for (byte[] frame : PcapPortTest.readPcap(capture)) {
            Matcher m = SEQ.matcher(new String(frame, StandardCharsets.ISO_8859_1));
            if (m.find() && m.group(1).equals(flow)) {
                seqs.add(Integer.parseInt(m.group(2)));
            }
        }
        return seqs;
    }
}

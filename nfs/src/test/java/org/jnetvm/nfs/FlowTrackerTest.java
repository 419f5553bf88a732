package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;

class FlowTrackerTest {

    static FlowTracker tracker(AtomicLong clock, String... args) {
        FlowTracker t = (FlowTracker) NfMain.configure(NfCatalog.load(), "flow_tracker", args).nf();
        t.clock = clock::get;
        return t;
    }

    static byte[] udp(int srcPort, int payload) {
        FrameBuilder b = new FrameBuilder();
        b.srcPort = srcPort;
        b.payload = new byte[payload];
        return b.build();
    }

    @Test
    void countsPacketsBytesAndDurationPerFlowAndRanksTheTopFlows() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        FlowTracker t = tracker(clock, "--interval", "0", "--top", "2");
        FrameBuilder arp = new FrameBuilder();
        arp.l3 = FrameBuilder.L3_ARP;
        FrameBuilder reply = new FrameBuilder();
        reply.src4 = 0x0A000002;
        reply.dst4 = 0x0A000001;
        reply.srcPort = 80;
        reply.dstPort = 1001;
        reply.payload = new byte[1000];
        try (NfHarness h = NfHarness.start(t)) {
            List<byte[]> first = List.of(udp(1001, 10), udp(1002, 500), udp(1003, 100), arp.build(), reply.build());
            assertThat(h.run(first, 0)).allMatch(NfHarness.Outcome::forwarded);
            clock.addAndGet(2_500_000_000L);
            assertThat(h.run(List.of(udp(1001, 10), udp(1001, 10), udp(1003, 100)), 0))
                    .allMatch(NfHarness.Outcome::forwarded);

            assertThat(t.flows()).as("three flows out, one back (its own flow)").isEqualTo(4);
            List<FlowTracker.Flow> top = t.topFlows(4);
            assertThat(top).extracting(FlowTracker.Flow::tuple).containsExactly(
                    "udp 10.0.0.2:80 -> 10.0.0.1:1001", "udp 10.0.0.1:1002 -> 10.0.0.2:80",
                    "udp 10.0.0.1:1003 -> 10.0.0.2:80", "udp 10.0.0.1:1001 -> 10.0.0.2:80");
            FlowTracker.Flow f1001 = top.get(3);
            assertThat(f1001.packets()).isEqualTo(3);
            assertThat(f1001.bytes()).isEqualTo(3L * udp(1001, 10).length);
            assertThat(f1001.seconds()).isEqualTo(2.5);
            assertThat(top.get(1).seconds()).as("a flow seen once lasted 0 s").isZero();
            assertThat(t.counters.get("packets")).isEqualTo(8);
            assertThat(t.counters.get("non_ip")).isEqualTo(1);
            assertThat(t.counters.get("new_flows")).isEqualTo(4);
            assertThat(t.report()).contains("flow_tracker: 4 flows (table of 65536), packets=8 new_flows=4",
                    "top 2 by bytes:", "udp 10.0.0.2:80 -> 10.0.0.1:1001").doesNotContain("10.0.0.1:1003");
        }
    }

    @Test
    void aFullTableCountsNewFlowsAsUntrackedUntilIdleFlowsExpire() {
        AtomicLong clock = new AtomicLong(0);
        FlowTracker t = tracker(clock, "--interval", "0", "--max-flows", "8", "--idle-timeout", "1");
        try (NfHarness h = NfHarness.start(t)) {
            List<byte[]> sixteen = new ArrayList<>();
            for (int f = 0; f < 16; f++) {
                sixteen.add(udp(2000 + f, 0));
            }
            h.run(sixteen, 0);
            assertThat(t.flows()).isEqualTo(8);
            assertThat(t.counters.get("untracked")).isEqualTo(8);

            clock.addAndGet(500_000_000L);
            h.run(List.of(udp(2000, 0)), 0); // keeps flow 2000 alive
            clock.addAndGet(700_000_000L);
            for (int i = 0; i < 4; i++) {
                t.idle(h.context()); // the sweep (a whole table of 16 slots in one idle call)
            }
            assertThat(t.counters.get("expired")).as("all but the flow seen 0.7 s ago").isEqualTo(7);
            assertThat(t.flows()).isEqualTo(1);
            h.run(sixteen.subList(8, 16), 0);
            assertThat(t.flows()).isEqualTo(8);
            assertThat(t.counters.get("untracked")).isEqualTo(9);
        }
    }
}

package org.jnetvm.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlowTableTest {
    private static final int UDP = PacketParser.PROTO_UDP;
    private static final int TCP = PacketParser.PROTO_TCP;

    private Region region;
    private FlowTable table;

    @BeforeEach
    void create() {
        region = Region.create(TestRegions.small("flows").flowEntries(64).flowRules(8).build());
        table = new FlowTable(region);
    }

    @AfterEach
    void close() {
        region.close();
    }

    private static FiveTuple v4(String src, String dst, int sport, int dport, int proto) {
        return new FiveTuple().setIpv4(ip(src), ip(dst), sport, dport, proto);
    }

    private static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    private static FlowRule v4Rule(int priority, String src, int srcLen, int proto, int dportLow, int dportHigh, int target) {
        return new FlowRule(0, priority, FiveTuple.FAMILY_IPV4, proto, 0, Integer.toUnsignedLong(ip(src)), srcLen,
                0, 0, 0, 0, 65535, dportLow, dportHigh, target);
    }

    @Test
    void rulesMatchPrefixesPortsAndWildcards() {
        FlowRule web = v4Rule(10, "10.1.0.0", 16, TCP, 80, 89, FlowTarget.chain(1));
        assertThat(web.matches(v4("10.1.2.3", "1.1.1.1", 5000, 80, TCP))).isTrue();
        assertThat(web.matches(v4("10.1.2.3", "1.1.1.1", 5000, 90, TCP))).as("port out of range").isFalse();
        assertThat(web.matches(v4("10.2.2.3", "1.1.1.1", 5000, 80, TCP))).as("outside the prefix").isFalse();
        assertThat(web.matches(v4("10.1.2.3", "1.1.1.1", 5000, 80, UDP))).as("other protocol").isFalse();
        assertThat(FlowRule.any(0, FlowTarget.drop()).matches(v4("1.2.3.4", "5.6.7.8", 1, 2, UDP))).isTrue();

        long hi = 0x20010db8_00000000L;
        FlowRule v6 = new FlowRule(0, 1, FiveTuple.FAMILY_IPV6, -1, 0, 0, 0, hi, 0, 32, 0, 65535, 0, 65535,
                FlowTarget.service(2));
        FiveTuple in = new FiveTuple().setIpv6(1, 2, hi | 0x1234, 99, 1, 2, UDP);
        FiveTuple out = new FiveTuple().setIpv6(1, 2, 0x20010db9_00000000L, 99, 1, 2, UDP);
        assertThat(v6.matches(in)).isTrue();
        assertThat(v6.matches(out)).isFalse();
        assertThat(v6.matches(v4("1.2.3.4", "5.6.7.8", 1, 2, UDP))).as("other family").isFalse();
    }

    @Test
    void malformedRulesNameTheField() {
        assertThatThrownBy(() -> v4Rule(1, "10.1.0.1", 16, TCP, 0, 65535, 0))
                .isInstanceOf(FlowRuleException.class).hasMessageContaining("beyond its length 16")
                .extracting(e -> ((FlowRuleException) e).field()).isEqualTo("src");
        assertThatThrownBy(() -> v4Rule(1, "10.1.0.0", 33, TCP, 0, 65535, 0))
                .isInstanceOf(FlowRuleException.class).hasMessageContaining("0..32");
        assertThatThrownBy(() -> v4Rule(1, "10.1.0.0", 16, TCP, 90, 80, 0))
                .extracting(e -> ((FlowRuleException) e).field()).isEqualTo("dstPort");
        assertThatThrownBy(() -> v4Rule(1, "10.1.0.0", 16, 300, 0, 65535, 0))
                .extracting(e -> ((FlowRuleException) e).field()).isEqualTo("protocol");
    }

    @Test
    void overlapIsFieldByField() {
        FlowRule a = v4Rule(1, "10.0.0.0", 8, TCP, 80, 80, 0);
        assertThat(a.overlaps(v4Rule(1, "10.1.0.0", 16, -1, 0, 65535, 0))).isTrue();
        assertThat(a.overlaps(v4Rule(1, "11.0.0.0", 8, TCP, 80, 80, 0))).isFalse();
        assertThat(a.overlaps(v4Rule(1, "10.0.0.0", 8, UDP, 80, 80, 0))).isFalse();
        assertThat(a.overlaps(v4Rule(1, "10.0.0.0", 8, TCP, 81, 90, 0))).isFalse();
        assertThat(a.overlaps(FlowRule.any(1, 0))).isTrue();
    }

    @Test
    void rulesRoundTripThroughSharedMemoryAndBumpTheVersion() {
        assertThat(table.active()).isFalse();
        int before = table.rulesVersion();
        FlowRule[] rules = {v4Rule(9, "10.0.0.0", 8, TCP, 80, 80, FlowTarget.chain(3)).withId(1),
                FlowRule.any(1, FlowTarget.drop()).withId(2)};
        table.writeRules(rules);
        assertThat(table.rulesVersion()).isEqualTo(before + 2);
        assertThat(table.rules()).containsExactly(rules);
        assertThat(table.active()).isTrue();
        assertThatThrownBy(() -> table.writeRules(new FlowRule[9])).isInstanceOf(FlowRuleException.class)
                .hasMessageContaining("holds 8 rules");
    }

    @Test
    void entriesAreFoundStaleAfterARuleChangeSteeredAndAgedOut() {
        FiveTuple t = v4("10.0.0.1", "10.0.0.2", 1000, 53, UDP);
        int hash = FlowHash.SYMMETRIC.hash(t);
        int v = table.rulesVersion();
        assertThat(table.lookup(t, hash, v, 5)).isEqualTo(FlowTable.MISS);
        assertThat(table.put(t, hash, FlowTarget.chain(1), v, false, 5)).isNotNegative();
        assertThat(table.lookup(t, hash, v, 6)).isEqualTo(FlowTarget.chain(1));
        assertThat(table.lookup(v4("10.0.0.1", "10.0.0.2", 1001, 53, UDP), hash, v, 6))
                .as("same hash, other flow").isEqualTo(FlowTable.MISS);
        assertThat(table.lookup(t, hash, v + 2, 6)).as("derived from older rules").isEqualTo(FlowTable.MISS);

        assertThat(table.steer(t, hash, FlowTarget.drop())).isTrue();
        assertThat(table.lookup(t, hash, v + 2, 7)).as("steered entries never go stale").isEqualTo(FlowTarget.drop());
        assertThat(table.put(t, hash, FlowTarget.chain(1), v + 2, false, 7)).isNotNegative();
        assertThat(table.lookup(t, hash, v + 2, 7)).as("an RX insert does not undo a steer").isEqualTo(FlowTarget.drop());
        assertThat(table.live()).isEqualTo(1);
        assertThat(table.steered()).isEqualTo(1);

        assertThat(table.age(100, 1000)).isZero();
        assertThat(table.age(2000, 1000)).isEqualTo(1);
        assertThat(table.lookup(t, hash, v, 2000)).isEqualTo(FlowTable.MISS);
        assertThat(table.live()).isZero();
        assertThat(table.aged()).isEqualTo(1);
        assertThat(table.active()).isFalse();
    }

    @Test
    void aFullProbeWindowIsRefusedAndCounted() {
        int hash = 7; // every flow on one home slot: the window of MAX_PROBE slots fills
        for (int i = 0; i < FlowTableDescriptor.MAX_PROBE; i++) {
            assertThat(table.put(v4("10.0.0.1", "10.0.0.2", i, 1, UDP), hash, 0, 0, false, 1)).isNotNegative();
        }
        assertThat(table.steer(v4("10.0.0.1", "10.0.0.2", 999, 1, UDP), hash, FlowTarget.drop())).isFalse();
        assertThat(table.full()).isEqualTo(1);
        for (int i = 0; i < FlowTableDescriptor.MAX_PROBE; i++) {
            assertThat(table.lookup(v4("10.0.0.1", "10.0.0.2", i, 1, UDP), hash, 0, 1)).isEqualTo(0);
        }
        table.age(10, 5); // frees them all: FREE slots are reused
        assertThat(table.steer(v4("10.0.0.1", "10.0.0.2", 999, 1, UDP), hash, FlowTarget.drop())).isTrue();
    }

    /** Random puts, steers and ages against a HashMap. */
    @Test
    void behavesLikeAMap() {
        SplittableRandom random = new SplittableRandom(42);
        Map<Integer, Integer> model = new HashMap<>();
        for (int round = 0; round < 2000; round++) {
            int flow = random.nextInt(40);
            FiveTuple t = v4("10.0.0.1", "10.0.0.2", flow, 80, TCP);
            int hash = flow % 5 + 1; // deliberate collisions
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    if (table.steer(t, hash, FlowTarget.chain(round & 7))) {
                        model.put(flow, FlowTarget.chain(round & 7));
                    }
                }
                case 2 -> assertThat(table.lookup(t, hash, 0, round)).as("flow %d", flow)
                        .isEqualTo(model.getOrDefault(flow, FlowTable.MISS));
                default -> {
                    if (random.nextInt(50) == 0) {
                        table.clearEntries();
                        model.clear();
                    }
                }
            }
        }
        assertThat(table.live()).isEqualTo(model.size());
    }

    /** A reader never sees a torn entry while another thread rewrites it, and two inserters make one entry. */
    @Test
    void concurrentWritersNeverTearAnEntry() throws Exception {
        FiveTuple t = v4("10.9.0.1", "10.9.0.2", 4000, 4001, UDP);
        int hash = FlowHash.SYMMETRIC.hash(t);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int rounds = 200_000;
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            int id = w;
            writers[w] = new Thread(() -> {
                try {
                    FiveTuple mine = new FiveTuple().copyFrom(t);
                    for (int i = 0; i < rounds; i++) {
                        table.steer(mine, hash, FlowTarget.chain(id * 2 + (i & 1)));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            writers[w].start();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        int hits = 0;
        while ((writers[0].isAlive() || writers[1].isAlive()) && System.nanoTime() < deadline) {
            int target = table.lookup(t, hash, 0, 1);
            if (target != FlowTable.MISS) {
                hits++;
                assertThat(FlowTarget.kind(target)).isEqualTo(FlowTarget.KIND_CHAIN);
                assertThat(FlowTarget.value(target)).isBetween(0, 3);
            }
        }
        for (Thread w : writers) {
            w.join(10_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(table.live()).as("one entry for one flow").isEqualTo(1);
        assertThat(table.full()).as("no write refused for contention").isZero();
        assertThat(table.steered()).isEqualTo(2L * rounds);
        assertThat(hits).isPositive();
    }
}

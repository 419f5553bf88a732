package org.jnetvm.manager.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jnetvm.core.flow.FlowRule;
import org.jnetvm.core.flow.FlowRuleException;
import org.jnetvm.core.flow.FlowTarget;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionSpec;
import org.junit.jupiter.api.Test;

class FlowDirectorTest {
    private static Region region() {
        return Region.create(RegionSpec.builder("test-flowdir-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .directory(Path.of("/dev/shm")).bufferCount(64).cacheCount(2).ringCount(0).flowEntries(64).flowRules(3)
                .build());
    }

    private static FlowRuleSpec spec(Integer priority, String protocol, String src, String dst, String dstPort,
                                     String chain, String service, Boolean drop) {
        return new FlowRuleSpec(priority, protocol, src, dst, null, dstPort, chain, service, drop);
    }

    @Test
    void rulesAreNumberedSortedPublishedAndRemoved() {
        try (Region region = region();
             FlowDirector flows = new FlowDirector(region, List.of("default", "web"), Map.of("scrub", 2, "2", 2), 1000)) {
            FlowRule low = flows.add(spec(null, "udp", null, null, null, "default", null, null));
            FlowRule high = flows.add(spec(5, "tcp", "2001:db8::/32", null, "80", null, "scrub", null));
            FlowRule mid = flows.add(spec(1, null, null, "10.0.0.0/8", "1000-2000", "web", null, null));
            assertThat(List.of(low.id(), high.id(), mid.id())).containsExactly(1, 2, 3);
            assertThat(flows.rules()).containsExactly(high, mid, low);
            assertThat(flows.table().rules()).containsExactly(high, mid, low);
            assertThat(high.family()).isEqualTo(FiveTuple.FAMILY_IPV6);
            assertThat(high.target()).isEqualTo(FlowTarget.service(2));
            assertThat(flows.names().describe(mid))
                    .isEqualTo("priority 1 dst 10.0.0.0/8 dstPort 1000-2000 -> chain web");

            assertThatThrownBy(() -> flows.add(spec(null, null, null, null, null, null, null, true)))
                    .isInstanceOf(FlowRuleException.class).hasMessageContaining("overlaps rule 1");
            assertThatThrownBy(() -> flows.add(spec(9, null, null, null, null, null, null, true)))
                    .isInstanceOf(FlowRuleException.class).hasMessageContaining("holds 3 rules")
                    .extracting(e -> ((FlowRuleException) e).field()).isEqualTo("rules");

            assertThat(flows.remove(2)).isTrue();
            assertThat(flows.remove(2)).isFalse();
            assertThat(flows.table().rules()).containsExactly(mid, low);
        }
    }

    @Test
    void malformedRulesNameTheirField() {
        try (Region region = region();
             FlowDirector flows = new FlowDirector(region, List.of("default"), Map.of("a", 1, "1", 1), 1000)) {
            record Case(FlowRuleSpec spec, String field, String message) { }
            List<Case> cases = List.of(
                    new Case(spec(null, "tcpp", null, null, null, "default", null, null), "protocol", "'tcpp' is not a protocol"),
                    new Case(spec(null, null, "10.0.0.300", null, null, "default", null, null), "src", "not an IPv4 or IPv6"),
                    new Case(spec(null, null, "10.0.0.0/40", null, null, "default", null, null), "src", "prefix length out of 0..32"),
                    new Case(spec(null, null, "10.0.0.0/8", "::1", null, "default", null, null), "dst", "a flow has one family"),
                    new Case(spec(null, null, null, null, "x", "default", null, null), "dstPort", "'x' is not a port"),
                    new Case(spec(null, null, null, null, null, "web", null, null), "chain", "no chain is named 'web'"),
                    new Case(spec(null, null, null, null, null, null, "b", null), "service", "no service is named 'b'"),
                    new Case(spec(null, null, null, null, null, "default", null, true), "chain", "only one of"),
                    new Case(spec(null, "icmpv6", "10.0.0.0/8", null, null, "default", null, null), "protocol", "IPv4"));
            for (Case c : cases) {
                assertThatThrownBy(() -> flows.add(c.spec())).as(c.message())
                        .isInstanceOf(FlowRuleException.class).hasMessageContaining(c.message())
                        .extracting(e -> ((FlowRuleException) e).field()).isEqualTo(c.field());
            }
            assertThat(flows.rules()).isEmpty();
        }
    }

    @Test
    void theAgerFreesIdleFlowsAndCountsThem() throws Exception {
        try (Region region = region();
             FlowDirector flows = new FlowDirector(region, List.of("default"), Map.of(), 20)) {
            FiveTuple t = new FiveTuple().setIpv4(0x0A000001, 0x0A000002, 1, 2, 17);
            flows.steer(t, FlowTarget.drop());
            assertThat(flows.table().lookup(t, FlowHash.SYMMETRIC.hash(t), 0, org.jnetvm.core.flow.FlowTable.tick()))
                    .isEqualTo(FlowTarget.drop());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (flows.table().aged() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // polling the ager's counter, bounded by the deadline
            }
            assertThat(flows.table().aged()).isEqualTo(1);
            assertThat(flows.table().live()).isZero();
        }
    }
}

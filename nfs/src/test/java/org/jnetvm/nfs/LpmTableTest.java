package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Longest-prefix match against a linear scan of the routes. */
class LpmTableTest {

    record Route(int prefix, int length) {
    }

    @Provide
    Arbitrary<List<Route>> routes() {
        // Addresses under a few /8s, so that prefixes nest and overlap across all three levels.
        Arbitrary<Integer> address = Combinators.combine(Arbitraries.of(10, 172, 192), Arbitraries.integers()
                .between(0, 0xFFFFFF).map(v -> v & 0xFF0F0F)).as((a, rest) -> a << 24 | rest);
        Arbitrary<Route> route = Combinators.combine(address, Arbitraries.integers().between(0, 32))
                .as((a, len) -> new Route(len == 0 ? 0 : a & (int) (0xFFFF_FFFFL << (32 - len)), len));
        return route.list().ofMaxSize(60).uniqueElements();
    }

    @Provide
    Arbitrary<List<Integer>> lookups() {
        return Combinators.combine(Arbitraries.of(10, 172, 192, 11), Arbitraries.integers().between(0, 0xFFFFFF)
                .map(v -> v & 0xFF0F0F | (v & 1))).as((a, rest) -> a << 24 | rest).list().ofSize(200);
    }

    static int naive(List<Route> routes, int ip) {
        int best = -1;
        int bestLength = -1;
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            int mask = r.length == 0 ? 0 : (int) (0xFFFF_FFFFL << (32 - r.length));
            if ((ip & mask) == r.prefix && r.length > bestLength) {
                best = i;
                bestLength = r.length;
            }
        }
        return best;
    }

    @Property(tries = 200)
    void findsTheLongestPrefixLikeALinearScan(@ForAll("routes") List<Route> routes, @ForAll("lookups") List<Integer> ips) {
        int n = routes.size();
        int[] prefixes = new int[n];
        int[] lengths = new int[n];
        int[] hops = new int[n];
        for (int i = 0; i < n; i++) {
            prefixes[i] = routes.get(i).prefix;
            lengths[i] = routes.get(i).length;
            hops[i] = i;
        }
        LpmTable table = LpmTable.build(prefixes, lengths, hops);
        Set<Integer> probes = new HashSet<>(ips);
        for (Route r : routes) {
            probes.add(r.prefix);                                           // the first address of each prefix
            probes.add(r.prefix | (r.length == 32 ? 0 : (int) (0xFFFF_FFFFL >>> r.length))); // and its last
        }
        for (int ip : probes) {
            assertThat(table.lookup(ip)).as("lookup %08x", ip).isEqualTo(naive(routes, ip));
        }
    }

    @Test
    void aHostRouteInsideADefaultRoute() {
        LpmTable t = LpmTable.build(new int[] {0, 0x0A000005}, new int[] {0, 32}, new int[] {0, 1});
        assertThat(t.lookup(0x0A000005)).isEqualTo(1);
        assertThat(t.lookup(0x0A000004)).isZero();
        assertThat(t.lookup(0xFFFFFFFF)).isZero();
        assertThat(t.tableCount()).isEqualTo(2);
        assertThat(LpmTable.build(new int[] {0x0A000000}, new int[] {8}, new int[] {0}).lookup(0x0B000000)).isEqualTo(-1);
    }
}

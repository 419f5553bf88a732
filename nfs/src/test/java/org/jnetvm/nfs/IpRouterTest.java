package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IpRouterTest {

    static final String ROUTES = """
            # prefix      port  next hop
            0.0.0.0/0     up
            10.1.0.0/16   p1    02:00:00:00:01:01
            10.1.2.0/24   p2
            10.1.2.128/25 p1    02:00:00:00:01:80
            """;

    static IpRouter router(Path dir, String routes, String... more) throws Exception {
        Path file = Files.writeString(dir.resolve("routes.txt"), routes);
        String[] args = new String[more.length + 2];
        args[0] = "--routes";
        args[1] = file.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return (IpRouter) NfMain.configure(NfCatalog.load(), "router", args).nf();
    }

    static byte[] to(int dst, int ttl) {
        FrameBuilder b = new FrameBuilder();
        b.dst4 = dst;
        b.ttl = ttl;
        b.payload = new byte[] {1, 2, 3};
        return b.build();
    }

    @Test
    void routesByLongestPrefixDecrementingTheTtlAndPatchingTheChecksum(@TempDir Path dir) throws Exception {
        IpRouter nf = router(dir, ROUTES, "--mac", "02:00:00:00:00:fe");
        byte[] badChecksum = to(0x0A010101, 64);
        badChecksum[14 + 10] ^= 1;
        FrameBuilder v6 = new FrameBuilder();
        v6.l3 = FrameBuilder.L3_IPV6;
        try (NfHarness h = NfHarness.start(nf, "up", "p1", "p2")) {
            List<NfHarness.Outcome> out = h.run(List.of(
                    to(0x0A010101, 64),   // 10.1.1.1 -> /16 -> p1 with a next-hop MAC
                    to(0x0A010201, 64),   // 10.1.2.1 -> /24 -> p2, MAC left
                    to(0x0A010281, 2),    // 10.1.2.129 -> /25 -> p1, TTL 2 -> 1 still goes
                    to(0x08080808, 64),   // default route
                    to(0x0A010101, 1),    // TTL expired
                    badChecksum,
                    v6.build()), 0);
            assertThat(out.get(0).out(1)).isTrue();
            assertThat(out.get(1).out(2)).isTrue();
            assertThat(out.get(2).out(1)).isTrue();
            assertThat(out.get(3).out(0)).isTrue();
            assertThat(out.subList(4, 7)).allMatch(NfHarness.Outcome::dropped);
            byte[] f = out.get(0).frame();
            assertThat(Arrays.copyOfRange(f, 0, 12)).as("next hop MAC, then --mac")
                    .containsExactly(2, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, (byte) 0xFE);
            assertThat(f[14 + 8]).as("TTL").isEqualTo((byte) 63);
            assertThat(out.get(2).frame()[14 + 8]).isEqualTo((byte) 1);
            assertThat(Arrays.copyOfRange(out.get(1).frame(), 0, 6)).as("no next-hop MAC: left")
                    .containsExactly(2, 0, 0, 0, 0, 2);
            for (int i = 0; i < 4; i++) {
                byte[] frame = out.get(i).frame();
                assertThat(Checksums.verifyIpv4Header(MemorySegment.ofArray(frame), 14)).as("checksum of %d", i).isTrue();
                byte[] expected = to(i == 0 ? 0x0A010101 : i == 1 ? 0x0A010201 : i == 2 ? 0x0A010281 : 0x08080808,
                        i == 2 ? 1 : 63);
                assertThat(Arrays.copyOfRange(frame, 14, frame.length)).as("IP packet %d as if sent with TTL - 1", i)
                        .isEqualTo(Arrays.copyOfRange(expected, 14, expected.length));
            }
            assertThat(nf.counters.format())
                    .isEqualTo("forwarded=4 ttl_expired=1 no_route=0 bad_checksum=1 not_ipv4=1 malformed=0");
        }
    }

    @Test
    void withoutADefaultRouteUnroutedPacketsAreCounted(@TempDir Path dir) throws Exception {
        IpRouter nf = router(dir, "10.0.0.0/8 p0\n");
        try (NfHarness h = NfHarness.start(nf, "p0")) {
            assertThat(h.run(to(0x0B000001, 64)).dropped()).isTrue();
            assertThat(nf.counters.get("no_route")).isEqualTo(1);
        }
    }

    @Test
    void aPortTheManagerDoesNotHaveIsNamedWithItsLine(@TempDir Path dir) throws Exception {
        IpRouter nf = router(dir, "0.0.0.0/0 p0\n\n10.0.0.0/8 p7\n");
        Path file = dir.resolve("routes.txt");
        assertThatThrownBy(() -> NfHarness.start(nf, "p0")).isInstanceOf(RuleFileException.class)
                .hasMessageStartingWith(file + ":3: 'p7' is not a port of the manager");
    }

    @Test
    void badRouteFilesAreRefusedWithTheLine(@TempDir Path dir) {
        Path file = dir.resolve("routes.txt");
        assertThatThrownBy(() -> router(dir, "10.0.0.0/8 p0\n10.0.0.0/8 p1\n")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining(file + ":2: 10.0.0.0/8 is already routed on line 1");
        assertThatThrownBy(() -> router(dir, "10.0.0.0/8\n")).hasMessageContaining(file + ":1: expected 'PREFIX PORT [NEXT-HOP-MAC]'");
        assertThatThrownBy(() -> router(dir, "10.0.0.1/8 p0\n")).hasMessageContaining(file + ":1: '10.0.0.1/8' has bits set");
        assertThatThrownBy(() -> router(dir, "fd00::/8 p0\n")).hasMessageContaining(file + ":1: fd00::/8 is IPv6");
        assertThatThrownBy(() -> router(dir, "10.0.0.0/8 p0 02:00\n")).hasMessageContaining(file + ":1: '02:00' is not a MAC");
        assertThatThrownBy(() -> router(dir, "# none\n")).hasMessageContaining(file + ": holds no routes");
        assertThatThrownBy(() -> router(dir, "0.0.0.0/0 p0\n", "--mac", "zz")).hasMessageContaining("'zz' is not a MAC address");
    }
}

package org.jnetvm.manager.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Writing a config out and loading it back changes nothing. Its own class because surefire reports a class that
 * both jqwik and Jupiter run as the last engine's tests only; named so that {@code -Dtest='ConfigLoaderTest*'} runs it.
 */
class ConfigLoaderTestRoundTripTest {
    private static final String NAME_CHARS = "ABCXYZabcxyz0123456789_.-";
    private static final String PATH_CHARS = NAME_CHARS + "/ :";

    @Property(tries = 200)
    void aValidConfigWrittenAsYamlLoadsToAnEqualConfig(@ForAll("configs") ManagerConfig config) throws Exception {
        String yaml = new YAMLMapper().writeValueAsString(config);

        ManagerConfig loaded = ConfigLoader.parse(yaml, "written.yaml");

        assertThat(loaded).isEqualTo(config);
        assertThat(loaded.chains().named().keySet()).containsExactlyElementsOf(config.chains().named().keySet());
    }

    /** Configs that pass every rule, resolved as the loader resolves them (ids assigned, NF services defined). */
    @Provide
    Arbitrary<ManagerConfig> configs() {
        return regions().flatMap(region -> Combinators.combine(
                        paths(100).injectNull(0.5).map(ControlConfig::new),
                        Combinators.combine(threadCounts(), threadCounts(),
                                Arbitraries.integers().between(0, 1023).list().ofMaxSize(4)).as(ThreadsConfig::new),
                        Arbitraries.of(HopMode.class),
                        Arbitraries.integers().between(100, 60_000),
                        ports(region),
                        services(region))
                .flatAs((control, threads, hop, heartbeat, ports, services) -> Combinators.combine(
                                chains(region, services), nfs(region, services), apis())
                        .as((chains, nfs, api) -> ConfigLoader.resolve(new ManagerConfig(
                                region, control, threads, hop, heartbeat, ports, services, chains, nfs, api, FlowsConfig.DEFAULTS,
                                SchedulerConfig.DEFAULTS)))));
    }

    /** Loopback binds with or without a token, any other bind with one. */
    private static Arbitrary<ApiConfig> apis() {
        Arbitrary<String> tokens = Arbitraries.strings().withChars("AZaz09._~+/=-").ofMinLength(16).ofMaxLength(40);
        Arbitrary<ApiConfig> loopback = Combinators.combine(Arbitraries.of(true, false),
                        Arbitraries.of("127.0.0.1", "::1", "localhost", "127.1.2.3"), Arbitraries.integers().between(0, 65_535),
                        tokens.injectNull(0.5))
                .as(ApiConfig::new);
        Arbitrary<ApiConfig> open = Combinators.combine(Arbitraries.of("0.0.0.0", "::", "192.0.2.7"),
                        Arbitraries.integers().between(0, 65_535), tokens)
                .as((bind, port, token) -> new ApiConfig(true, bind, port, token));
        return Arbitraries.oneOf(loopback, open);
    }

    private static Arbitrary<String> names(int maxLength) {
        return Arbitraries.strings().withChars(NAME_CHARS).ofMinLength(1).ofMaxLength(maxLength);
    }

    private static Arbitrary<Integer> threadCounts() {
        return Arbitraries.integers().between(1, 64);
    }

    private static Arbitrary<String> paths(int maxLength) {
        return Arbitraries.strings().withChars(PATH_CHARS).ofMinLength(1).ofMaxLength(maxLength)
                .filter(path -> !path.isBlank());
    }

    private static Arbitrary<String> serviceNames() {
        return names(31).filter(name -> !ServiceRefs.isId(name));
    }

    private static Arbitrary<RegionConfig> regions() {
        var sizes = Combinators.combine(
                Arbitraries.integers().between(64, 67_108_864),
                Arbitraries.integers().between(64, 65_535),
                Arbitraries.integers().between(4, 24).map(shift -> 1 << shift),
                Arbitraries.integers().between(1, 65_536));
        var limits = Combinators.combine(
                Arbitraries.integers().between(1, 300),
                Arbitraries.integers().between(1, 4096),
                Arbitraries.integers().between(1, 65_535),
                Arbitraries.integers().between(1, 255));
        return Combinators.combine(
                        names(63),
                        paths(40).injectNull(0.5),
                        sizes.as(List::of),
                        limits.as(List::of))
                .as((name, directory, size, limit) -> new RegionConfig(name, directory,
                        size.get(0), size.get(1), size.get(2), size.get(3),
                        limit.get(0), limit.get(1), limit.get(2), limit.get(3), 4, 0, 64));
    }

    private static Arbitrary<List<PortConfig>> ports(RegionConfig region) {
        return Combinators.combine(
                        names(31),
                        Arbitraries.of(PortKind.class),
                        Arbitraries.integers().between(0, 1_000_000_000),
                        Arbitraries.integers().between(60, region.dataRoom()),
                        Arbitraries.integers().between(1, 1_048_576),
                        Arbitraries.integers().between(0, 2_000_000_000),
                        names(15).filter(name -> !name.equals(".") && !name.equals("..")),
                        Combinators.combine(Arbitraries.of(PcapPace.class), Arbitraries.of(true, false), names(15))
                                .as(Pcap::new))
                .as((name, kind, rate, size, flows, count, iface, pcap) -> new PortConfig(name, kind, rate, size,
                        flows, count, kind == PortKind.AF_PACKET || kind == PortKind.TAP ? iface : null, pcap.file(kind),
                        kind == PortKind.PCAP_IN && pcap.pace() == PcapPace.RATE && rate == 0
                                ? PcapPace.MAX : pcap.pace(),
                        pcap.loop()))
                .list().ofMaxSize(4).uniqueElements(PortConfig::name);
    }

    /** The pcap fields of a port; a pcap_in port reads an existing file, a pcap_out port writes into /tmp. */
    private record Pcap(PcapPace pace, boolean loop, String outName) {
        String file(PortKind kind) {
            return switch (kind) {
                case PCAP_IN -> READABLE_PCAP;
                case PCAP_OUT -> System.getProperty("java.io.tmpdir") + "/" + outName + ".pcap";
                default -> null;
            };
        }
    }

    /** A readable file for pcap_in ports (the config checks only that it can be read). */
    private static final String READABLE_PCAP = readablePcap();

    private static String readablePcap() {
        try {
            Path file = Files.createTempFile("roundtrip", ".pcap");
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Declared services, some without an id; at most half of maxServices, so the NFs may define more. */
    private static Arbitrary<List<ServiceConfig>> services(RegionConfig region) {
        int max = region.maxServices();
        return Combinators.combine(
                        Arbitraries.integers().between(0, max),
                        serviceNames())
                .as(ServiceConfig::new)
                .list().ofMaxSize(Math.min(max / 2, 8))
                .uniqueElements(ServiceConfig::name)
                .filter(services -> services.stream().filter(s -> s.id() != 0).map(ServiceConfig::id).distinct()
                        .count() == services.stream().filter(s -> s.id() != 0).count());
    }

    /** A declared service by name or by id, when it has one. */
    private static Arbitrary<String> references(List<ServiceConfig> services) {
        return Arbitraries.of(services).flatMap(service -> service.id() == 0
                ? Arbitraries.just(service.name())
                : Arbitraries.of(service.name(), Integer.toString(service.id())));
    }

    private static Arbitrary<ChainsConfig> chains(RegionConfig region, List<ServiceConfig> services) {
        if (services.isEmpty()) {
            return Arbitraries.just(new ChainsConfig(List.of(), Map.of()));
        }
        var chain = references(services).list().ofMaxSize(Math.min(region.maxChainLength(), 6));
        var named = Arbitraries.maps(names(31).filter(name -> !name.equals(ChainsConfig.DEFAULT_NAME)), chain)
                .ofMaxSize(Math.min(region.maxChains() - 1, 4))
                .map(LinkedHashMap::new);
        return Combinators.combine(chain, named).as(ChainsConfig::new);
    }

    /** NFs serving declared services or naming new ones, at most half of maxServices new ones. */
    private static Arbitrary<List<NfConfig>> nfs(RegionConfig region, List<ServiceConfig> services) {
        var declared = services.isEmpty() ? serviceNames() : references(services);
        var newNames = serviceNames().filter(name -> services.stream().noneMatch(s -> s.name().equals(name)));
        var service = region.maxServices() < 2 ? declared : Arbitraries.oneOf(declared, newNames);
        return Combinators.combine(
                        Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(8)
                                .list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join(".", parts)),
                        service,
                        Arbitraries.integers().between(1, region.maxInstances()),
                        Arbitraries.of(true, false),
                        Arbitraries.strings().withChars(PATH_CHARS + "=,'\"").ofMaxLength(12).list().ofMaxSize(3))
                .as(NfConfig::new)
                .list().ofMaxSize(Math.max(0, Math.min(region.maxServices() / 2, 4)));
    }
}

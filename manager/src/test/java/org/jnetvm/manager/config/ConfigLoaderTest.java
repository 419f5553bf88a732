package org.jnetvm.manager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final String FILE = "demo.yaml";

    // ---- configs that load

    @Test
    void anEmptyFileGivesTheDefaults() {
        assertThat(ConfigLoader.parse("", FILE)).isEqualTo(ConfigLoader.defaults());
        assertThat(ConfigLoader.parse("# nothing but a comment\n\n", FILE)).isEqualTo(ConfigLoader.defaults());
        assertThat(ConfigLoader.parse("---\n", FILE)).isEqualTo(ConfigLoader.defaults());
        assertThat(ConfigLoader.parse("{}", FILE)).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void theDefaultsAreOneGeneratorPortAndAnEmptyDefaultChain() {
        ManagerConfig defaults = ConfigLoader.defaults();

        assertThat(defaults.ports()).containsExactly(new PortConfig("gen0", PortKind.GENERATOR, 100_000, 64, 256, 0));
        assertThat(defaults.defaultChainIds()).isEmpty();
        assertThat(defaults.namedChainIds()).isEmpty();
        assertThat(defaults.services()).isEmpty();
        assertThat(defaults.nfs()).isEmpty();
        assertThat(defaults.hop()).isEqualTo(HopMode.DIRECT);
        assertThat(defaults.region()).isEqualTo(
                new RegionConfig("jnetvm", null, 16_384, 2048, 4096, 256, 64, 32, 64, 16, 4, 0, 64));
        assertThat(defaults.controlSocket()).isEqualTo(Path.of("/tmp/jnetvm-jnetvm.sock"));
    }

    @Test
    void theExampleFileLoadsToTheValuesItShows() throws URISyntaxException {
        Path example = Path.of(ConfigLoader.class.getResource("example.yaml").toURI());

        ManagerConfig config = ConfigLoader.load(example);

        assertThat(config).isEqualTo(new ManagerConfig(
                new RegionConfig("jnetvm", "/dev/shm", 16_384, 2048, 4096, 256, 64, 32, 64, 16, 4, 0, 64),
                new ControlConfig("/tmp/jnetvm-example.sock"),
                new ThreadsConfig(1, 2, List.of()),
                HopMode.DIRECT,
                1000,
                List.of(new PortConfig("gen0", PortKind.GENERATOR, 100_000, 64, 256, 0),
                        new PortConfig("out0", PortKind.SINK, 100_000, 64, 256, 0)),
                List.of(new ServiceConfig(1, "monitor"), new ServiceConfig(2, "fwd", null, 2),
                        new ServiceConfig(3, "firewall")),
                new ChainsConfig(List.of("monitor"), Map.of("web", List.of("monitor", "2", "firewall"))),
                List.of(new NfConfig("basic_monitor", "monitor", 1, false, List.of()),
                        new NfConfig("org.example.Firewall", "firewall", 2, true,
                                List.of("--rules", "/etc/jnetvm/fw.rules"))),
                new ApiConfig(true, "127.0.0.1", 8080, null),
                new FlowsConfig(16_384, 256, 30_000, List.of(new org.jnetvm.manager.flow.FlowRuleSpec(10, "tcp", null,
                        "10.0.0.0/8", null, "80-443", "web", null, null))),
                new SchedulerConfig(SchedulerConfig.SharesMode.AUTO, 10, true, 80, 60, false, 20)));
        assertThat(config.defaultChainIds()).containsExactly(1);
        assertThat(config.namedChainIds()).containsExactly(Map.entry("web", List.of(1, 2, 3)));
        assertThat(config.service("firewall")).isEqualTo(new ServiceConfig(3, "firewall"));
        assertThat(config.service("2")).isEqualTo(new ServiceConfig(2, "fwd", null, 2));
        assertThat(config.controlSocket()).isEqualTo(Path.of("/tmp/jnetvm-example.sock"));
    }

    @Test
    void absentKeysOfAnEntryTakeTheirDefaultsAndAnEmptyPortListMeansNoPorts() {
        ManagerConfig config = ConfigLoader.parse("""
                region: {name: lab}
                ports: []
                threads:
                  rx: 3
                hop: manager
                """, FILE);

        assertThat(config.ports()).isEmpty();
        assertThat(config.threads()).isEqualTo(new ThreadsConfig(3, 1, List.of()));
        assertThat(config.hop()).isEqualTo(HopMode.MANAGER);
        assertThat(config.region().buffers()).isEqualTo(16_384);
        assertThat(config.controlSocket()).isEqualTo(Path.of("/tmp/jnetvm-lab.sock"));
    }

    @Test
    void aMalformedFlowRuleIsRefusedAtItsField() {
        String head = """
                services: [{id: 1, name: mon}]
                chains: {default: [mon], named: {alt: [mon]}}
                flows:
                  rules:
                    - {dst: 10.0.0.0/8, chain: alt}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(head + "    - {src: 10.1.2.3/8, chain: alt}\n", FILE))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("flows.rules[1].src");
                    assertThat(e.line()).isEqualTo(6);
                })
                .hasMessageContaining("bits set beyond its prefix length 8");
        assertThatThrownBy(() -> ConfigLoader.parse(head + "    - {dstPort: 90-80, chain: alt}\n", FILE))
                .hasMessageContaining("flows.rules[1].dstPort").hasMessageContaining("'90-80' is not a port");
        assertThatThrownBy(() -> ConfigLoader.parse(head + "    - {protocol: tcp, chain: nowhere}\n", FILE))
                .hasMessageContaining("no chain is named 'nowhere'");
        assertThatThrownBy(() -> ConfigLoader.parse(head + "    - {protocol: tcp}\n", FILE))
                .hasMessageContaining("missing; say where the flow goes");
        assertThatThrownBy(() -> ConfigLoader.parse(head + "    - {dst: 10.1.0.0/16, drop: true}\n", FILE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("flows.rules[1].priority"))
                .hasMessageContaining("overlaps flows.rules[0]").hasMessageContaining("same priority 0");
        assertThatThrownBy(() -> ConfigLoader.parse(head.replace("rules:", "entries: 1000\n  rules:"), FILE))
                .hasMessageContaining("flows.entries").hasMessageContaining("not a power of two");

        ManagerConfig ok = ConfigLoader.parse(head + "    - {priority: 5, dst: 10.1.0.0/16, service: mon}\n", FILE);
        assertThat(ok.flows().rules()).hasSize(2);
    }

    @Test
    void servicesWithoutIdAndServicesNamedOnlyByNfsGetTheLowestFreeIds() {
        ManagerConfig config = ConfigLoader.parse("""
                services:
                  - {id: 2, name: monitor}
                  - {name: fwd}
                nfs:
                  - {nf: basic_monitor, service: fw}
                  - {nf: basic_monitor, service: monitor}
                  - {nf: basic_monitor, service: fw}
                chains:
                  named:
                    b: [fw]
                    a: [fwd, monitor]
                """, FILE);

        assertThat(config.services()).containsExactly(
                new ServiceConfig(2, "monitor"), new ServiceConfig(1, "fwd"), new ServiceConfig(3, "fw"));
        assertThat(config.namedChainIds()).containsExactly(
                Map.entry("b", List.of(3)), Map.entry("a", List.of(1, 2)));
    }

    // ---- refusals: what binding finds

    @Test
    void hostAndRestartAreForNfProcessesOnly() {
        ConfigException host = refused("""
                nfs:
                  - {nf: bridge, service: fwd, instances: 4, host: true, inProcess: true}
                """);
        assertThat(host.field()).isEqualTo("nfs[0].host");
        assertThat(host.getMessage()).contains("cannot also be inProcess or inline");
        ConfigException restart = refused("""
                nfs:
                  - {nf: bridge, service: fwd, inline: true, restart: true}
                """);
        assertThat(restart.field()).isEqualTo("nfs[0].restart");
        assertThat(restart.getMessage()).contains("restart applies to NF processes");
        ConfigException noHosts = refused("""
                region: {nfHosts: 0}
                nfs:
                  - {nf: bridge, service: fwd, host: true}
                """);
        assertThat(noHosts.getMessage()).contains("region.nfHosts is 0");
        ConfigException wake = refused("""
                nfs:
                  - {nf: bridge, service: fwd, wakeThreshold: 8}
                """);
        assertThat(wake.field()).isEqualTo("nfs[0].wakeThreshold");
        assertThat(wake.getMessage()).contains("for the NFs of a host (host: true)");
        ConfigException window = refused("""
                nfs:
                  - {nf: bridge, service: fwd, host: true, wakeThreshold: 8, wakeWindowUs: 200000}
                """);
        assertThat(window.field()).isEqualTo("nfs[0].wakeWindowUs");
    }

    @Test
    void aHostsWakeWindowDefaultsToAMillisecondOverItsServicesPriority() {
        ManagerConfig config = ConfigLoader.parse("""
                services: [{name: web, priority: 4}, {name: bulk}]
                nfs:
                  - {nf: bridge, service: web, host: true, instances: 8, wakeThreshold: 16}
                  - {nf: bridge, service: bulk, host: true, instances: 8, wakeThreshold: 16}
                  - {nf: bridge, service: bulk, host: true, instances: 8, wakeThreshold: 16, wakeWindowUs: 300}
                """, FILE);
        assertThat(config.nfs().get(0).wakeWindowUs(config.service("web").priority())).isEqualTo(250);
        assertThat(config.nfs().get(1).wakeWindowUs(config.service("bulk").priority())).isEqualTo(1000);
        assertThat(config.nfs().get(2).wakeWindowUs(config.service("bulk").priority())).isEqualTo(300);
    }

    @Test
    void smallSlotsAreCheckedAgainstTheRegionAndTheServicesThatAskForThem() {
        ConfigLoader.parse("region: {ringCapacity: 16}", FILE); // no small slots: their ring size does not matter
        ManagerConfig ok = ConfigLoader.parse("""
                region: {nfSlots: 100, smallSlots: 90, smallRingCapacity: 32}
                services: [{name: pf, smallSlots: true}, {name: big}]
                """, FILE);
        assertThat(ok.region().smallSlots()).isEqualTo(90);
        assertThat(ok.service("pf").smallSlots()).isTrue();
        assertThat(ok.service("big").smallSlots()).isFalse();
        ConfigException more = refused("region: {nfSlots: 10, smallSlots: 11}");
        assertThat(more.field()).isEqualTo("region.smallSlots");
        assertThat(more.getMessage()).contains("more than region.nfSlots (10)");
        ConfigException bigger = refused("region: {ringCapacity: 64, smallSlots: 4, smallRingCapacity: 128}");
        assertThat(bigger.field()).isEqualTo("region.smallRingCapacity");
        assertThat(bigger.getMessage()).contains("more than region.ringCapacity (64)");
        ConfigException odd = refused("region: {smallSlots: 4, smallRingCapacity: 48}");
        assertThat(odd.field()).isEqualTo("region.smallRingCapacity");
        assertThat(odd.getMessage()).contains("not a power of two; use 32 or 64");
        ConfigException none = refused("services: [{name: pf, smallSlots: true}]");
        assertThat(none.field()).isEqualTo("services[0].smallSlots");
        assertThat(none.getMessage()).contains("region.smallSlots is 0");
    }

    @Test
    void perFlowServicesTakeTheirDefaultsAndAChainHoldsAtMostOne() {
        ManagerConfig ok = ConfigLoader.parse("""
                services: [{name: acct, perFlow: {idleMs: 500}}, {name: ids, perFlow: {}}, {name: shared}]
                chains: {default: [acct, shared], named: {other: [ids]}}
                """, FILE);
        assertThat(ok.service("acct").perFlow()).isEqualTo(new PerFlowConfig(500, 100));
        assertThat(ok.service("ids").perFlow()).isEqualTo(new PerFlowConfig(2_000, 100));
        assertThat(ok.service("shared").perFlow()).isNull();
        ConfigException idle = refused("services: [{name: acct, perFlow: {idleMs: 0}}]");
        assertThat(idle.field()).isEqualTo("services[0].perFlow.idleMs");
        assertThat(idle.getMessage()).contains("0 is out of range 1..86400000");
        ConfigException two = refused("""
                services: [{name: acct, perFlow: {}}, {name: ids, perFlow: {}}]
                chains: {default: [acct, ids]}
                """);
        assertThat(two.field()).isEqualTo("chains.default[1]");
        assertThat(two.getMessage()).contains("already has per-flow service 'acct'", "one per-flow service");
        ConfigException unknown = refused("services: [{name: acct, perFlow: {idle: 5}}]");
        assertThat(unknown.getMessage()).contains("idle");
    }

    @Test
    void anElasticPoolsBoundsAreCheckedAgainstTheRegionAndTheInstancesStarted() {
        ManagerConfig ok = ConfigLoader.parse("""
                region: {nfSlots: 300, smallSlots: 256, maxInstances: 256, nfHosts: 4}
                services: [{name: acct, smallSlots: true, perFlow: {minIdle: 8, maxInstances: 200}}]
                nfs: [{nf: flow_counter, service: acct, instances: 4, host: true}]
                """, FILE);
        assertThat(ok.service("acct").perFlow()).isEqualTo(new PerFlowConfig(2_000, 100, 8, 200));
        assertThat(ok.service("acct").perFlow().elastic()).isTrue();
        ConfigException past = refused("""
                region: {nfSlots: 300, smallSlots: 100, maxInstances: 256}
                services: [{name: acct, smallSlots: true, perFlow: {maxInstances: 200}}]
                """);
        assertThat(past.field()).isEqualTo("services[0].perFlow.maxInstances");
        assertThat(past.getMessage()).contains("200 is out of range 0..100", "region.smallSlots");
        ConfigException fewer = refused("""
                region: {nfHosts: 4}
                services: [{name: acct, perFlow: {maxInstances: 4}}]
                nfs: [{nf: flow_counter, service: acct, instances: 8, host: true}]
                """);
        assertThat(fewer.getMessage()).contains("4 is less than the 8 instances nfs: start");
        ConfigException minIdle = refused("services: [{name: acct, perFlow: {minIdle: 4}}]");
        assertThat(minIdle.field()).isEqualTo("services[0].perFlow.minIdle");
        assertThat(minIdle.getMessage()).contains("give perFlow.maxInstances too");
    }

    @Test
    void anUnknownFieldListsTheFieldsItsSectionKnows() {
        ConfigException e = refused("""
                region:
                  name: lab
                  bufers: 1000
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("region.bufers");
        assertThat(e.getMessage()).isEqualTo("demo.yaml:3:3: region.bufers: unknown field 'bufers' in region;"
                + " known fields: buffers, dataRoom, directory, maxChainLength, maxChains, maxInstances,"
                + " maxServices, name, nfHosts, nfSlots, ringCapacity, smallRingCapacity, smallSlots; fix the spelling or remove it");
    }

    @Test
    void anUnknownTopLevelField() {
        ConfigException e = refused("""
                hop: direct
                port:
                  - name: gen0
                """);

        assertLocated(e, 2, "port");
        assertThat(e.detail()).isEqualTo("unknown field 'port' in the top level; known fields: api, chains, control,"
                + " flows, heartbeatTimeoutMs, hop, nfs, ports, region, scheduler, services, threads; fix the spelling or remove it");
    }

    @Test
    void aValueOfTheWrongType() {
        ConfigException e = refused("""
                ports:
                  - name: gen0
                    rate: fast
                """);

        assertThat(e.getMessage())
                .isEqualTo("demo.yaml:3:11: ports[0].rate: 'fast' is not a whole number; write a whole number");
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.field()).isEqualTo("ports[0].rate");
    }

    @Test
    void aMappingWhereANumberBelongs() {
        ConfigException e = refused("""
                threads:
                  rx: {count: 2}
                """);

        assertLocated(e, 2, "threads.rx");
        assertThat(e.detail()).isEqualTo("expected a whole number, found a mapping; write a whole number");
    }

    @Test
    void aCpuNumberOutOfRange() {
        ConfigException e = refused("""
                threads:
                  cpus: [0, 5000]
                """);

        assertLocated(e, 2, "threads.cpus[1]");
        assertThat(e.detail()).startsWith("5000 is not a CPU number; use 0..");
    }

    @Test
    void aNumberWhereASectionBelongs() {
        ConfigException e = refused("threads: 5\n");

        assertLocated(e, 1, "threads");
        assertThat(e.detail()).isEqualTo("expected a mapping, found a whole number; write a mapping");
    }

    @Test
    void aFractionForAWholeNumberIsNotRounded() {
        ConfigException e = refused("region:\n  buffers: 1.5\n");

        assertLocated(e, 2, "region.buffers");
        assertThat(e.detail()).isEqualTo("'1.5' is not a whole number; write a whole number");
    }

    @Test
    void aNumberKeyWithoutValue() {
        ConfigException e = refused("region:\n  buffers:\n");

        assertLocated(e, 2, "region.buffers");
        assertThat(e.detail())
                .isEqualTo("expected a whole number, found nothing;"
                        + " write a whole number, or remove the key for its default");
    }

    @Test
    void aNumberBeyond32Bits() {
        ConfigException e = refused("region:\n  buffers: 99999999999\n");

        assertLocated(e, 2, "region.buffers");
        assertThat(e.detail()).startsWith("Numeric value (99999999999) out of range of int")
                .endsWith("; write a value in this field's range");
    }

    @Test
    void aNullInsideAList() {
        ConfigException e = refused("chains:\n  default: [monitor, ~]\n");

        assertLocated(e, 2, "chains.default[1]");
        assertThat(e.column()).isEqualTo(22);
        assertThat(e.detail()).isEqualTo("expected text, found nothing; write text, or remove the key for its default");
    }

    @Test
    void anInvalidEnumValueListsTheAllowedOnes() {
        ConfigException kind = refused("""
                ports:
                  - name: dpdk0
                    kind: dpdk
                """);
        ConfigException hop = refused("hop: sideways\n");

        assertThat(kind.getMessage())
                .isEqualTo("demo.yaml:3:11: ports[0].kind: 'dpdk' is not one of generator, sink, af_packet, tap, pcap_in, pcap_out; use one of them");
        assertThat(hop.getMessage())
                .isEqualTo("demo.yaml:1:6: hop: 'sideways' is not one of direct, manager; use one of them");
    }

    @Test
    void schedulerSettingsAreCheckedWithTheirReasons() {
        ConfigException off = refused("scheduler: {shares: off}\n");
        ConfigException low = refused("scheduler: {highWatermark: 70, lowWatermark: 70}\n");
        ConfigException period = refused("scheduler: {periodMs: 0}\n");
        ConfigException priority = refused("services: [{name: a, priority: 0}]\n");

        assertThat(off.detail()).as("YAML reads off as false").isEqualTo("expected one of auto, required, disabled, found a boolean; write one of auto, required, disabled");
        assertThat(low.getMessage()).contains("scheduler.lowWatermark: 70 must be at least 1 and below highWatermark (70)");
        assertThat(period.getMessage()).contains("scheduler.periodMs: 0 is out of range 1..1000");
        assertThat(priority.getMessage()).contains("services[0].priority: 0 is out of range 1..1000");
    }

    @Test
    void anEnumByNumberIsRefused() {
        ConfigException e = refused("hop: 1\n");

        assertLocated(e, 1, "hop");
        assertThat(e.detail()).isEqualTo("'1' is not one of direct, manager; use one of them");
    }

    // ---- refusals: what the scan finds

    @Test
    void aYamlSyntaxError() {
        ConfigException e = refused("""
                region:
                  name: lab
                ports: [gen0
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("demo.yaml:3:13: YAML syntax error: while parsing a flow sequence:"
                + " expected ',' or ']', but got <stream end>; check the indentation, colons and quotes here");
    }

    @Test
    void aBadIndentation() {
        ConfigException e = refused("""
                region:
                  name: lab
                 buffers: 64
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith("demo.yaml:3:2: YAML syntax error: while parsing a block mapping: ");
    }

    @Test
    void aKeyGivenTwice() {
        ConfigException e = refused("""
                region:
                  name: lab
                  buffers: 64
                  name: lab2
                """);

        assertThat(e.getMessage()).isEqualTo(
                "demo.yaml:4:3: region.name: 'name' is given twice (first at line 2); keep one of them");
    }

    @Test
    void aChainNameGivenTwice() {
        ConfigException e = refused("""
                services: [{id: 1, name: monitor}]
                chains:
                  named:
                    web: [monitor]
                    web: [1]
                """);

        assertThat(e.getMessage()).isEqualTo(
                "demo.yaml:5:5: chains.named.web: 'web' is given twice (first at line 4); keep one of them");
    }

    @Test
    void aSecondDocument() {
        ConfigException e = refused("hop: direct\n---\nhop: manager\n");

        assertThat(e.getMessage()).isEqualTo(
                "demo.yaml:3:1: a second YAML document starts here; keep the whole config in one document");
    }

    @Test
    void aTopLevelThatIsNotAMapping() {
        ConfigException list = refused("- region\n- ports\n");
        ConfigException scalar = refused("jnetvm\n");

        assertThat(list.getMessage()).isEqualTo("demo.yaml:1:1: the top level is a list, not a mapping;"
                + " write the config as keys such as region:, ports:, chains:");
        assertThat(scalar.getMessage()).startsWith("demo.yaml:1:1: the top level is text, not a mapping;");
    }

    @Test
    void aFileThatDoesNotExist(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(missing));

        assertThat(e.file()).isEqualTo(missing.toString());
        assertThat(e.line()).isZero();
        assertThat(e.getMessage())
                .isEqualTo(missing + ": the config file does not exist; check the path given to --config");
    }

    @Test
    void aDirectoryInsteadOfAFile(@TempDir Path dir) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));

        assertThat(e.getMessage()).startsWith(dir + ": cannot read the config file (")
                .endsWith("); check that it is a readable file");
    }

    @Test
    void aFileIsNamedByItsPathInEveryMessage(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("lab.yaml"), "threads:\n  rx: 0\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).startsWith(file + ":2:7: threads.rx: ");
    }

    // ---- refusals: rules the types cannot express

    /** Each row: the YAML (its value on line 2), the field, the value, the range, and the limit to raise if any. */
    @ParameterizedTest(name = "{1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            region:\\n  buffers: 63                    | region.buffers        | 63       | 64..67108864  |
            region:\\n  buffers: 67108865              | region.buffers        | 67108865 | 64..67108864  |
            region:\\n  dataRoom: 65536                | region.dataRoom       | 65536    | 64..65535     |
            region:\\n  ringCapacity: 8                | region.ringCapacity   | 8        | 16..16777216  |
            region:\\n  nfSlots: 0                     | region.nfSlots        | 0        | 1..65536      |
            region:\\n  maxServices: 65536             | region.maxServices    | 65536    | 1..65535      |
            region:\\n  maxInstances: 65537            | region.maxInstances   | 65537    | 1..65536      |
            region:\\n  maxChains: 0                   | region.maxChains      | 0        | 1..65535      |
            region:\\n  maxChainLength: 256            | region.maxChainLength | 256      | 1..255        |
            threads:\\n  tx: 65                        | threads.tx            | 65       | 1..64         |
            heartbeatTimeoutMs:\\n  99                 | heartbeatTimeoutMs    | 99       | 100..60000    |
            api:\\n  port: 65536                      | api.port              | 65536    | 0..65535      |
            ports:\\n- rate: -1                        | ports[0].rate         | -1       | 0..1000000000 |
            ports:\\n- size: 59                        | ports[0].size         | 59       | 60..65535     |
            ports:\\n- flows: 1048577                  | ports[0].flows        | 1048577  | 1..1048576    |
            services:\\n- {id: 65, name: fw}           | services[0].id        | 65       | 1..64         | region.maxServices
            nfs:\\n- {nf: x, service: s, instances: 33} | nfs[0].instances     | 33       | 1..32         | region.maxInstances
            """)
    void aValueOutOfItsRangeIsRefusedOnItsLine(String yaml, String field, int value, String range, String limit) {
        ConfigException e = refused(yaml.replace("\\n", "\n"));

        assertLocated(e, 2, field);
        assertThat(e.detail()).isEqualTo(value + " is out of range " + range + "; use a value in that range"
                + (limit == null ? "" : " or raise " + limit));
    }

    @Test
    void aRingCapacityThatIsNotAPowerOfTwo() {
        ConfigException e = refused("region:\n  name: lab\n  ringCapacity: 1000\n");

        assertThat(e.getMessage()).isEqualTo(
                "demo.yaml:3:17: region.ringCapacity: 1000 is not a power of two; use 512 or 1024");
    }

    @Test
    void aGeneratorFrameLargerThanTheDataRoom() {
        ConfigException e = refused("""
                region: {dataRoom: 1500}
                ports:
                  - {name: small, size: 1500}
                  - {name: big, kind: sink, size: 9000}
                  - {name: jumbo, size: 9000}
                """);

        assertLocated(e, 5, "ports[2].size");
        assertThat(e.detail()).isEqualTo("frame size 9000 is larger than region.dataRoom 1500;"
                + " lower the size or raise region.dataRoom to at least 9000");
    }

    @Test
    void aChainNamingAnUndefinedService() {
        ConfigException e = refused("""
                services:
                  - id: 1
                    name: monitor
                  - id: 2
                    name: fwd
                chains:
                  default:
                    - monitor
                    - fw
                """);

        assertThat(e.getMessage()).isEqualTo("demo.yaml:9:7: chains.default[1]: service 'fw' is not defined"
                + " (defined: monitor, fwd); add it under services: or nfs:");
    }

    @Test
    void aChainNamingAnUndefinedServiceId() {
        ConfigException e = refused("""
                services: [{id: 1, name: monitor}, {id: 2, name: fwd}]
                chains:
                  named:
                    web: [monitor, 7]
                """);

        assertLocated(e, 4, "chains.named.web[1]");
        assertThat(e.detail()).isEqualTo("service id 7 is not defined (defined ids: 1 (monitor), 2 (fwd));"
                + " add it under services: or nfs:");
    }

    @Test
    void anNfNamingAnUndefinedServiceId() {
        ConfigException e = refused("""
                nfs:
                  - nf: basic_monitor
                    service: 5
                """);

        assertLocated(e, 3, "nfs[0].service");
        assertThat(e.detail()).isEqualTo("service id 5 is not defined (defined ids: none); define a service with"
                + " id 5 under services:, or give a service name here, which defines the service");
    }

    @Test
    void duplicateServiceIds() {
        ConfigException e = refused("""
                services:
                  - {id: 1, name: monitor}
                  - {id: 1, name: fwd}
                """);

        assertLocated(e, 3, "services[1].id");
        assertThat(e.detail())
                .isEqualTo("service id 1 is already used by services[0]; give each service its own id");
    }

    @Test
    void duplicateServiceNames() {
        ConfigException e = refused("""
                services:
                  - {id: 1, name: monitor}
                  - {id: 2, name: monitor}
                """);

        assertLocated(e, 3, "services[1].name");
        assertThat(e.detail())
                .isEqualTo("service name 'monitor' is already used by services[0]; give each service its own name");
    }

    @Test
    void anAfPacketPortNamesItsInterface() {
        ManagerConfig config = ConfigLoader.parse("""
                ports:
                  - {name: wire0, kind: af_packet, interface: veth-a}
                """, FILE);

        assertThat(config.ports()).containsExactly(
                new PortConfig("wire0", PortKind.AF_PACKET, 100_000, 64, 256, 0, "veth-a"));
    }

    @Test
    void anAfPacketPortWithoutInterface() {
        ConfigException e = refused("""
                ports:
                  - name: wire0
                    kind: af_packet
                """);

        assertThat(e.field()).isEqualTo("ports[0].interface");
        assertThat(e.detail()).isEqualTo("missing; an af_packet port needs the Linux interface to bind to,"
                + " for example interface: eth0 (see `ip link`)");
    }

    @Test
    void aTapPortNamesItsDevice() {
        ManagerConfig config = ConfigLoader.parse("""
                ports:
                  - {name: host0, kind: tap, interface: jnvtap0}
                """, FILE);

        assertThat(config.ports()).containsExactly(
                new PortConfig("host0", PortKind.TAP, 100_000, 64, 256, 0, "jnvtap0"));
    }

    @Test
    void aTapPortWithoutInterface() {
        ConfigException e = refused("""
                ports:
                  - name: host0
                    kind: tap
                """);

        assertThat(e.field()).isEqualTo("ports[0].interface");
        assertThat(e.detail()).isEqualTo("missing; a tap port needs the name of the TAP device to create or attach"
                + " to, for example interface: tap0");
    }

    @Test
    void aTapDeviceNameLinuxCannotHave() {
        ConfigException e = refused("""
                ports:
                  - {name: host0, kind: tap, interface: a-name-of-16-chr}
                """);

        assertLocated(e, 2, "ports[0].interface");
        assertThat(e.detail()).startsWith("'a-name-of-16-chr' is not a Linux interface name");
    }

    @Test
    void anInterfaceNameLinuxCannotHave() {
        ConfigException tooLong = refused("""
                ports:
                  - {name: wire0, kind: af_packet, interface: a-name-of-16-chr}
                """);
        ConfigException slash = refused("""
                ports:
                  - {name: wire0, kind: af_packet, interface: eth/0}
                """);

        assertLocated(tooLong, 2, "ports[0].interface");
        assertThat(tooLong.detail()).isEqualTo("'a-name-of-16-chr' is not a Linux interface name (1 to 15 bytes,"
                + " no '/', ':' or whitespace); give the name `ip link` shows");
        assertThat(slash.field()).isEqualTo("ports[0].interface");
    }

    @Test
    void anInterfaceOnAPortKindWithoutOne() {
        ConfigException e = refused("""
                ports:
                  - {name: gen0, interface: eth0}
                """);

        assertLocated(e, 2, "ports[0].interface");
        assertThat(e.detail()).isEqualTo("a generator port has no interface; remove the key, or use kind: af_packet");
    }

    @Test
    void pcapPortsNameTheirFileAndPace(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.pcap"), new byte[24]);
        ManagerConfig config = ConfigLoader.parse("""
                ports:
                  - {name: file0, kind: pcap_in, file: %s, pace: rate, rate: 500, loop: true}
                  - {name: cap0, kind: pcap_out, file: %s}
                """.formatted(in, dir.resolve("out.pcap")), FILE);

        assertThat(config.ports()).containsExactly(
                new PortConfig("file0", PortKind.PCAP_IN, 500, 64, 256, 0, null, in.toString(), PcapPace.RATE, true),
                new PortConfig("cap0", PortKind.PCAP_OUT, 100_000, 64, 256, 0, null,
                        dir.resolve("out.pcap").toString(), PcapPace.RECORDED, false));
    }

    @Test
    void queuesAndCaptureAreReadAndChecked(@TempDir Path dir) {
        ManagerConfig config = ConfigLoader.parse("""
                ports:
                  - {name: wire0, kind: af_packet, interface: veth-a, queues: 2, capture: %s}
                services:
                  - {name: mon, capture: %s}
                """.formatted(dir.resolve("w.pcap"), dir.resolve("m.pcap")), FILE);
        assertThat(config.ports().getFirst().queues()).isEqualTo(2);
        assertThat(config.ports().getFirst().capture()).isEqualTo(dir.resolve("w.pcap").toString());
        assertThat(config.services().getFirst().capture()).isEqualTo(dir.resolve("m.pcap").toString());
        assertThat(ConfigLoader.parse("ports: [{name: g}]", FILE).ports().getFirst().queues()).isEqualTo(1);

        ConfigException tooMany = refused("""
                ports:
                  - {name: wire0, kind: af_packet, interface: veth-a, queues: 65}
                """);
        assertLocated(tooMany, 2, "ports[0].queues");
        ConfigException notAfPacket = refused("""
                ports:
                  - {name: g, kind: generator, queues: 2}
                """);
        assertThat(notAfPacket.field()).isEqualTo("ports[0].queues");
        assertThat(notAfPacket.detail()).startsWith("a generator port has one queue");
        ConfigException noDir = refused("""
                services:
                  - {name: mon, capture: /nonexistent-dir/m.pcap}
                """);
        assertThat(noDir.field()).isEqualTo("services[0].capture");
        assertThat(noDir.detail()).contains("does not exist");
    }

    @Test
    void aPcapPortWithoutFile() {
        ConfigException in = refused("""
                ports:
                  - {name: file0, kind: pcap_in}
                """);
        ConfigException out = refused("""
                ports:
                  - {name: cap0, kind: pcap_out}
                """);

        assertLocated(in, 2, "ports[0].file");
        assertThat(in.detail()).isEqualTo("missing; a pcap_in port needs the pcap file to read,"
                + " for example file: /tmp/in.pcap");
        assertThat(out.field()).isEqualTo("ports[0].file");
        assertThat(out.detail()).isEqualTo("missing; a pcap_out port needs the pcap file to write,"
                + " for example file: /tmp/in.pcap");
    }

    @Test
    void aPcapInFileThatCannotBeRead(@TempDir Path dir) {
        ConfigException e = refused("""
                ports:
                  - {name: file0, kind: pcap_in, file: %s}
                """.formatted(dir.resolve("nope.pcap")));

        assertLocated(e, 2, "ports[0].file");
        assertThat(e.detail()).isEqualTo("'" + dir.resolve("nope.pcap")
                + "' is not a readable file (it does not exist); give the pcap file to read");
    }

    @Test
    void aPcapOutFileInADirectoryThatDoesNotExist(@TempDir Path dir) {
        ConfigException e = refused("""
                ports:
                  - {name: cap0, kind: pcap_out, file: %s}
                """.formatted(dir.resolve("no/such/out.pcap")));

        assertThat(e.field()).isEqualTo("ports[0].file");
        assertThat(e.detail()).endsWith("does not exist; create it or give another path");
    }

    @Test
    void paceRateNeedsARate(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.pcap"), new byte[24]);
        ConfigException e = refused("""
                ports:
                  - {name: file0, kind: pcap_in, file: %s, pace: rate, rate: 0}
                """.formatted(in));

        assertThat(e.field()).isEqualTo("ports[0].rate");
        assertThat(e.detail()).isEqualTo("pace: rate needs a rate above 0 (frames per second); give one,"
                + " or use pace: max for as fast as possible");
    }

    @Test
    void aFileOnAPortKindWithoutOne() {
        ConfigException e = refused("""
                ports:
                  - {name: gen0, file: /tmp/x.pcap}
                """);

        assertLocated(e, 2, "ports[0].file");
        assertThat(e.detail()).isEqualTo("a generator port has no file; remove the key, or use kind: pcap_in"
                + " or pcap_out");
    }

    @Test
    void duplicatePortNames() {
        ConfigException e = refused("""
                ports:
                  - name: gen0
                  - name: out0
                    kind: sink
                  - name: gen0
                """);

        assertLocated(e, 5, "ports[2].name");
        assertThat(e.detail()).isEqualTo("port name 'gen0' is already used by ports[0]; give each port its own name");
    }

    @Test
    void twoPortsWithoutNamesBothTakeTheDefaultName() {
        ConfigException e = refused("ports:\n  - kind: generator\n  - kind: sink\n");

        assertLocated(e, 3, "ports[1].name");
        assertThat(e.detail()).startsWith("port name 'gen0' is already used by ports[0];");
    }

    @Test
    void aNamedChainCalledDefault() {
        ConfigException e = refused("chains:\n  named:\n    default: []\n");

        assertLocated(e, 3, "chains.named.default");
        assertThat(e.detail())
                .isEqualTo("the name 'default' belongs to chains.default; give this chain another name");
    }

    @Test
    void moreServicesThanMaxServices() {
        ConfigException e = refused("""
                region: {maxServices: 2}
                services:
                  - {id: 1, name: a}
                  - {id: 2, name: b}
                  - {name: c}
                """);

        assertLocated(e, 5, "services[2]");
        assertThat(e.detail())
                .isEqualTo("3 services are more than region.maxServices 2;"
                        + " raise region.maxServices or remove services");
    }

    @Test
    void noIdLeftForAServiceAnNfDefines() {
        ConfigException e = refused("""
                region: {maxServices: 1}
                services: [{id: 1, name: a}]
                nfs: [{nf: basic_monitor, service: b}]
                """);

        assertLocated(e, 3, "nfs[0].service");
        assertThat(e.detail())
                .isEqualTo("no service id is left for service 'b': ids 1..1 are all taken; raise region.maxServices");
    }

    @Test
    void aChainLongerThanMaxChainLength() {
        ConfigException e = refused("""
                region: {maxChainLength: 2}
                services: [{id: 1, name: a}]
                chains:
                  default: [a, a, a]
                """);

        assertLocated(e, 4, "chains.default[2]");
        assertThat(e.detail()).isEqualTo("the chain lists 3 services, more than region.maxChainLength 2;"
                + " shorten the chain or raise region.maxChainLength");
    }

    @Test
    void moreChainsThanMaxChains() {
        ConfigException e = refused("""
                region: {maxChains: 2}
                chains:
                  named:
                    a: []
                    b: []
                """);

        assertLocated(e, 5, "chains.named.b");
        assertThat(e.detail()).isEqualTo("3 chains (the default one included) are more than region.maxChains 2;"
                + " raise region.maxChains or remove chains");
    }

    @Test
    void aServiceWithoutName() {
        ConfigException e = refused("services:\n  - id: 3\n");

        assertLocated(e, 2, "services[0].name");
        assertThat(e.detail()).isEqualTo("missing; give the service a name");
    }

    @Test
    void aServiceNameOfDigitsOnly() {
        ConfigException e = refused("services:\n  - {id: 3, name: '42'}\n");

        assertLocated(e, 2, "services[0].name");
        assertThat(e.detail()).startsWith("'42' is all digits, which reads as a service id;");
    }

    @Test
    void anInvalidName() {
        ConfigException e = refused("region:\n  name: my region\n");

        assertLocated(e, 2, "region.name");
        assertThat(e.detail())
                .isEqualTo("'my region' is not a valid name; use 1 to 63 of the characters A-Z a-z 0-9 _ . -");
    }

    @Test
    void anNfWithoutNfOrService() {
        ConfigException noNf = refused("nfs:\n  - service: monitor\n");
        ConfigException noService = refused("nfs:\n  - nf: basic_monitor\n");

        assertLocated(noNf, 2, "nfs[0].nf");
        assertThat(noNf.detail()).startsWith("missing; name a built-in NF");
        assertLocated(noService, 2, "nfs[0].service");
        assertThat(noService.detail()).isEqualTo("missing; name the service this NF serves (a name or an id)");
    }

    @Test
    void aSocketPathTooLongForUnixSockets() {
        ConfigException e = refused("control:\n  socket: /tmp/" + "s".repeat(103) + "\n");

        assertLocated(e, 2, "control.socket");
        assertThat(e.detail())
                .isEqualTo("the path is 108 bytes, longer than the 107 a Unix socket path may have;"
                        + " use a shorter path");
    }

    // ---- the operator API

    @Test
    void theApiListensOnLoopbackPort8080WithoutTokenByDefault() {
        ApiConfig api = ConfigLoader.parse("api: {port: 0}\n", FILE).api();

        assertThat(ConfigLoader.defaults().api()).isEqualTo(new ApiConfig(true, "127.0.0.1", 8080, null));
        assertThat(api).isEqualTo(new ApiConfig(true, "127.0.0.1", 0, null));
        assertThat(ConfigLoader.parse("api: {bind: '::1'}\n", FILE).api().bind()).isEqualTo("::1");
    }

    @Test
    void aBindBeyondLoopbackNeedsAToken() {
        ConfigException e = refused("""
                api:
                  bind: 0.0.0.0
                """);

        assertLocated(e, 2, "api.bind");
        assertThat(e.detail()).isEqualTo("'0.0.0.0' lets other machines reach the API, so it needs a token; set"
                + " api.token (clients then send Authorization: Bearer <token>), or bind 127.0.0.1");
        ApiConfig open = ConfigLoader.parse("api: {bind: 0.0.0.0, token: 0123456789abcdef01234567}\n", FILE).api();
        assertThat(open.token()).isEqualTo("0123456789abcdef01234567");
        assertThat(open.toString()).doesNotContain("0123456789abcdef");
        assertThat(ConfigLoader.parse("api: {bind: 0.0.0.0, enabled: false}\n", FILE).api().enabled()).isFalse();
    }

    @Test
    void aBindThatIsNotAnAddressIsRefusedWithoutALookup() {
        ConfigException e = refused("""
                api:
                  bind: manager.example
                """);

        assertLocated(e, 2, "api.bind");
        assertThat(e.detail()).isEqualTo("'manager.example' is not an IP address; give one such as 127.0.0.1, ::1"
                + " or 0.0.0.0 (all interfaces, which needs api.token), or localhost");
        assertLocated(refused("api: {bind: 300.1.2.3}\n"), 1, "api.bind");
    }

    @Test
    void aTokenTooShortToResistGuessing() {
        ConfigException e = refused("""
                api:
                  token: secret
                """);

        assertLocated(e, 2, "api.token");
        assertThat(e.detail()).isEqualTo("the token is 6 characters, fewer than 16; use 16 to 256 of A-Z a-z 0-9"
                + " . _ ~ + / = - (for example the output of `openssl rand -hex 24`)");
        assertThat(refused("api: {token: 'has spaces in it, sixteen+'}\n").detail())
                .startsWith("the token has characters other than A-Z a-z 0-9 . _ ~ + / = -; use 16")
                .doesNotContain("spaces");
    }

    // ---- configs built in code

    @Test
    void aConfigBuiltInCodeIsCheckedByTheSameRulesWithoutAFile() {
        var config = new ManagerConfig(ConfigLoader.defaults().region(), new ControlConfig(null),
                new ThreadsConfig(0, 1, List.of()), HopMode.DIRECT, 1000, List.of(), List.of(),
                new ChainsConfig(List.of(), Map.of()), List.of(), ApiConfig.DEFAULTS, FlowsConfig.DEFAULTS,
                SchedulerConfig.DEFAULTS);

        assertThatThrownBy(() -> ConfigLoader.resolve(config))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.file()).isNull();
                    assertThat(e.line()).isZero();
                    assertThat(e.getMessage())
                            .isEqualTo("threads.rx: 0 is out of range 1..64; use a value in that range");
                });
    }

    @Test
    void lookingUpAServiceThatIsNotThereNamesWhatIs() {
        ManagerConfig config = ConfigLoader.parse("services: [{id: 4, name: monitor}]\n", FILE);

        assertThatThrownBy(() -> config.service("fw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("service 'fw' is not defined (defined: monitor)");
        assertThat(config.service("0004")).isEqualTo(new ServiceConfig(4, "monitor"));
    }

    private static ConfigException refused(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
        assertThat(e).as("refusal of%n%s", yaml).isNotNull();
        return e;
    }

    /** File, line and field, and a message made of them and the detail. */
    private static void assertLocated(ConfigException e, int line, String field) {
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.line()).as("line of %s", e.getMessage()).isEqualTo(line);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).isEqualTo(FILE + ":" + line + ":" + e.column() + ": "
                + (field.isEmpty() ? "" : field + ": ") + e.detail());
    }
}

package org.jnetvm.ops.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ApiConfig;
import org.jnetvm.manager.e2e.TestManagers;
import org.jnetvm.ops.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every REST resource against a running manager with a chain and traffic: what each read shows, what each change
 * does to the data plane, and each refusal with its status, message and field.
 */
class ApiServerTest {
    static final String CONFIG = """
            region: {name: ${name}, directory: /dev/shm, buffers: 8192, maxInstances: 4}
            control: {socket: /tmp/${name}.sock}
            ports:
              - {name: gen0, kind: generator, rate: 20000, size: 64, flows: 16}
            services:
              - {id: 1, name: mon}
              - {id: 2, name: out}
              - {id: 3, name: spare}
            chains:
              default: [out]
              named:
                long: [mon, out]
            nfs:
              - {nf: basic_monitor, service: mon, inProcess: true, args: [--interval, "0"]}
              - {nf: bridge, service: out, inProcess: true}
            """;

    static Manager manager;
    static ApiServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        manager = TestManagers.start("api", CONFIG);
        server = ApiServer.start(manager, ApiConfig.loopbackAnyPort());
        http = new Http(server.url(), null);
        TestManagers.await("traffic through the chain", Duration.ofSeconds(20),
                () -> manager.stats().ports().getFirst().txPackets() > 100);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (manager != null) {
            manager.close();
            TestManagers.removeLogs(manager);
        }
    }

    // ---- reads

    @Test
    void theIndexNamesTheResources() {
        JsonNode index = ok(http.get("/api/v1"));
        assertThat(index.get("region").asText()).isEqualTo(manager.region().name());
        assertThat(index.get("resources").toString()).contains("/api/v1/nfs", "/metrics");
    }

    @Test
    void portsShowTheirCountersWhichMoveWithTheTraffic() {
        JsonNode ports = ok(http.get("/api/v1/ports"));
        assertThat(ports).hasSize(1);
        JsonNode gen = ports.get(0);
        assertThat(gen.get("name").asText()).isEqualTo("gen0");
        assertThat(gen.get("kind").asText()).isEqualTo("generator");
        long first = gen.get("rx_packets").asLong();
        assertThat(first).isPositive();
        TestManagers.await("more packets", Duration.ofSeconds(5),
                () -> ok(http.get("/api/v1/ports/gen0")).get("rx_packets").asLong() > first);
        assertThat(ok(http.get("/api/v1/ports/0")).get("name").asText()).isEqualTo("gen0");
    }

    @Test
    void nfsShowStatePidRingsAndCounters() {
        JsonNode nfs = ok(http.get("/api/v1/nfs"));
        // the config's two, and maybe freed slots of NFs other tests started and stopped (their counters stay)
        assertThat(nfs.findValuesAsText("state").stream().filter(s -> !s.equals("free"))).hasSize(2);
        JsonNode bridge = find(nfs, "service", "out");
        assertThat(bridge.get("nf").asText()).isEqualTo("bridge");
        assertThat(bridge.get("state").asText()).isEqualTo("running");
        assertThat(bridge.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(bridge.get("ring_capacity").asInt()).isEqualTo(4096);
        assertThat(bridge.get("rx_queue").asInt()).isBetween(0, 4096);
        assertThat(bridge.get("rx_packets").asLong()).isPositive();
        JsonNode one = ok(http.get("/api/v1/nfs/" + bridge.get("slot").asInt()));
        assertThat(one.get("service").asText()).isEqualTo("out");
        assertThat(one.get("rx_packets").asLong()).isGreaterThanOrEqualTo(bridge.get("rx_packets").asLong());
    }

    @Test
    void servicesAndChainsShowTheConfigAndTheLiveInstances() {
        JsonNode services = ok(http.get("/api/v1/services"));
        assertThat(services).hasSize(3);
        JsonNode out = ok(http.get("/api/v1/services/out"));
        assertThat(out.get("id").asInt()).isEqualTo(2);
        assertThat(out.get("slots")).hasSize(1);
        assertThat(out.get("chains").toString()).isEqualTo("[\"default\",\"long\"]");
        assertThat(ok(http.get("/api/v1/services/3")).get("slots")).isEmpty();

        JsonNode chains = ok(http.get("/api/v1/chains"));
        assertThat(chains).hasSize(2);
        JsonNode longChain = ok(http.get("/api/v1/chains/long"));
        assertThat(longChain.get("services").toString()).isEqualTo("[\"mon\",\"out\"]");
        assertThat(longChain.get("service_ids").toString()).isEqualTo("[1,2]");
        assertThat(ok(http.get("/api/v1/chains/0")).get("name").asText()).isEqualTo("default");
    }

    @Test
    void dropsPoolAndStatsAddUp() {
        JsonNode drops = ok(http.get("/api/v1/drops"));
        for (DropReason reason : DropReason.values()) {
            assertThat(drops.at("/total/" + reason.label).isIntegralNumber()).as(reason.label).isTrue();
        }
        assertThat(drops.get("ports").has("gen0")).isTrue();
        JsonNode pool = ok(http.get("/api/v1/pool"));
        assertThat(pool.get("total").asInt()).isEqualTo(8192);
        assertThat(pool.get("free").asInt() + pool.get("cached").asInt() + pool.get("in_flight").asInt())
                .isEqualTo(8192);
        JsonNode stats = ok(http.get("/api/v1/stats"));
        assertThat(stats.get("ports")).hasSize(1);
        assertThat(stats.get("nfs").size()).isGreaterThanOrEqualTo(2);
        assertThat(stats.has("interval_s")).as("no rates from one snapshot").isFalse();
    }

    @Test
    void theEventStreamPushesAnEventASecondWithRates() throws Exception {
        try (EventReader events = EventReader.open(server.url() + "api/v1/events", null)) {
            JsonNode first = events.next(Duration.ofSeconds(5));
            JsonNode second = events.next(Duration.ofSeconds(5));
            assertThat(first.at("/stats/interval_s").isMissingNode()).isTrue();
            assertThat(second.at("/stats/interval_s").asDouble()).isBetween(0.5, 2.5);
            double rate = second.at("/stats/ports/0/rx_pps").asDouble();
            assertThat(rate).as("generator at 20000/s").isBetween(10_000.0, 30_000.0);
            assertThat(second.at("/stats/ports/0/rx_packets").asLong())
                    .isGreaterThan(first.at("/stats/ports/0/rx_packets").asLong());
            assertThat(second.get("chains")).hasSize(2);
            assertThat(second.get("services")).hasSize(3);
            assertThat(server.eventClients()).isEqualTo(1);
        }
    }

    @Test
    void metricsAreServedInPrometheusTextFormat() {
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains("jnetvm_port_rx_packets_total{port=\"gen0\",kind=\"generator\"} ",
                "jnetvm_nf_rx_packets_total{service=\"out\",instance=\"0\",slot=\"1\",nf=\"bridge\"} ",
                "jnetvm_drops_total{reason=\"ring_full\"} ");
    }

    // ---- changes

    @Test
    void settingTheDefaultChainSendsNewPacketsAlongIt() {
        long monBefore = monitorRx();
        assertThat(monBefore).as("mon is on no chain yet").isZero();
        JsonNode set = ok(http.json("PUT", "/api/v1/default-chain", "{\"chain\": \"long\"}"));
        try {
            assertThat(set.get("name").asText()).isEqualTo("long");
            assertThat(set.get("is_default").asBoolean()).isTrue();
            assertThat(ok(http.get("/api/v1/default-chain")).get("id").asInt()).isEqualTo(1);
            TestManagers.await("packets through mon", Duration.ofSeconds(5), () -> monitorRx() > 1000);
        } finally {
            assertThat(ok(http.json("PUT", "/api/v1/default-chain", "{\"chain\": 0}")).get("name").asText())
                    .isEqualTo("default");
        }
        long monAfter = monitorRx();
        TestManagers.await("traffic on", Duration.ofSeconds(5),
                () -> manager.stats().ports().getFirst().txPackets() > manager.stats().ports().getFirst().rxPackets() - 2000);
        assertThat(monitorRx()).as("mon takes no new packets once default is back").isLessThan(monAfter + 100);
        assertThat(manager.stats().drops().get(DropReason.NO_CHAIN)).isZero();
        assertThat(manager.stats().drops().get(DropReason.CHAIN_END)).isZero();
    }

    @Test
    void flowRulesAreAddedListedRefusedOnConflictAndRemoved() {
        // TCP only: the generator's UDP flows are classified by the director but keep the default chain.
        Http.Response added = http.json("POST", "/api/v1/flows",
                "{\"priority\": 3, \"protocol\": \"tcp\", \"dst\": \"10.9.0.0/16\", \"dst_port\": 80, \"service\": \"mon\"}");
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        int id = added.json().get("id").asInt();
        try {
            assertThat(added.json().get("description").asText())
                    .isEqualTo("priority 3 protocol tcp dst 10.9.0.0/16 dstPort 80 -> service mon");
            JsonNode flows = ok(http.get("/api/v1/flows"));
            assertThat(flows.get("rules")).hasSize(1);
            assertThat(flows.at("/rules/0/dst_port").asText()).isEqualTo("80");
            assertThat(flows.at("/rules/0/service").asText()).isEqualTo("mon");
            assertThat(flows.at("/table/entries").asInt()).isEqualTo(manager.flows().table().entryCapacity());
            assertThat(ok(http.get("/api/v1/flows/" + id)).get("protocol").asText()).isEqualTo("tcp");
            Http.Response conflict = http.json("POST", "/api/v1/flows",
                    "{\"priority\": 3, \"dst\": \"10.9.1.0/24\", \"drop\": true}");
            assertThat(conflict.status()).isEqualTo(409);
            assertThat(conflict.json().get("field").asText()).isEqualTo("priority");
            assertThat(conflict.json().get("message").asText()).contains("overlaps rule " + id);
            TestManagers.await("the generator's flows cached by the director", Duration.ofSeconds(5),
                    () -> manager.flows().table().live() >= 16);
        } finally {
            assertThat(ok(http.send("DELETE", "/api/v1/flows/" + id, null, null)).get("id").asInt()).isEqualTo(id);
        }
        assertThat(ok(http.get("/api/v1/flows")).get("rules")).isEmpty();
        assertThat(manager.stats().drops().get(DropReason.FLOW_DROP)).isZero();
    }

    @Test
    void pauseAndResumeAnNf() {
        int slot = find(ok(http.get("/api/v1/nfs")), "service", "out").get("slot").asInt();
        Http.Response paused = http.send("POST", "/api/v1/nfs/" + slot + "/pause", null, null);
        try {
            assertThat(paused.status()).isEqualTo(200);
            assertThat(paused.json().get("state").asText()).isEqualTo("paused");
            long rx = paused.json().get("rx_packets").asLong();
            TestManagers.await("packets queue up", Duration.ofSeconds(5),
                    () -> ok(http.get("/api/v1/nfs/" + slot)).get("rx_queue").asInt() > 200);
            assertThat(ok(http.get("/api/v1/nfs/" + slot)).get("rx_packets").asLong()).isEqualTo(rx);
        } finally {
            Http.Response resumed = http.send("POST", "/api/v1/nfs/" + slot + "/resume", null, null);
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.json().get("state").asText()).isEqualTo("running");
        }
        TestManagers.await("queue drained", Duration.ofSeconds(5),
                () -> ok(http.get("/api/v1/nfs/" + slot)).get("rx_queue").asInt() < 100);
    }

    @Test
    void startAnotherInstanceInProcessThenStopIt() {
        Http.Response started = http.json("POST", "/api/v1/services/out/instances", "{\"in_process\": true}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.json().get("nf").asText()).isEqualTo("bridge");
        TestManagers.await("two instances of out", Duration.ofSeconds(10),
                () -> ok(http.get("/api/v1/services/out")).get("slots").size() == 2);
        int added = ok(http.get("/api/v1/services/out")).get("slots").get(1).asInt();
        TestManagers.await("the new instance runs and takes packets", Duration.ofSeconds(10),
                () -> ok(http.get("/api/v1/nfs/" + added)).get("state").asText().equals("running")
                        && ok(http.get("/api/v1/nfs/" + added)).get("rx_packets").asLong() > 0);
        TestManagers.await("the new instance takes packets", Duration.ofSeconds(10),
                () -> ok(http.get("/api/v1/nfs/" + added)).get("rx_packets").asLong() > 0);
        Http.Response stopped = http.send("DELETE", "/api/v1/nfs/" + added, null, null);
        assertThat(stopped.status()).isEqualTo(202);
        TestManagers.await("back to one instance", Duration.ofSeconds(10),
                () -> ok(http.get("/api/v1/services/out")).get("slots").size() == 1);
        assertThat(http.send("DELETE", "/api/v1/nfs/" + added, null, null).json().get("field").asText())
                .isEqualTo("slot");
    }

    @Test
    void startAnInstanceAsAProcessForAServiceTheConfigStartsNoNfFor() throws Exception {
        Http.Response started = http.json("POST", "/api/v1/services/spare/instances", "{\"nf\": \"bridge\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        long pid = started.json().get("pid").asLong();
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(started.json().get("log").asText()).endsWith(".log");
        TestManagers.await("the process registered", Duration.ofSeconds(30),
                () -> ok(http.get("/api/v1/services/spare")).get("slots").size() == 1);
        int slot = ok(http.get("/api/v1/services/spare")).get("slots").get(0).asInt();
        Http.Response early = http.send("DELETE", "/api/v1/nfs/" + slot, null, null);
        if (early.status() == 409) { // still starting: refused, with the reason
            assertThat(early.json().get("message").asText()).isEqualTo("the NF in slot " + slot
                    + " is starting; try again once it runs");
        }
        TestManagers.await("the process runs", Duration.ofSeconds(30),
                () -> ok(http.get("/api/v1/nfs/" + slot)).get("state").asText().equals("running"));
        JsonNode nf = ok(http.get("/api/v1/nfs/" + slot));
        assertThat(nf.get("pid").asLong()).isEqualTo(pid);
        if (early.status() != 202) {
            assertThat(http.send("DELETE", "/api/v1/nfs/" + slot, null, null).status()).isEqualTo(202);
        }
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join());
        TestManagers.await("slot freed", Duration.ofSeconds(10),
                () -> ok(http.get("/api/v1/services/spare")).get("slots").isEmpty());
    }

    // ---- refusals: status, field, message

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            GET    | /api/v1/nfs/abc              |                              | 400 | slot        | 'abc' is not an NF slot number
            GET    | /api/v1/nfs/99999            |                              | 404 | slot        | slot 99999 does not exist; slots run 0..255
            GET    | /api/v1/nfs/200              |                              | 404 | slot        | no NF in slot 200
            POST   | /api/v1/nfs/200/pause        |                              | 404 | slot        | no NF is registered in slot 200
            DELETE | /api/v1/nfs/x                |                              | 400 | slot        | 'x' is not an NF slot number
            GET    | /api/v1/services/nosuch      |                              | 404 | service     | no service named 'nosuch'; services: mon (1), out (2), spare (3)
            GET    | /api/v1/ports/eth9           |                              | 404 | port        | no port named 'eth9'; ports: gen0
            GET    | /api/v1/chains/web           |                              | 404 | chain       | no chain named 'web'; chains: default (0), long (1)
            PUT    | /api/v1/default-chain        | `{"chain": "web"}`           | 400 | chain       | no chain named 'web'; chains: default (0), long (1)
            PUT    | /api/v1/default-chain        | `{"chain": true}`            | 400 | chain       | expected a name (text) or an id (a whole number), found a boolean
            PUT    | /api/v1/default-chain        | `{"chain": 1.5}`             | 400 | chain       | expected a name (text) or an id (a whole number), found a fraction
            PUT    | /api/v1/default-chain        | `{"chian": "long"}`          | 400 | chian       | unknown field 'chian'; known fields: chain
            PUT    | /api/v1/default-chain        | `{}`                         | 400 | chain       | missing; give the chain's name or id
            PUT    | /api/v1/default-chain        | `{"chain": "long"`           | 400 |             | the body is not JSON (Unexpected end-of-input
            PUT    | /api/v1/default-chain        | `["long"]`                   | 400 |             | the body is a list, not a JSON object
            PUT    | /api/v1/default-chain        |                              | 400 |             | the body is empty
            POST   | /api/v1/services/nosuch/instances | `{}`                    | 404 | service     | no service named 'nosuch'
            POST   | /api/v1/services/spare/instances  | `{}`                    | 400 | nf          | service 'spare' has no NF in the manager's nfs: list
            POST   | /api/v1/services/out/instances    | `{"nf": "nosuch"}`      | 400 | nf          | no NF called 'nosuch'; built-in NFs:
            POST   | /api/v1/services/out/instances    | `{"args": "--x"}`       | 400 | args        | expected a list of text, found text
            POST   | /api/v1/services/out/instances    | `{"args": [1]}`         | 400 | args[0]     | expected text, found a whole number
            POST   | /api/v1/services/out/instances    | `{"args": ["--bogus"]}` | 400 | args        | NF bridge refuses these arguments: Unknown option: '--bogus'
            POST   | /api/v1/services/out/instances    | `{"args": ["--manager", "/x"]}` | 400 | args | '--manager' is set by the manager
            POST   | /api/v1/services/out/instances    | `{"in_process": "yes"}` | 400 | in_process  | expected true or false, found text
            POST   | /api/v1/flows | `{"src": "10.0.0.1/8", "chain": "long"}` | 400 | src      | '10.0.0.1/8' has address bits set beyond its prefix length 8
            POST   | /api/v1/flows | `{"dst_port": "x", "drop": true}`        | 400 | dst_port | 'x' is not a port (0..65535) or a range
            POST   | /api/v1/flows | `{"protocol": "tcp", "chain": "web"}`    | 400 | chain    | no chain is named 'web'; chains: [default, long]
            POST   | /api/v1/flows | `{"protocol": "tcp"}`                    | 400 | chain    | missing; say where the flow goes
            POST   | /api/v1/flows | `{"priority": "high", "drop": true}`     | 400 | priority | expected a whole number, found text
            POST   | /api/v1/flows | `{"dport": 80, "drop": true}`            | 400 | dport    | unknown field 'dport'
            GET    | /api/v1/flows/99              |                             | 404 | id          | no flow rule has id '99'
            DELETE | /api/v1/flows/99              |                             | 404 | id          | no flow rule has id '99'
            GET    | /api/v1/nope                 |                              | 404 |             | no resource GET /api/v1/nope; GET /api/v1 lists the resources
            DELETE | /api/v1/ports                |                              | 405 |             | DELETE is not allowed on /api/v1/ports; allowed: GET
            """)
    void aBadRequestGetsItsStatusMessageAndField(String method, String path, String body, int status, String field,
                                                 String message) {
        Http.Response r = body == null ? http.send(method, path, null, null) : http.json(method, path, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        JsonNode error = r.json();
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("message").asText()).startsWith(message);
        assertThat(error.has("field")).as("field present, null or not").isTrue();
        assertThat(error.get("field").isNull() ? null : error.get("field").asText()).isEqualTo(field);
    }

    @Test
    void aBodyThatIsNotJsonByItsContentType() {
        Http.Response r = http.send("PUT", "/api/v1/default-chain", "text/plain", "long");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().get("field").asText()).isEqualTo("Content-Type");
        assertThat(r.json().get("message").asText()).startsWith("the body is text/plain; send JSON");
    }

    @Test
    void aServiceAtItsInstanceLimitRefusesAnother() throws Exception {
        // region.maxInstances 1 and one instance running: the check refuses before anything starts.
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 1024, maxInstances: 1}
                control: {socket: /tmp/${name}.sock}
                ports: []
                services: [{id: 1, name: one}]
                nfs: [{nf: bridge, service: one, inProcess: true}]
                """;
        try (Manager small = TestManagers.start("limit", config);
             ApiServer api = ApiServer.start(small, ApiConfig.loopbackAnyPort())) {
            Http client = new Http(api.url(), null);
            TestManagers.await("one registered", Duration.ofSeconds(10), () -> small.registry().nfs().size() == 1);
            Http.Response r = client.json("POST", "/api/v1/services/one/instances", "{}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("field").asText()).isEqualTo("service");
            assertThat(r.json().get("message").asText()).isEqualTo("service 'one' already has 1 instances, the"
                    + " region's maximum (region.maxInstances); stop one first");
        }
    }

    // ---- the OpenAPI description

    @Test
    void theOpenApiDescriptionDescribesEveryRouteAndNoOther() {
        JsonNode doc = ok(http.get("/api/v1/openapi.json"));
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        Set<String> described = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            path.getValue().fieldNames().forEachRemaining(method -> described.add(method.toUpperCase() + " " + path.getKey()));
        }
        Set<String> served = new HashSet<>();
        server.routes().stream().filter(ApiServer.Route::documented).forEach(r -> served.add(r.method() + " " + r.path()));
        assertThat(described).isEqualTo(served);
        // every schema a response names exists
        doc.findValues("$ref").forEach(ref -> assertThat(doc.at(ref.asText().substring(1)).isMissingNode())
                .as(ref.asText()).isFalse());
        // the Error schema is what errors look like
        assertThat(doc.at("/components/schemas/Error/required").toString())
                .isEqualTo(Views.JSON.valueToTree(new ApiError(0, "", "", "")).properties().stream()
                        .map(e -> "\"" + e.getKey() + "\"").reduce((a, b) -> a + "," + b).map(s -> "[" + s + "]")
                        .orElseThrow());
    }

    @Test
    void theOpenApiSchemasOfTheStatsNameEveryFieldTheViewsHave() {
        JsonNode doc = ok(http.get("/api/v1/openapi.json"));
        var snake = new com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy();
        Map<String, Class<? extends Record>> schemas = Map.of("Stats", org.jnetvm.ops.view.StatsView.class,
                "Nf", org.jnetvm.ops.view.StatsView.NfView.class,
                "ChainStats", org.jnetvm.ops.view.StatsView.ChainStatsView.class,
                "Port", org.jnetvm.ops.view.StatsView.PortView.class,
                "Hop", org.jnetvm.ops.view.StatsView.HopView.class);
        schemas.forEach((schema, view) -> {
            Set<String> fields = new HashSet<>();
            for (var c : view.getRecordComponents()) {
                fields.add(snake.translate(c.getName()));
            }
            Set<String> documented = new HashSet<>();
            doc.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(documented::add);
            assertThat(documented).as("schema %s against %s", schema, view.getSimpleName()).isEqualTo(fields);
        });
    }

    // ---- helpers

    private static long monitorRx() {
        return manager.stats().nfs().stream().filter(nf -> nf.serviceName().equals("mon")).findFirst().orElseThrow()
                .rxPackets();
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 299);
        return r.json();
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.get(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }
}

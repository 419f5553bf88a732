package org.jnetvm.ops.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ApiConfig;
import org.jnetvm.manager.e2e.TestManagers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every REST resource against a running manager with a chain and traffic, and every refusal with its field. */
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
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void smoke() {
        System.out.println(http.get("/api/v1"));
        System.out.println(http.get("/api/v1/ports"));
        System.out.println(http.get("/api/v1/nfs"));
        System.out.println(http.get("/api/v1/nfs/abc"));
        System.out.println(http.get("/api/v1/nope"));
        System.out.println(http.send("DELETE", "/api/v1/ports", null, null));
        System.out.println(http.json("PUT", "/api/v1/default-chain", "{\"chain\": true}"));
        System.out.println(http.json("PUT", "/api/v1/default-chain", "{\"chain\": \"long\"}"));
        System.out.println(http.get("/metrics").body().lines().limit(12).toList());
        JsonNode services = http.get("/api/v1/services").json();
        assertThat(services.size()).isEqualTo(3);
    }
}

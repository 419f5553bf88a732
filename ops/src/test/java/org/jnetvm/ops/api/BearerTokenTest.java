package org.jnetvm.ops.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ApiConfig;
import org.jnetvm.manager.e2e.TestManagers;
import org.junit.jupiter.api.Test;

/** On a bind beyond loopback the config must name a token, and then every API and metrics request must bring it. */
class BearerTokenTest {
    static final String TOKEN = "s3cr3t-t0ken-for-the-test-0123";

    @Test
    void everyApiAndMetricsRequestNeedsTheTokenButThePageDoesNot() throws Exception {
        String config = """
                region: {name: ${name}, directory: /dev/shm, buffers: 1024}
                control: {socket: /tmp/${name}.sock}
                ports: []
                services: [{id: 1, name: one}]
                """;
        try (Manager manager = TestManagers.start("token", config);
             ApiServer server = ApiServer.start(manager, new ApiConfig(true, "0.0.0.0", 0, TOKEN))) {
            String base = "http://127.0.0.1:" + server.port();
            Http anonymous = new Http(base, null);
            for (String path : new String[] {"/api/v1", "/api/v1/nfs", "/api/v1/events", "/metrics", "/api/v1/openapi.json"}) {
                Http.Response r = anonymous.get(path);
                assertThat(r.status()).as(path).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"jnetvm\"");
                assertThat(r.json().get("field").asText()).isEqualTo("Authorization");
                assertThat(r.json().get("message").asText()).startsWith("this API needs a token");
            }
            Http.Response put = anonymous.json("PUT", "/api/v1/default-chain", "{\"chain\": 0}");
            assertThat(put.status()).as("a change without the token is refused before it is read").isEqualTo(401);

            assertThat(new Http(base, "Basic dXNlcjpwYXNz").get("/api/v1").json().get("message").asText())
                    .startsWith("the Authorization header is not a Bearer token");
            assertThat(new Http(base, "Bearer " + TOKEN + "x").get("/api/v1").json().get("message").asText())
                    .startsWith("the Bearer token is not the one in api.token");

            Http authorized = new Http(base, "Bearer " + TOKEN);
            assertThat(authorized.get("/api/v1").status()).isEqualTo(200);
            assertThat(authorized.get("/metrics").status()).isEqualTo(200);
            assertThat(new Http(base, "bearer " + TOKEN).get("/api/v1/nfs").status()).as("scheme is case-free")
                    .isEqualTo(200);
            try (EventReader events = EventReader.open(base + "/api/v1/events", "Bearer " + TOKEN)) {
                assertThat(events.next(Duration.ofSeconds(5)).get("region").asText()).isEqualTo(manager.region().name());
            }
            // the page and its script hold no data; the script sends the token it is given
            Http.Response page = anonymous.get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<title>JNetVM dashboard</title>");
            assertThat(anonymous.get("/dashboard.js").body()).contains("'Bearer ' + token");
        }
    }
}

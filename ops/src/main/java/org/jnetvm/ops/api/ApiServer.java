package org.jnetvm.ops.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ApiConfig;
import org.jnetvm.ops.view.Views;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's HTTP surface: REST API under {@code /api/v1}, the live dashboard at {@code /}, Prometheus metrics at
 * {@code /metrics}, the OpenAPI description at {@code /api/v1/openapi.json}. Javalin (Jetty) on virtual threads: it
 * reads counters from shared memory and calls the manager's control methods, so it takes nothing from the data plane
 * but CPU time. Started by {@code jnetvm manager} and {@code jnetvm demo} after the manager; closed before it.
 *
 * <p>With {@code api.token} set, every {@code /api} and {@code /metrics} request must bring it as a Bearer token; the
 * dashboard's page itself holds no data and loads without one (its script then sends the token it is given).
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String DASHBOARD = "/org/jnetvm/ops/dashboard/";
    private static final String OPENAPI = "/org/jnetvm/ops/api/openapi.json";
    /** The dashboard's push period: at least one update a second. */
    public static final Duration EVENT_PERIOD = Duration.ofSeconds(1);

    /** One route: its HTTP method, its path (Javalin's and OpenAPI's {param} syntax) and what it does. */
    public record Route(String method, String path, boolean documented) {
    }

    private final Javalin app;
    private final EventStream events;
    private final List<Route> routes;
    private final String host;

    private ApiServer(Javalin app, EventStream events, List<Route> routes, String host) {
        this.app = app;
        this.events = events;
        this.routes = routes;
        this.host = host;
    }

    /**
     * Starts listening as {@code config} says (the caller checks {@code config.enabled()}).
     *
     * @throws IllegalStateException naming the address when the port cannot be bound
     */
    public static ApiServer start(Manager manager, ApiConfig config) {
        return start(manager, config, EVENT_PERIOD);
    }

    /** As {@link #start(Manager, ApiConfig)}, with events every {@code eventPeriod} (tests use a shorter one). */
    public static ApiServer start(Manager manager, ApiConfig config, Duration eventPeriod) {
        ApiResources resources = new ApiResources(manager);
        EventStream events = new EventStream(manager::stats, resources::event, eventPeriod.toMillis());
        BearerToken token = new BearerToken(config.token());
        String openapi = resource(OPENAPI);
        Map<String, String[]> dashboard = Map.of(
                "/", new String[] {resource(DASHBOARD + "index.html"), "text/html; charset=utf-8"},
                "/dashboard.js", new String[] {resource(DASHBOARD + "dashboard.js"), "text/javascript; charset=utf-8"},
                "/dashboard.css", new String[] {resource(DASHBOARD + "dashboard.css"), "text/css; charset=utf-8"});

        List<Endpoint> endpoints = List.of(
                Endpoint.get("/api/v1", resources::index),
                Endpoint.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openapi)),
                Endpoint.get("/api/v1/stats", resources::stats),
                Endpoint.get("/api/v1/ports", resources::ports),
                Endpoint.get("/api/v1/ports/{port}", resources::port),
                Endpoint.get("/api/v1/services", resources::services),
                Endpoint.get("/api/v1/services/{service}", resources::service),
                Endpoint.post("/api/v1/services/{service}/instances", resources::startInstance),
                Endpoint.get("/api/v1/nfs", resources::nfs),
                Endpoint.get("/api/v1/nfs/{slot}", resources::nf),
                Endpoint.delete("/api/v1/nfs/{slot}", resources::stop),
                Endpoint.post("/api/v1/nfs/{slot}/pause", resources::pause),
                Endpoint.post("/api/v1/nfs/{slot}/resume", resources::resume),
                Endpoint.get("/api/v1/chains", resources::chains),
                Endpoint.get("/api/v1/chains/{chain}", resources::chain),
                Endpoint.get("/api/v1/default-chain", resources::defaultChain),
                Endpoint.put("/api/v1/default-chain", resources::setDefaultChain),
                Endpoint.get("/api/v1/flows", resources::flows),
                Endpoint.post("/api/v1/flows", resources::addFlow),
                Endpoint.get("/api/v1/flows/{id}", resources::flow),
                Endpoint.delete("/api/v1/flows/{id}", resources::removeFlow),
                Endpoint.get("/api/v1/drops", resources::drops),
                Endpoint.get("/api/v1/pool", resources::pool),
                Endpoint.get("/metrics", resources::metrics));

        Javalin app = Javalin.create(cfg -> {
            cfg.jetty.host = config.bind();
            cfg.jetty.port = config.port();
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.prefer405over404 = true;
            cfg.jsonMapper(new JavalinJackson(Views.JSON, true));
            cfg.routes.before(ctx -> {
                if (ctx.path().startsWith("/api/") || ctx.path().equals("/api") || ctx.path().equals("/metrics")) {
                    token.check(ctx.header("Authorization"));
                }
            });
            for (Endpoint e : endpoints) {
                switch (e.method) {
                    case "GET" -> cfg.routes.get(e.path, e.handler);
                    case "POST" -> cfg.routes.post(e.path, e.handler);
                    case "PUT" -> cfg.routes.put(e.path, e.handler);
                    case "DELETE" -> cfg.routes.delete(e.path, e.handler);
                    default -> throw new IllegalStateException("no method " + e.method);
                }
            }
            cfg.routes.sse("/api/v1/events", events::join);
            dashboard.forEach((path, file) -> cfg.routes.get(path, ctx -> ctx.contentType(file[1]).result(file[0])));
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.field()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> javalinError(ctx, e));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "the request failed inside the manager: " + e.getMessage() + " (see its log)", null);
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            events.close();
            throw new IllegalStateException("api: cannot listen on " + config.bind() + ":" + config.port() + " ("
                    + rootMessage(e) + "); set api.port to a free port (0 picks one) or api.enabled: false", e);
        }
        List<Route> routes = new java.util.ArrayList<>();
        endpoints.forEach(e -> routes.add(new Route(e.method, e.path, true)));
        routes.add(new Route("GET", "/api/v1/events", true));
        dashboard.keySet().forEach(path -> routes.add(new Route("GET", path, false)));
        ApiServer server = new ApiServer(app, events, List.copyOf(routes), config.bind());
        LOG.info("api: dashboard {} (REST {}api/v1, metrics {}metrics){}", server.url(), server.url(), server.url(),
                token.required() ? ", Bearer token required" : "");
        return server;
    }

    /** Every route the server answers, for the OpenAPI description's test. */
    public List<Route> routes() {
        return routes;
    }

    /** The port it listens on (the one picked when the config said 0). */
    public int port() {
        return app.port();
    }

    /** The dashboard's address, such as {@code http://127.0.0.1:8080/}. */
    public String url() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        if (host.equals("0.0.0.0") || host.equals("::")) {
            shown = "127.0.0.1"; // reachable from this machine; others use one of its addresses
        }
        return "http://" + shown + ":" + port() + "/";
    }

    /** Event-stream clients connected now. */
    public int eventClients() {
        return events.clientCount();
    }

    @Override
    public void close() {
        events.close();
        app.stop();
    }

    private static void error(Context ctx, int status, String message, String field) {
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"jnetvm\"");
        }
        ctx.status(status).json(new ApiError(status, HttpStatus.forStatus(status).getMessage(), message, field));
    }

    // Javalin's own refusals (no such route, wrong method), in our error shape.
    private static void javalinError(Context ctx, HttpResponseException e) {
        String message = switch (e.getStatus()) {
            case 404 -> "no resource " + ctx.method() + " " + ctx.path() + "; GET /api/v1 lists the resources and"
                    + " /api/v1/openapi.json describes them";
            case 405 -> ctx.method() + " is not allowed on " + ctx.path() + "; allowed: "
                    + e.getDetails().getOrDefault("availableMethods", "see /api/v1/openapi.json");
            default -> e.getMessage();
        };
        error(ctx, e.getStatus(), message, null);
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String resource(String name) {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path (broken build?)");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A route and its handler, before the server starts. */
    private record Endpoint(String method, String path, Handler handler) {
        static Endpoint get(String path, Handler handler) {
            return new Endpoint("GET", path, handler);
        }

        static Endpoint post(String path, Handler handler) {
            return new Endpoint("POST", path, handler);
        }

        static Endpoint put(String path, Handler handler) {
            return new Endpoint("PUT", path, handler);
        }

        static Endpoint delete(String path, Handler handler) {
            return new Endpoint("DELETE", path, handler);
        }
    }
}

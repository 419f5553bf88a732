package org.jnetvm.ops.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.flow.FlowRule;
import org.jnetvm.core.flow.FlowRuleException;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.NfConfig;
import org.jnetvm.manager.flow.FlowDirector;
import org.jnetvm.manager.flow.FlowRuleSpec;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.jnetvm.ops.metrics.PrometheusText;
import org.jnetvm.ops.view.FlowRuleView;
import org.jnetvm.ops.view.FlowRuleView.FlowTableView;
import org.jnetvm.ops.view.StatsView;
import org.jnetvm.ops.view.StatsView.NfView;
import org.jnetvm.ops.view.StatsView.PortView;
import org.jnetvm.ops.view.TopologyView.ChainView;
import org.jnetvm.ops.view.TopologyView.ServiceView;
import org.jnetvm.ops.view.Views;
import picocli.CommandLine;

/**
 * The REST resources: each method handles one route of {@link ApiServer}. Reads come from shared memory
 * ({@link Manager#stats()}, the service and chain tables); changes go through the manager's control methods (registry,
 * launcher, default chain), never into a data-plane structure. Runs on the server's virtual threads; the manager's
 * methods it calls are thread-safe.
 */
final class ApiResources {
    /** How long pause, resume and stop wait for the NF to reach the state asked for before answering 202. */
    private static final long STATE_WAIT_NANOS = 2_000_000_000L;

    private final Manager manager;
    private final Views views;
    private final ServiceTable services;

    ApiResources(Manager manager) {
        this.manager = manager;
        this.views = new Views(manager.region());
        this.services = new ServiceTable(manager.region());
    }

    // ---- the whole picture

    void index(Context ctx) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("name", "jnetvm");
        links.put("region", manager.region().name());
        links.put("openapi", "/api/v1/openapi.json");
        links.put("resources", List.of("/api/v1/stats", "/api/v1/events", "/api/v1/ports", "/api/v1/services",
                "/api/v1/nfs", "/api/v1/chains", "/api/v1/default-chain", "/api/v1/flows", "/api/v1/drops", "/api/v1/pool", "/metrics"));
        links.put("dashboard", "/");
        ctx.json(links);
    }

    void stats(Context ctx) {
        ctx.json(Views.stats(manager.stats(), null));
    }

    void metrics(Context ctx) {
        ctx.contentType(PrometheusText.CONTENT_TYPE).result(PrometheusText.write(manager.stats()));
    }

    /** What the event stream sends each tick: counters with rates, services, chains. */
    DashboardEvent event(StatsSnapshot now, StatsSnapshot before) {
        return new DashboardEvent(Views.stats(now, before), views.services(), views.chains(manager.defaultChain()),
                manager.region().name());
    }

    /** One event of {@code GET /api/v1/events}. */
    record DashboardEvent(StatsView stats, List<ServiceView> services, List<ChainView> chains, String region) {
    }

    // ---- ports

    void ports(Context ctx) {
        ctx.json(Views.stats(manager.stats(), null).ports());
    }

    void port(Context ctx) {
        String ref = ctx.pathParam("port");
        ctx.json(Views.stats(manager.stats(), null).ports().stream()
                .filter(p -> p.name().equals(ref) || Integer.toString(p.id()).equals(ref)).findFirst()
                .orElseThrow(() -> ApiException.notFound("port", "no port named '" + ref + "'; ports: "
                        + names(Views.stats(manager.stats(), null).ports().stream().map(PortView::name).toList()))));
    }

    // ---- services and their instances

    void services(Context ctx) {
        ctx.json(views.services());
    }

    void service(Context ctx) {
        int id = serviceId(ctx);
        ctx.json(views.services().stream().filter(s -> s.id() == id).findFirst().orElseThrow());
    }

    /** POST /api/v1/services/{service}/instances: starts one more NF for the service. */
    void startInstance(Context ctx) {
        int id = serviceId(ctx);
        String serviceName = services.name(id);
        JsonBody body = JsonBody.parse(ctx.contentType(), ctx.body(), "{\"nf\": \"bridge\", \"args\": [],"
                + " \"in_process\": false}", true, "nf", "args", "in_process");
        Optional<NfConfig> configured = manager.config().nfs().stream()
                .filter(n -> manager.config().service(n.service()).id() == id)
                .findFirst();
        String nf = body.text("nf").or(() -> configured.map(NfConfig::nf)).orElseThrow(() -> ApiException.badRequest(
                "nf", "service '" + serviceName + "' has no NF in the manager's nfs: list, so name the NF to start,"
                        + " for example {\"nf\": \"bridge\"}"));
        List<String> args = body.strings("args").orElse(configured.filter(c -> c.nf().equals(nf))
                .map(NfConfig::args).orElse(List.of()));
        boolean inProcess = body.bool("in_process").orElse(configured.map(NfConfig::inProcess).orElse(false));
        for (String arg : args) {
            if (arg.startsWith("--service") || arg.startsWith("--manager") || arg.startsWith("--instance")) {
                throw ApiException.badRequest("args", "'" + arg + "' is set by the manager (service from the path,"
                        + " its own control socket, any free instance); leave it out");
            }
        }
        try {
            NfMain.configure(NfCatalog.load(), nf, args.toArray(String[]::new)); // checks name and options up front
        } catch (CommandLine.ParameterException e) {
            throw ApiException.badRequest("args", "NF " + nf + " refuses these arguments: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("nf", e.getMessage());
        }
        int max = manager.region().layout().maxInstances();
        if (services.instanceCount(id) >= max) {
            throw ApiException.conflict("service", "service '" + serviceName + "' already has " + max
                    + " instances, the region's maximum (region.maxInstances); stop one first");
        }
        NfLauncher.Launched launched;
        try {
            launched = manager.launcher().launch(nf, serviceName, args, inProcess);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start NF " + nf + " for service " + serviceName, e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("service", serviceName);
        out.put("nf", nf);
        out.put("in_process", inProcess);
        out.put("pid", inProcess ? ProcessHandle.current().pid() : launched.process().pid());
        if (launched.log() != null) {
            out.put("log", launched.log().toString());
        }
        out.put("instances", "/api/v1/services/" + serviceName);
        ctx.status(202).json(out);
    }

    // ---- NF instances

    void nfs(Context ctx) {
        ctx.json(Views.stats(manager.stats(), null).nfs());
    }

    void nf(Context ctx) {
        ctx.json(nfView(slot(ctx)));
    }

    void pause(Context ctx) {
        changeState(ctx, true);
    }

    void resume(Context ctx) {
        changeState(ctx, false);
    }

    // Pause or resume, then wait (bounded) for the NF to say it did: 200 with the new state, else 202.
    private void changeState(Context ctx, boolean pause) {
        int slot = registeredSlot(ctx);
        if (!manager.registry().pause(slot, pause)) {
            throw ApiException.notFound("slot", "the NF in slot " + slot + " is gone; GET /api/v1/nfs lists the NFs");
        }
        String wanted = (pause ? NfState.PAUSED : NfState.RUNNING).name().toLowerCase();
        NfView view = awaitState(slot, wanted);
        ctx.status(view.state().equals(wanted) ? 200 : 202).json(view);
    }

    /** DELETE /api/v1/nfs/{slot}: the NF drains, says bye, and its slot is reclaimed. */
    void stop(Context ctx) {
        int slot = registeredSlot(ctx);
        if (!manager.registry().stop(slot)) {
            throw ApiException.notFound("slot", "the NF in slot " + slot + " is gone; GET /api/v1/nfs lists the NFs");
        }
        NfView view = awaitGone(slot);
        ctx.status(202).json(view);
    }

    private NfView awaitState(int slot, String state) {
        long deadline = System.nanoTime() + STATE_WAIT_NANOS;
        NfView view = nfView(slot);
        while (!view.state().equals(state) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
            view = nfView(slot);
        }
        return view;
    }

    // Until the NF left RUNNING/PAUSED (stopping, dead or free), bounded.
    private NfView awaitGone(int slot) {
        long deadline = System.nanoTime() + STATE_WAIT_NANOS;
        NfView view = nfView(slot);
        while ((view.state().equals("running") || view.state().equals("paused")) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
            view = nfView(slot);
        }
        return view;
    }

    // ---- chains

    void chains(Context ctx) {
        ctx.json(views.chains(manager.defaultChain()));
    }

    void chain(Context ctx) {
        ctx.json(chain("chain", ctx.pathParam("chain"), 404));
    }

    void defaultChain(Context ctx) {
        ctx.json(views.chains(manager.defaultChain()).get(manager.defaultChain()));
    }

    /** PUT /api/v1/default-chain {"chain": NAME|ID}: new packets take that chain; packets in flight finish theirs. */
    void setDefaultChain(Context ctx) {
        JsonBody body = JsonBody.parse(ctx.contentType(), ctx.body(), "{\"chain\": \"web\"}", false, "chain");
        String ref = JsonBody.required(body.nameOrId("chain"), "chain", "the chain's name or id, for example"
                + " {\"chain\": \"web\"}");
        ChainView chain = chain("chain", ref, 400);
        manager.defaultChain(chain.id());
        ctx.json(views.chains(manager.defaultChain()).get(chain.id()));
    }

    private ChainView chain(String field, String ref, int status) {
        List<ChainView> all = views.chains(manager.defaultChain());
        return all.stream().filter(c -> c.name().equals(ref) || Integer.toString(c.id()).equals(ref)).findFirst()
                .orElseThrow(() -> new ApiException(status, field, "no chain named '" + ref + "'; chains: "
                        + names(all.stream().map(c -> c.name() + " (" + c.id() + ")").toList())));
    }

    // ---- flow rules

    /** GET /api/v1/flows: the rules in the order they are tried, and the flow table's counters. */
    void flows(Context ctx) {
        FlowDirector flows = manager.flows();
        FlowTable table = flows.table();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rules", flows.rules().stream().map(r -> FlowRuleView.of(r, flows.names())).toList());
        out.put("table", new FlowTableView(table.entryCapacity(), table.ruleCapacity(), table.live(),
                table.inserted(), table.aged(), table.full(), table.steered()));
        ctx.json(out);
    }

    /** GET /api/v1/flows/{id}. */
    void flow(Context ctx) {
        ctx.json(FlowRuleView.of(rule(ctx.pathParam("id")), manager.flows().names()));
    }

    /** POST /api/v1/flows {match fields, priority, chain|service|drop}: 201 with the rule, its id assigned. */
    void addFlow(Context ctx) {
        String example = "{\"protocol\": \"tcp\", \"dst\": \"10.0.0.0/8\", \"dst_port\": \"80\", \"chain\": \"web\"}";
        JsonBody body = JsonBody.parse(ctx.contentType(), ctx.body(), example, false,
                "priority", "protocol", "src", "dst", "src_port", "dst_port", "chain", "service", "drop");
        FlowRuleSpec spec = new FlowRuleSpec(body.integer("priority").orElse(null), body.nameOrId("protocol").orElse(null),
                body.text("src").orElse(null), body.text("dst").orElse(null), body.nameOrId("src_port").orElse(null),
                body.nameOrId("dst_port").orElse(null), body.nameOrId("chain").orElse(null),
                body.nameOrId("service").orElse(null), body.bool("drop").orElse(null));
        FlowRule added;
        try {
            added = manager.flows().add(spec);
        } catch (FlowRuleException e) {
            int status = e.field().equals("priority") || e.field().equals("rules") ? 409 : 400;
            throw new ApiException(status, JSON_FIELDS.getOrDefault(e.field(), e.field()), e.getMessage());
        }
        ctx.status(201).json(FlowRuleView.of(added, manager.flows().names()));
    }

    /** DELETE /api/v1/flows/{id}: the rule goes; flows it sent somewhere are classified again on their next packet. */
    void removeFlow(Context ctx) {
        FlowRule rule = rule(ctx.pathParam("id"));
        manager.flows().remove(rule.id());
        ctx.json(FlowRuleView.of(rule, manager.flows().names()));
    }

    /** Rule fields by their names in JSON (errors name what the client sent). */
    private static final Map<String, String> JSON_FIELDS = Map.of("srcPort", "src_port", "dstPort", "dst_port");

    private FlowRule rule(String ref) {
        List<FlowRule> rules = manager.flows().rules();
        return rules.stream().filter(r -> Integer.toString(r.id()).equals(ref)).findFirst()
                .orElseThrow(() -> ApiException.notFound("id", "no flow rule has id '" + ref + "'; rules: "
                        + names(rules.stream().map(r -> Integer.toString(r.id())).toList())));
    }

    // ---- drops and pool

    void drops(Context ctx) {
        StatsSnapshot s = manager.stats();
        StatsView view = Views.stats(s, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", view.drops());
        Map<String, Map<String, Long>> byNf = new LinkedHashMap<>();
        view.nfs().forEach(nf -> byNf.put(Integer.toString(nf.slot()), nf.dropsByReason()));
        out.put("nfs", byNf);
        Map<String, Map<String, Long>> byPort = new LinkedHashMap<>();
        view.ports().forEach(p -> byPort.put(p.name(), p.drops()));
        out.put("ports", byPort);
        ctx.json(out);
    }

    void pool(Context ctx) {
        ctx.json(Views.stats(manager.stats(), null).pool());
    }

    // ---- path parameters

    private int serviceId(Context ctx) {
        String ref = ctx.pathParam("service");
        int id = services.find(ref);
        if (id < 0) {
            List<String> known = new ArrayList<>();
            views.services().forEach(s -> known.add(s.name() + " (" + s.id() + ")"));
            throw ApiException.notFound("service", "no service named '" + ref + "'; services: " + names(known));
        }
        return id;
    }

    private int slot(Context ctx) {
        String text = ctx.pathParam("slot");
        int slot;
        try {
            slot = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("slot", "'" + text + "' is not an NF slot number; GET /api/v1/nfs lists"
                    + " the slots");
        }
        if (slot < 0 || slot >= manager.region().layout().nfSlots()) {
            throw ApiException.notFound("slot", "slot " + slot + " does not exist; slots run 0.."
                    + (manager.region().layout().nfSlots() - 1));
        }
        return slot;
    }

    // A slot with a registered NF that runs or is paused: what pause, resume and stop act on. One still starting is
    // refused: it handles control messages only once its loop exists.
    private int registeredSlot(Context ctx) {
        int slot = slot(ctx);
        if (manager.registry().nfs().stream().noneMatch(nf -> nf.slot() == slot)) {
            throw ApiException.notFound("slot", "no NF is registered in slot " + slot + "; GET /api/v1/nfs lists"
                    + " the NFs");
        }
        String state = nfView(slot).state();
        if (!state.equals("running") && !state.equals("paused")) {
            throw ApiException.conflict("slot", "the NF in slot " + slot + " is " + state
                    + (state.equals("starting") ? "; try again once it runs" : "; it is on its way out"));
        }
        return slot;
    }

    private NfView nfView(int slot) {
        List<NfView> all = Views.stats(manager.stats(), null).nfs();
        return all.stream().filter(v -> v.slot() == slot).findFirst()
                .orElseThrow(() -> ApiException.notFound("slot", "no NF in slot " + slot + "; NFs are in slots "
                        + names(all.stream().map(v -> Integer.toString(v.slot())).toList())));
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}

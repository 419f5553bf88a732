package org.jnetvm.ops.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.ops.view.StatsView.NfView;
import org.jnetvm.ops.view.StatsView.PoolView;
import org.jnetvm.ops.view.StatsView.PortView;
import org.jnetvm.ops.view.TopologyView.ChainView;
import org.jnetvm.ops.view.TopologyView.ServiceView;

/**
 * Makes the views of one region from its shared-memory tables and {@link StatsSnapshot}s: the REST API and the event
 * stream in the manager, and {@code jnetvm stats} in a process of its own, use this one class, so every surface shows
 * the same names and numbers. Reads only; any thread (it keeps no state between calls).
 */
public final class Views {
    /** The JSON mapper of every view: snake_case names, nulls left out, as the rest of the CLI's JSON. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private final ServiceTable services;
    private final ChainTable chains;

    public Views(Region region) {
        this.services = new ServiceTable(region);
        this.chains = new ChainTable(region);
    }

    /** The counters of {@code now}, with rates against {@code before} when it is not null. */
    public static StatsView stats(StatsSnapshot now, StatsSnapshot before) {
        double seconds = before == null ? 0 : (now.nanos() - before.nanos()) / 1e9;
        Map<Integer, StatsSnapshot.Port> portsBefore = before == null ? Map.of()
                : before.ports().stream().collect(Collectors.toMap(StatsSnapshot.Port::id, Function.identity()));
        Map<Integer, StatsSnapshot.Nf> nfsBefore = before == null ? Map.of()
                : before.nfs().stream().collect(Collectors.toMap(StatsSnapshot.Nf::slot, Function.identity()));
        List<PortView> ports = new ArrayList<>();
        for (StatsSnapshot.Port p : now.ports()) {
            StatsSnapshot.Port old = portsBefore.get(p.id());
            ports.add(new PortView(p.id(), p.name(), p.kind(), p.rxPackets(), p.rxBytes(), p.txPackets(), p.txBytes(),
                    p.rxDrops(), labels(p.dropsByReason()),
                    Rates.perSecond(old == null ? null : old.rxPackets(), p.rxPackets(), seconds),
                    Rates.perSecond(old == null ? null : old.txPackets(), p.txPackets(), seconds)));
        }
        List<NfView> nfs = new ArrayList<>();
        for (StatsSnapshot.Nf nf : now.nfs()) {
            if (now.perFlow(nf.serviceId())) {
                continue; // shown as its pool
            }
            StatsSnapshot.Nf old = nfsBefore.get(nf.slot());
            nfs.add(new NfView(nf.slot(), nf.name(), nf.serviceId(), nf.serviceName(), nf.instanceId(), nf.pid(),
                    nf.state(), nf.rxPackets(), nf.txPackets(), nf.drops(), labels(nf.dropsByReason()), nf.rxQueue(),
                    nf.txQueue(), nf.ringCapacity(), nf.sleeps(), nf.messagesSent(), nf.messagesRefused(),
                    nf.costPicos() == 0 ? null : nf.costPicos() / 1000.0, nf.rxRefused(),
                    nf.cpuShare() == 0 ? null : nf.cpuShare(),
                    Rates.perSecond(old == null ? null : old.rxPackets(), nf.rxPackets(), seconds),
                    Rates.perSecond(old == null ? null : old.txPackets(), nf.txPackets(), seconds),
                    Rates.perSecond(old == null ? null : old.arrivals(), nf.arrivals(), seconds)));
        }
        Map<Integer, StatsSnapshot.Chain> chainsBefore = before == null ? Map.of()
                : before.chains().stream().collect(Collectors.toMap(StatsSnapshot.Chain::id, Function.identity()));
        List<StatsView.ChainStatsView> chainStats = new ArrayList<>();
        for (StatsSnapshot.Chain c : now.chains()) {
            StatsSnapshot.Chain old = chainsBefore.get(c.id());
            chainStats.add(new StatsView.ChainStatsView(c.id(), c.name(), c.throttled(),
                    c.throttled() ? c.bottleneckSlot() : null, c.backpressureDrops(), c.ecnMarked(),
                    Rates.perSecond(old == null ? null : old.backpressureDrops(), c.backpressureDrops(), seconds)));
        }
        Map<String, Double> dropRates = null;
        if (before != null) {
            dropRates = new LinkedHashMap<>();
            for (DropReason reason : DropReason.values()) {
                dropRates.put(reason.label, Rates.perSecond(before.drops().get(reason), now.drops().get(reason), seconds));
            }
        }
        Map<List<Integer>, Long> hopsBefore = new HashMap<>();
        if (before != null) {
            before.hops().forEach(h -> hopsBefore.put(hopKey(h), h.packets()));
        }
        List<StatsView.HopView> hops = new ArrayList<>();
        for (StatsSnapshot.Hop h : now.hops()) {
            hops.add(new StatsView.HopView(h.fromLabel(), Math.max(0, h.fromService()), h.toLabel(),
                    h.other() || h.toPort() >= 0 ? null : h.toService(), h.toPort() >= 0 ? h.toPort() : null, h.packets(),
                    Rates.perSecond(before == null ? null : hopsBefore.getOrDefault(hopKey(h), 0L), h.packets(), seconds)));
        }
        Map<Integer, Long> activationsBefore = new HashMap<>();
        if (before != null) {
            before.flowPools().forEach(p -> activationsBefore.put(p.serviceId(), p.activations()));
        }
        List<StatsView.FlowPoolView> flowPools = new ArrayList<>();
        for (StatsSnapshot.FlowPool p : now.flowPools()) {
            flowPools.add(new StatsView.FlowPoolView(p.serviceId(), p.service(), p.instances(), p.live(), p.idle(),
                    p.activations(), p.ended(), p.poolFull(), p.failed(),
                    Rates.perSecond(before == null ? null : activationsBefore.getOrDefault(p.serviceId(), 0L),
                            p.activations(), seconds)));
        }
        var pool = now.pool();
        return new StatsView(System.currentTimeMillis() - (System.nanoTime() - now.nanos()) / 1_000_000,
                before == null ? null : seconds, ports, nfs, allReasons(now.drops()), dropRates,
                new PoolView(pool.total(), pool.free(), pool.cached(), pool.inFlight()), now.ringCapacity(), chainStats,
                hops, flowPools);
    }

    private static List<Integer> hopKey(StatsSnapshot.Hop h) {
        return List.of(h.fromService(), h.toService(), h.toPort());
    }

    /** Every defined service with its live instances' slots and the chains it is on. */
    public List<ServiceView> services() {
        List<ChainView> chainList = chains(-1);
        List<ServiceView> list = new ArrayList<>();
        for (int id = 1; id <= services.maxServiceId(); id++) {
            if (!services.defined(id)) {
                continue;
            }
            List<Integer> slots = new ArrayList<>();
            int count = services.instanceCount(id);
            for (int k = 0; k < count; k++) {
                slots.add(services.slot(id, k));
            }
            int service = id;
            list.add(new ServiceView(id, services.name(id), slots, chainList.stream()
                    .filter(c -> c.serviceIds().contains(service)).map(ChainView::name).toList()));
        }
        return list;
    }

    /**
     * Every chain in the table: chain 0, then each with a name. {@code defaultChain} marks the one unclassified
     * packets take, or is negative where that is not known (outside the manager).
     */
    public List<ChainView> chains(int defaultChain) {
        Map<Integer, String> names = new HashMap<>();
        List<ChainView> list = new ArrayList<>();
        for (int id = 0; id < chains.chainCount(); id++) {
            String name = chains.name(id);
            if (id != ChainTable.DEFAULT_CHAIN && name.isEmpty()) {
                continue;
            }
            int length = chains.length(id);
            List<Integer> ids = new ArrayList<>(length);
            List<String> serviceNames = new ArrayList<>(length);
            for (int k = 0; k < length; k++) {
                int service = chains.service(id, k);
                ids.add(service);
                serviceNames.add(names.computeIfAbsent(service, s -> services.valid(s) ? services.name(s) : "?" + s));
            }
            list.add(new ChainView(id, name, serviceNames, ids, defaultChain < 0 ? null : id == defaultChain));
        }
        return list;
    }

    // Reason labels of the non-zero counts, in code order.
    private static Map<String, Long> labels(Map<DropReason, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((reason, n) -> out.put(reason.label, n));
        return out;
    }

    // Every reason, zero or not: the totals are what an operator scans for.
    private static Map<String, Long> allReasons(Map<DropReason, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            out.put(reason.label, counts.getOrDefault(reason, 0L));
        }
        return out;
    }
}

package org.jnetvm.core.stats;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.ServiceDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.table.ThreadDescriptor;
import org.jnetvm.core.table.ThreadTable;

/**
 * Reads every counter of a region straight from shared memory, from any process, without
 * disturbing the data plane (VPP's stats segment): only loads, no locks, no messages.
 * Counters are cumulative; rates come from two snapshots.
 */
public final class StatsReader {
    private final NfTable nfs;
    private final ServiceTable services;
    private final PortTable ports;
    private final org.jnetvm.core.msg.Messages messages;
    private final ThreadTable threads;
    private final ChainTable chains;
    private final PacketPool pool;
    private final int ringCapacity;
    private final RegionLayout layout;
    private final MemorySegment segment;
    private final int portCount;

    public StatsReader(Region region) {
        this.nfs = new NfTable(region);
        this.services = new ServiceTable(region);
        this.messages = new org.jnetvm.core.msg.Messages(region);
        this.ports = new PortTable(region);
        this.threads = new ThreadTable(region);
        this.chains = new ChainTable(region);
        this.pool = new PacketPool(region);
        this.ringCapacity = region.layout().ringCapacity();
        this.layout = region.layout();
        this.segment = region.segment();
        this.portCount = region.layout().portCount();
    }

    public StatsSnapshot snapshot() {
        long now = System.nanoTime();
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            long sum = threads.drops(reason);
            for (int p = 0; p < ports.portCount(); p++) {
                sum += ports.drops(p, reason);
            }
            for (int s = 0; s < nfs.slots(); s++) {
                sum += nfs.drops(s, reason);
            }
            drops.put(reason, sum);
        }
        List<StatsSnapshot.Nf> nfList = new ArrayList<>();
        for (int s = 0; s < nfs.slots(); s++) {
            int slot = s;
            int state = nfs.state(s);
            long rx = nfs.counter(s, NfSlotDescriptor.RX_PACKETS);
            if (state == NfState.FREE.code && rx == 0) {
                continue;
            }
            int service = nfs.serviceId(s);
            boolean live = state != NfState.FREE.code;
            nfList.add(new StatsSnapshot.Nf(s, nfs.name(s), service, services.valid(service) ? services.name(service) : "",
                    nfs.instanceId(s), nfs.pid(s), NfState.ofCode(state).name().toLowerCase(), rx,
                    nfs.counter(s, NfSlotDescriptor.TX_PACKETS), nfs.drops(s),
                    live ? nfs.rxRing(s).size() : 0, live ? nfs.txRing(s).size() : 0,
                    nfs.counter(s, NfSlotDescriptor.SLEEPS), messages.sent(s), messages.refused(s),
                    nfs.costPicos(s), nfs.counter(s, NfSlotDescriptor.RX_REFUSED), nfs.cpuShare(s),
                    nonZero(reason -> nfs.drops(slot, reason)), layout.ringCapacity(s)));
        }
        List<StatsSnapshot.Port> portList = new ArrayList<>();
        for (int p = 0; p < ports.portCount(); p++) {
            if (!ports.inUse(p)) {
                continue;
            }
            long txBytes = 0;
            for (int t = 0; t < threads.threadCount(); t++) {
                txBytes += threads.txBytes(t, p);
            }
            int port = p;
            Map<DropReason, Long> portDrops = nonZero(reason -> ports.drops(port, reason));
            long rxDrops = portDrops.values().stream().mapToLong(Long::longValue).sum();
            portList.add(new StatsSnapshot.Port(p, ports.name(p), ports.kind(p), ports.rxPackets(p), ports.rxBytes(p),
                    threads.portTxPackets(p), txBytes, rxDrops, portDrops));
        }
        List<StatsSnapshot.Chain> chainList = new ArrayList<>();
        for (int c = 0; c < chains.chainCount(); c++) {
            int length = chains.length(c);
            if (length == 0) {
                continue;
            }
            List<Integer> members = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                members.add(chains.service(c, i));
            }
            boolean throttled = chains.throttled(c);
            chainList.add(new StatsSnapshot.Chain(c, chains.name(c), List.copyOf(members), throttled,
                    throttled ? chains.bottleneck(c) : -1, chains.backpressureDrops(c), chains.ecnMarked(c)));
        }
        return new StatsSnapshot(now, nfList, portList, drops, pool.audit(), ringCapacity, List.copyOf(chainList),
                hops(), flowPools());
    }

    private List<StatsSnapshot.FlowPool> flowPools() {
        List<StatsSnapshot.FlowPool> pools = new ArrayList<>();
        for (int id = 1; id <= services.maxServiceId(); id++) {
            if (!services.defined(id) || !services.perFlow(id)) {
                continue;
            }
            long failed = 0;
            for (int s = 0; s < nfs.slots(); s++) {
                if (nfs.serviceId(s) == id) {
                    failed += nfs.counter(s, NfSlotDescriptor.FLOWS_FAILED);
                }
            }
            pools.add(new StatsSnapshot.FlowPool(id, services.name(id), services.instanceCount(id),
                    services.poolLive(id), services.poolIdle(id),
                    services.poolCounter(id, ServiceDescriptor.ACTIVATIONS_OFFSET),
                    services.poolCounter(id, ServiceDescriptor.ENDED_OFFSET),
                    services.poolCounter(id, ServiceDescriptor.POOL_FULL_OFFSET), failed));
        }
        return List.copyOf(pools);
    }

    private List<StatsSnapshot.Hop> hops() {
        Map<Long, Long> sums = new HashMap<>();
        for (int s = 0; s < nfs.slots(); s++) {
            HopCounters.sumInto(segment, nfs.offset(s) + NfSlotDescriptor.HOPS_OFFSET, sums);
        }
        for (int t = 0; t < threads.threadCount(); t++) {
            HopCounters.sumInto(segment, threads.offset(t) + ThreadDescriptor.hops(portCount), sums);
        }
        List<StatsSnapshot.Hop> hops = new ArrayList<>(sums.size());
        sums.forEach((hop, packets) -> {
            int from = HopCounters.fromOf(hop);
            int to = HopCounters.toOf(hop);
            if (from == HopCounters.OTHER) {
                hops.add(new StatsSnapshot.Hop(-1, "", -1, -1, "", packets));
            } else {
                int port = HopCounters.portOf(to);
                hops.add(new StatsSnapshot.Hop(from, serviceName(from), port >= 0 ? 0 : to, port,
                        port >= 0 ? (port < ports.portCount() ? ports.name(port) : "") : serviceName(to), packets));
            }
        });
        hops.sort(Comparator.comparingInt(StatsSnapshot.Hop::fromService)
                .thenComparingInt(StatsSnapshot.Hop::toService).thenComparingInt(StatsSnapshot.Hop::toPort));
        return List.copyOf(hops);
    }

    private String serviceName(int id) {
        return id != HopCounters.ENTRY && services.valid(id) ? services.name(id) : "";
    }

    // The reasons with a count above zero, in code order.
    private static Map<DropReason, Long> nonZero(ToLongFunction<DropReason> count) {
        Map<DropReason, Long> counts = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            long n = count.applyAsLong(reason);
            if (n != 0) {
                counts.put(reason, n);
            }
        }
        return counts;
    }
}

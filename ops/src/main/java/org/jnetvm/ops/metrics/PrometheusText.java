package org.jnetvm.ops.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;

/**
 * Writes a {@link StatsSnapshot} in the Prometheus text exposition format (version 0.0.4), what {@code GET /metrics}
 * serves. Labels: {@code port} (and {@code kind}) on port series; {@code service}, {@code instance}, {@code slot} and
 * {@code nf} on NF series; {@code chain} on chain series; {@code reason} on drop series; {@code from}, {@code to}
 * and {@code to_kind} on hop series.
 *
 * <p>Why not a Micrometer registry: every counter already lives in shared memory, written by the data plane and read
 * with {@link org.jnetvm.core.stats.StatsReader}; NFs come and go at run time. A registry would need meters registered
 * and removed as NFs change, and would only copy numbers the snapshot already has. Written straight from one snapshot,
 * a scrape is one consistent read, and there is no second copy to drift (VPP's exporter does the same with its stats
 * segment). {@code promtool check metrics} checks the output in {@code MetricsTest}.
 *
 * <p>Note for scrape configs: Prometheus sets its own {@code instance} label (the target); keep ours with
 * {@code honor_labels: true}, or find it as {@code exported_instance}.
 *
 * <p>Stateless; any thread.
 */
public final class PrometheusText {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** The whole exposition of {@code s}. */
    public static String write(StatsSnapshot s) {
        StringBuilder out = new StringBuilder(4096 + 512 * s.nfs().size());
        List<StatsSnapshot.Port> ports = s.ports();
        portCounter(out, ports, "jnetvm_port_rx_packets_total", "Frames a port received.", StatsSnapshot.Port::rxPackets);
        portCounter(out, ports, "jnetvm_port_rx_bytes_total", "Bytes of the frames a port received.",
                StatsSnapshot.Port::rxBytes);
        portCounter(out, ports, "jnetvm_port_tx_packets_total", "Frames sent out of a port.",
                StatsSnapshot.Port::txPackets);
        portCounter(out, ports, "jnetvm_port_tx_bytes_total", "Bytes of the frames sent out of a port.",
                StatsSnapshot.Port::txBytes);
        family(out, "jnetvm_port_drops_total", "counter", "Frames a port refused on receive, by reason.");
        for (StatsSnapshot.Port p : ports) {
            for (DropReason reason : DropReason.values()) {
                sample(out, "jnetvm_port_drops_total", p.dropsByReason().getOrDefault(reason, 0L),
                        "port", p.name(), "reason", reason.label);
            }
        }

        // The NFs of per-flow services are thousands of short-lived instances: their pool's series stand for them.
        List<StatsSnapshot.Nf> nfs = s.nfs().stream().filter(nf -> !s.perFlow(nf.serviceId())).toList();
        nfCounter(out, nfs, "jnetvm_nf_rx_packets_total", "counter", "Packets an NF took from its rx ring.",
                StatsSnapshot.Nf::rxPackets);
        nfCounter(out, nfs, "jnetvm_nf_tx_packets_total", "counter", "Packets an NF handed on (next NF, port or tx ring).",
                StatsSnapshot.Nf::txPackets);
        nfCounter(out, nfs, "jnetvm_nf_sleeps_total", "counter", "Times an NF went to sleep on its doorbell (idle).",
                StatsSnapshot.Nf::sleeps);
        nfCounter(out, nfs, "jnetvm_nf_messages_sent_total", "counter", "Messages an NF sent into another's inbox.",
                StatsSnapshot.Nf::messagesSent);
        nfCounter(out, nfs, "jnetvm_nf_messages_refused_total", "counter",
                "Messages an NF could not deliver (the inbox was full, or no NF there).", StatsSnapshot.Nf::messagesRefused);
        nfCounter(out, nfs, "jnetvm_nf_rx_queue_packets", "gauge", "Packets waiting in an NF's rx ring.",
                StatsSnapshot.Nf::rxQueue);
        nfCounter(out, nfs, "jnetvm_nf_tx_queue_packets", "gauge", "Packets waiting in an NF's tx ring.",
                StatsSnapshot.Nf::txQueue);
        nfCounter(out, nfs, "jnetvm_nf_rx_refused_total", "counter",
                "Packets producers could not put in an NF's full rx ring (its arrivals are rx + refused).",
                StatsSnapshot.Nf::rxRefused);
        family(out, "jnetvm_nf_cost_seconds", "gauge",
                "An NF's median processing cost per packet (sampled, one burst in 64); 0 before it was measured.");
        for (StatsSnapshot.Nf nf : nfs) {
            out.append("jnetvm_nf_cost_seconds");
            labels(out, "service", nf.serviceName(), "instance", Integer.toString(nf.instanceId()), "slot",
                    Integer.toString(nf.slot()), "nf", nf.name());
            out.append(' ').append(nf.costPicos() / 1e12).append('\n');
        }
        nfCounter(out, nfs, "jnetvm_nf_cpu_share", "gauge",
                "The cpu share (cgroup v1 units) the scheduler wrote to an NF's cgroup; 0 for none.",
                StatsSnapshot.Nf::cpuShare);
        family(out, "jnetvm_nf_drops_total", "counter", "Packets an NF dropped or could not hand on, by reason.");
        for (StatsSnapshot.Nf nf : nfs) {
            for (DropReason reason : DropReason.values()) {
                sample(out, "jnetvm_nf_drops_total", nf.dropsByReason().getOrDefault(reason, 0L), "service",
                        nf.serviceName(), "instance", Integer.toString(nf.instanceId()), "slot",
                        Integer.toString(nf.slot()), "nf", nf.name(), "reason", reason.label);
            }
        }
        family(out, "jnetvm_nf_state", "gauge", "1 for each NF slot, labelled with its state (starting, running,"
                + " paused, stopping, dead, free).");
        for (StatsSnapshot.Nf nf : nfs) {
            sample(out, "jnetvm_nf_state", 1, "service", nf.serviceName(), "instance", Integer.toString(nf.instanceId()),
                    "slot", Integer.toString(nf.slot()), "nf", nf.name(), "state", nf.state());
        }
        family(out, "jnetvm_nf_ring_capacity_packets", "gauge", "Slots of each NF rx and tx ring.");
        sample(out, "jnetvm_nf_ring_capacity_packets", s.ringCapacity());

        List<StatsSnapshot.Chain> chains = s.chains();
        chainSeries(out, chains, "jnetvm_chain_backpressure", "gauge",
                "1 while backpressure throttles a chain at entry (an NF on it is past the high watermark).",
                c -> c.throttled() ? 1 : 0);
        chainSeries(out, chains, "jnetvm_chain_backpressure_drops_total", "counter",
                "Packets of a chain dropped at entry by backpressure.", StatsSnapshot.Chain::backpressureDrops);
        chainSeries(out, chains, "jnetvm_chain_ecn_marked_total", "counter",
                "Packets of a chain marked ECN CE at entry instead of dropped.", StatsSnapshot.Chain::ecnMarked);

        family(out, "jnetvm_hop_packets_total", "counter", "Packets handed from a service (or \"ports in\") to a service"
                + " or out of a port: every hop packets took, TONF and flow-rule steering included.");
        for (StatsSnapshot.Hop h : s.hops()) {
            sample(out, "jnetvm_hop_packets_total", h.packets(), "from", h.fromLabel(), "to", h.toLabel(), "to_kind",
                    h.other() ? "other" : h.toPort() >= 0 ? "port" : "service");
        }

        poolSeries(out, s.flowPools(), "jnetvm_flow_pool_instances", "gauge",
                "Instances of a per-flow service, by what they do now.", null);
        for (StatsSnapshot.FlowPool p : s.flowPools()) {
            sample(out, "jnetvm_flow_pool_instances", p.live(), "service", p.service(), "state", "live");
            sample(out, "jnetvm_flow_pool_instances", p.idle(), "service", p.service(), "state", "idle");
        }
        poolSeries(out, s.flowPools(), "jnetvm_flow_pool_activations_total", "counter",
                "Flows of a per-flow service given an instance of their own.", StatsSnapshot.FlowPool::activations);
        poolSeries(out, s.flowPools(), "jnetvm_flow_pool_ended_total", "counter",
                "Flows of a per-flow service that ended, their instance recycled.", StatsSnapshot.FlowPool::ended);
        poolSeries(out, s.flowPools(), "jnetvm_flow_pool_full_total", "counter",
                "New flows of a per-flow service refused: no idle instance.", StatsSnapshot.FlowPool::poolFull);
        poolSeries(out, s.flowPools(), "jnetvm_flow_pool_failed_total", "counter",
                "Flows of a per-flow service whose handler threw.", StatsSnapshot.FlowPool::failed);

        family(out, "jnetvm_drops_total", "counter", "Packets dropped anywhere (NFs, manager threads, ports), by reason.");
        for (Map.Entry<DropReason, Long> e : s.drops().entrySet()) {
            sample(out, "jnetvm_drops_total", e.getValue(), "reason", e.getKey().label);
        }
        family(out, "jnetvm_pool_buffers", "gauge", "Packet buffers of the pool by where they are.");
        var pool = s.pool();
        sample(out, "jnetvm_pool_buffers", pool.free(), "state", "free");
        sample(out, "jnetvm_pool_buffers", pool.cached(), "state", "cached");
        sample(out, "jnetvm_pool_buffers", pool.inFlight(), "state", "in_flight");
        family(out, "jnetvm_pool_capacity_buffers", "gauge", "Packet buffers in the pool in all.");
        sample(out, "jnetvm_pool_capacity_buffers", pool.total());
        return out.toString();
    }

    private static void portCounter(StringBuilder out, List<StatsSnapshot.Port> ports, String name, String help,
                                    ToLongFunction<StatsSnapshot.Port> value) {
        family(out, name, "counter", help);
        for (StatsSnapshot.Port p : ports) {
            sample(out, name, value.applyAsLong(p), "port", p.name(), "kind", p.kind());
        }
    }

    private static void nfCounter(StringBuilder out, List<StatsSnapshot.Nf> nfs, String name, String type, String help,
                                  ToLongFunction<StatsSnapshot.Nf> value) {
        family(out, name, type, help);
        for (StatsSnapshot.Nf nf : nfs) {
            sample(out, name, value.applyAsLong(nf), "service", nf.serviceName(), "instance",
                    Integer.toString(nf.instanceId()), "slot", Integer.toString(nf.slot()), "nf", nf.name());
        }
    }

    private static void chainSeries(StringBuilder out, List<StatsSnapshot.Chain> chains, String name, String type,
                                    String help, ToLongFunction<StatsSnapshot.Chain> value) {
        family(out, name, type, help);
        for (StatsSnapshot.Chain c : chains) {
            sample(out, name, value.applyAsLong(c), "chain", c.name());
        }
    }

    // A family of one series per pool; with a null value, only the family's header (the caller writes the samples).
    private static void poolSeries(StringBuilder out, List<StatsSnapshot.FlowPool> pools, String name, String type,
                                   String help, ToLongFunction<StatsSnapshot.FlowPool> value) {
        if (pools.isEmpty()) {
            return;
        }
        family(out, name, type, help);
        for (StatsSnapshot.FlowPool p : value == null ? List.<StatsSnapshot.FlowPool>of() : pools) {
            sample(out, name, value.applyAsLong(p), "service", p.service());
        }
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    // labels: name, value, name, value, ...
    private static void sample(StringBuilder out, String name, long value, String... labels) {
        out.append(name);
        labels(out, labels);
        out.append(' ').append(value).append('\n');
    }

    private static void labels(StringBuilder out, String... labels) {
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(out, labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
    }

    // The format's label value escapes: backslash, double quote, line feed.
    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}

package org.jnetvm.ops.view;

import java.util.List;
import java.util.Map;

/**
 * Every counter of a region at one moment, as the REST API ({@code GET /api/v1/stats}), the dashboard's event stream
 * and {@code jnetvm stats --json} print it. Rates are present when the view was made from two snapshots.
 *
 * @param timeMs        wall-clock time of the snapshot, ms since the epoch
 * @param intervalS     seconds since the earlier snapshot the rates come from; null without one
 * @param ports         open ports
 * @param nfs           NF slots in use, and freed ones that counted something, but those of per-flow services
 *                      (thousands of them: their pool stands for them in {@code flowPools})
 * @param drops         drops per reason, over NFs, manager threads and ports
 * @param dropRates     drops per second per reason; null without an earlier snapshot
 * @param pool          where the pool's buffers are
 * @param ringCapacity  slots of each NF ring
 * @param chains        each chain's backpressure: throttled now, and its packets dropped or ECN-marked at entry
 * @param hops          every hop packets took (port to service, service to service, service to port), with rates
 * @param flowPools     each per-flow service's pool of instances
 */
public record StatsView(long timeMs, Double intervalS, List<PortView> ports, List<NfView> nfs, Map<String, Long> drops,
                        Map<String, Double> dropRates, PoolView pool, int ringCapacity, List<ChainStatsView> chains,
                        List<HopView> hops, List<FlowPoolView> flowPools) {

    /**
     * A per-flow service's pool (Flurries): its instances, those serving a flow now ({@code live}) and those waiting
     * for one ({@code idle}); flows given an instance, ended (instance recycled), refused for want of an idle instance
     * ({@code poolFull}, also in the pool_full drops), and failed (the handler threw); new flows per second with an
     * earlier snapshot.
     */
    public record FlowPoolView(int serviceId, String service, int instances, int live, int idle, long activations,
                               long ended, long poolFull, long failed, Double activationsPerS) {
    }

    /**
     * Packets handed from service {@code from} (id {@code fromService}; 0 and "ports in": they entered from a port)
     * to service {@code to} (id {@code toService}) or out of port {@code to} (id {@code toPort}); null ids where the
     * other kind is meant. {@code pps} null without an earlier snapshot. A hop with {@code from} and {@code to}
     * "other" sums what found no hop counter (a writer that handed to more than 15 places).
     */
    public record HopView(String from, int fromService, String to, Integer toService, Integer toPort, long packets,
                          Double pps) {
    }

    /** One port's counters; rates null without an earlier snapshot. */
    public record PortView(int id, String name, String kind, long rxPackets, long rxBytes, long txPackets,
                           long txBytes, long rxDrops, Map<String, Long> drops, Double rxPps, Double txPps) {
    }

    /**
     * One NF slot: who is there, its state, its rings' occupancy and its counters; {@code costNs} its median
     * processing cost per packet (null before it was measured), {@code rxRefused} packets its full rx ring refused,
     * {@code cpuShare} the cpu share the scheduler gave its cgroup (null: none), {@code arrivalPps} packets arriving
     * for it per second, taken or refused (the load the share is computed from).
     */
    public record NfView(int slot, String nf, int serviceId, String service, int instance, long pid, String state,
                         long rxPackets, long txPackets, long drops, Map<String, Long> dropsByReason, int rxQueue,
                         int txQueue, int ringCapacity, long sleeps, long messagesSent, long messagesRefused,
                         Double costNs, long rxRefused, Integer cpuShare, Double rxPps, Double txPps, Double arrivalPps) {
    }

    /**
     * One chain's backpressure: whether it is throttled at entry now and by which NF slot (null when not), its
     * packets dropped at entry for it, and those ECN-marked instead; the drop rate with an earlier snapshot.
     */
    public record ChainStatsView(int id, String name, boolean throttled, Integer bottleneckSlot, long backpressureDrops,
                                 long ecnMarked, Double backpressurePps) {
    }

    /** The pool's audit: every buffer is free, in a pool cache, or in flight (in a ring or held by an NF). */
    public record PoolView(int total, int free, int cached, int inFlight) {
    }
}

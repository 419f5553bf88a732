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
 * @param nfs           NF slots in use, and freed ones that counted something
 * @param drops         drops per reason, over NFs, manager threads and ports
 * @param dropRates     drops per second per reason; null without an earlier snapshot
 * @param pool          where the pool's buffers are
 * @param ringCapacity  slots of each NF ring
 */
public record StatsView(long timeMs, Double intervalS, List<PortView> ports, List<NfView> nfs, Map<String, Long> drops,
                        Map<String, Double> dropRates, PoolView pool, int ringCapacity) {

    /** One port's counters; rates null without an earlier snapshot. */
    public record PortView(int id, String name, String kind, long rxPackets, long rxBytes, long txPackets,
                           long txBytes, long rxDrops, Map<String, Long> drops, Double rxPps, Double txPps) {
    }

    /** One NF slot: who is there, its state, its rings' occupancy and its counters. */
    public record NfView(int slot, String nf, int serviceId, String service, int instance, long pid, String state,
                         long rxPackets, long txPackets, long drops, Map<String, Long> dropsByReason, int rxQueue,
                         int txQueue, int ringCapacity, long sleeps, long messagesSent, long messagesRefused,
                         Double rxPps, Double txPps) {
    }

    /** The pool's audit: every buffer is free, in a pool cache, or in flight (in a ring or held by an NF). */
    public record PoolView(int total, int free, int cached, int inFlight) {
    }
}

package org.jnetvm.core.stats;

import java.util.List;
import java.util.Map;
import org.jnetvm.core.pool.PoolAudit;

/**
 * Every counter of a region at one moment, as plain values: what the demo's terminal view,
 * {@code jnetvm stats} and the tests read. Made by {@link StatsReader}.
 *
 * @param nanos    System.nanoTime when taken (for rates between two snapshots)
 * @param nfs      NF slots that are not FREE, or that have counted anything
 * @param ports    open ports
 * @param drops    drops per reason, summed over NFs, manager threads and ports
 * @param pool     the pool's audit
 * @param ringCapacity slots of each big NF slot's rx and tx ring (each NF's own is {@link Nf#ringCapacity})
 * @param chains   the chains in use, with their backpressure state
 * @param hops     every hop packets took, summed over the NFs and threads that counted it, in from, to order
 * @param flowPools the per-flow services' pools (their NFs are in {@code nfs} too; surfaces show the pool instead)
 */
public record StatsSnapshot(long nanos, List<Nf> nfs, List<Port> ports, Map<DropReason, Long> drops, PoolAudit pool,
                            int ringCapacity, List<Chain> chains, List<Hop> hops, List<FlowPool> flowPools) {

    /**
     * A per-flow service's pool of instances (Flurries): {@code instances} registered, {@code live} serving a flow
     * now, {@code idle} waiting for one; flows given an instance ({@code activations}), ended and their instance
     * recycled ({@code ended}), refused because no instance was idle ({@code poolFull}), and those whose handler
     * threw ({@code failed}).
     */
    public record FlowPool(int serviceId, String service, int instances, int live, int idle, long activations,
                           long ended, long poolFull, long failed) {
    }

    /** Whether {@code serviceId} is a per-flow service (its NFs are shown as a pool). */
    public boolean perFlow(int serviceId) {
        for (FlowPool p : flowPools) {
            if (p.serviceId() == serviceId) {
                return true;
            }
        }
        return false;
    }

    /**
     * Packets handed from {@code fromService} ({@link HopCounters#ENTRY}: from a port, by an RX thread) to
     * {@code toService} or, where {@code toService} is 0, out of port {@code toPort}; both -1 for the hops that
     * found no counter ({@link HopCounters#OTHER}). {@code from} and {@code to} are the names of those services
     * and that port ("" for a port entry, or for an id the tables no longer name).
     */
    public record Hop(int fromService, String from, int toService, int toPort, String to, long packets) {
        /** What surfaces call where packets entered from a port. */
        public static final String PORTS_IN = "ports in";
        /** What surfaces call both ends of the hop that sums what found no counter. */
        public static final String OTHER = "other";

        public boolean fromPort() {
            return fromService == HopCounters.ENTRY;
        }

        public boolean other() {
            return fromService < 0;
        }

        /** {@code from} for surfaces: the service, {@link #PORTS_IN} or {@link #OTHER}. */
        public String fromLabel() {
            return other() ? OTHER : fromPort() ? PORTS_IN : from;
        }

        /** {@code to} for surfaces: the service or port, or {@link #OTHER}. */
        public String toLabel() {
            return other() ? OTHER : to;
        }
    }

    /**
     * One NF slot; {@code dropsByReason} holds the reasons with a count above zero, summing to {@code drops};
     * {@code messagesSent} and {@code messagesRefused} count the messages it sent (accepted, or refused by a full inbox);
     * {@code costPicos} is its median processing cost per packet (0 before it was measured), {@code rxRefused} the
     * packets producers could not put in its full rx ring, {@code cpuShare} the share the scheduler gave its cgroup
     * (0: none), {@code ringCapacity} the slots of its rx and tx rings (a small NF slot's are fewer).
     */
    public record Nf(int slot, String name, int serviceId, String serviceName, int instanceId, long pid, String state,
                     long rxPackets, long txPackets, long drops, int rxQueue, int txQueue, long sleeps,
                     long messagesSent, long messagesRefused, long costPicos, long rxRefused, int cpuShare,
                     Map<DropReason, Long> dropsByReason, int ringCapacity) {
        /** Packets that arrived for this NF: the ones it took and the ones its full ring refused. */
        public long arrivals() {
            return rxPackets + rxRefused;
        }
    }

    /**
     * One chain: whether backpressure throttles it at entry now (and because of which NF slot), and how many of its
     * packets were dropped or ECN-marked at entry for it.
     */
    public record Chain(int id, String name, List<Integer> services, boolean throttled, int bottleneckSlot,
                        long backpressureDrops, long ecnMarked) {
    }

    /** One port; {@code dropsByReason} (reasons above zero) sums to {@code rxDrops}: frames refused on receive. */
    public record Port(int id, String name, String kind, long rxPackets, long rxBytes, long txPackets, long txBytes,
                       long rxDrops, Map<DropReason, Long> dropsByReason) {
    }

    /** Sum of all drops. */
    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}

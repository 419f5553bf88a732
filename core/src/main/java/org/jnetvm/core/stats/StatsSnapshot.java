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
 * @param ringCapacity slots of each NF rx and tx ring (what rxQueue and txQueue are out of)
 */
public record StatsSnapshot(long nanos, List<Nf> nfs, List<Port> ports, Map<DropReason, Long> drops, PoolAudit pool,
                            int ringCapacity) {

    /**
     * One NF slot; {@code dropsByReason} holds the reasons with a count above zero, summing to {@code drops};
     * {@code messagesSent} and {@code messagesRefused} count the messages it sent (accepted, or refused by a full inbox).
     */
    public record Nf(int slot, String name, int serviceId, String serviceName, int instanceId, long pid, String state,
                     long rxPackets, long txPackets, long drops, int rxQueue, int txQueue, long sleeps,
                     long messagesSent, long messagesRefused,
                     Map<DropReason, Long> dropsByReason) {
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

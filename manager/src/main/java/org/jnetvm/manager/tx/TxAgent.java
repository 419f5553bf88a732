package org.jnetvm.manager.tx;

import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.idle.HybridIdle;
import org.jnetvm.core.idle.IdleStrategy;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.SpscRing;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.stats.HopCounters;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.core.util.SlotBitmap;
import org.jnetvm.manager.Agent;
import org.jnetvm.manager.port.Port;

/**
 * The manager's transmit path: drains the tx rings of the NFs assigned to it (slot mod the
 * number of TX threads) and carries out each packet's action with the {@link Router}: OUT
 * through a port, NEXT/TONF to the next NF (in manager-hop mode, or for packets an NF sent
 * that way), DROP back to the pool.
 *
 * <p>It drains only the tx rings whose bits it takes from the tx pending bitmap in its thread
 * block ({@link SlotBitmap}): an NF sets its bit after each burst it puts into its tx ring, so
 * thousands of idle NFs cost this thread nothing per loop. A ring it leaves a full burst in
 * gets its bit back for the next loop. When no bit is set it sleeps on the doorbell in its
 * thread block (hybrid polling, as NFs do); the NF rings it after setting its bit, so a packet
 * on its way out waits for a futex wake-up at worst, not for a park to run out.
 *
 * <p>Its tx-ring objects are its own (an SPSC consumer caches the producer's position), and
 * are re-attached when a slot is reused by a new NF (its generation changes).
 */
public final class TxAgent implements Agent {
    private final String name;
    private final int index;
    private final int txThreads;
    private final MemorySegment segment;
    private final long pending;
    private final int pendingWords;
    private final IntConsumer drainSlot = this::drainSlot;
    private int work;
    private final NfTable nfs;
    private final PoolCache cache;
    private final Router router;
    private final PortTransmitter transmitter;
    private final int[] generations;
    private final int[] burst;
    private final Doorbell doorbell;
    /** Longest sleep on the doorbell: the loop count still moves (the reclaimer's grace period waits for it). */
    private static final long SLEEP_CAP_NANOS = 10_000_000L;

    /**
     * @param index       this agent's number among the TX threads (0-based)
     * @param threadIndex this thread's block in the THREADS area
     */
    public TxAgent(String name, Region region, int index, int txThreads, int threadIndex, Port[] ports, int burstSize) {
        this.name = name;
        this.index = index;
        this.txThreads = txThreads;
        this.segment = region.segment();
        this.nfs = new NfTable(region);
        PacketPool pool = new PacketPool(region);
        this.cache = pool.newCache();
        ThreadTable threads = new ThreadTable(region);
        this.transmitter = new PortTransmitter(ports, region.segment(), threads, threadIndex, pool.newMeta());
        this.doorbell = new Doorbell(region.segment(), threads.doorbellOffset(threadIndex));
        this.pending = threads.txPendingOffset(threadIndex);
        this.pendingWords = threads.txPendingWords();
        this.router = Router.ofManagerThread(region, nfs, cache, this::transmit, threadIndex, ports.length, burstSize);
        router.countHops(HopCounters.ENTRY, true); // the source is set per tx ring
        this.generations = new int[nfs.slots()];
        this.burst = new int[burstSize];
    }

    @Override
    public IdleStrategy idleStrategy() {
        HybridIdle hybrid = new HybridIdle(doorbell, this::hasWork, SLEEP_CAP_NANOS);
        return new IdleStrategy() {
            @Override
            public void idle(int workCount) {
                hybrid.idle(workCount);
            }

            @Override
            public void reset() {
            }
        };
    }

    // Whether an NF put packets into a tx ring this thread drains (checked after the doorbell is armed).
    private boolean hasWork() {
        return SlotBitmap.any(segment, pending, pendingWords);
    }

    @Override
    public String roleName() {
        return name;
    }

    @Override
    public int doWork() {
        work = 0;
        SlotBitmap.drain(segment, pending, pendingWords, drainSlot);
        return work;
    }

    // One burst from the tx ring of a slot whose bit this thread took.
    private void drainSlot(int slot) {
        if (slot % txThreads != index || !NfState.accepts(nfs.state(slot))) {
            return; // not this thread's; or a dead NF's tx ring, which belongs to the reclaimer
        }
        int generation = nfs.generation(slot);
        if (generations[slot] != generation) {
            nfs.reattachTxRing(slot);
            generations[slot] = generation;
        }
        SpscRing tx = nfs.txRing(slot);
        int n = tx.dequeueBurst(burst, 0, burst.length);
        if (n > 0) {
            router.hopSource(nfs.serviceId(slot));
            router.route(burst, n);
            work += n;
        }
        if (n == burst.length) {
            SlotBitmap.set(segment, pending, slot); // maybe more: again next loop
        }
    }

    // Router callback for OUT packets: counts them in this thread's block, per port.
    private int transmit(int port, int[] indices, int offset, int count) {
        return transmitter.transmit(port, indices, offset, count, router);
    }

    @Override
    public void onClose() {
        router.flushCounters(0);
        cache.close();
    }
}

package org.jnetvm.manager.nf;

import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.route.Owner;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.Quiescence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns every buffer a dead NF held to the pool, counted as nf_dead.
 *
 * <h2>Why a grace period</h2>
 * Producers (other NFs, the manager's threads) read the NF table once per run of packets and
 * then enqueue. After the NF is marked DEAD and removed from its service, a producer that read
 * the table just before may still be enqueueing into the dead NF's ring, and the dead NF may
 * have died between claiming slots in another NF's ring and publishing them. So the reclaimer
 * (1) notes every live rx ring's producer position, (2) waits until every live producer has
 * started a new loop since then ({@link Quiescence}) and only then (3) unblocks the claimed
 * but unpublished slots below the noted positions (they can only be the dead NF's): a slot
 * whose value the NF had written is published to its consumer, stamped with the consumer's
 * id; an empty one is skipped, and its buffer still carries the dead NF's id. (4) Then it
 * scans the pool's metadata for buffers stamped with the dead NF's {@link Owner} id: by the
 * ownership rule those are exactly the ones in its rx ring, its tx ring and its hands, and
 * the ones it never got to publish. Its pool caches are returned before that scan
 * ({@link PacketPool#reclaimCaches}: counted buffers, and a spill settled from its journal), and
 * free-ring slots it claimed and never released are freed ({@link PacketPool#reclaimCaches(java.util.function.LongPredicate, int)},
 * after the same grace period: a live consumer's late release must not be raced).
 *
 * <p>One reclaim at a time (synchronized); called from the registry's threads, never from the
 * data plane. A scan of 16 Ki buffers takes well under a millisecond.
 */
public final class Reclaimer {
    private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);
    private static final long GRACE_TIMEOUT_NANOS = 1_000_000_000L;
    private static final int BATCH = 256;

    /** What one reclaim did. */
    public record Result(int slot, int buffers, int cached, int unblocked, long graceNanos, boolean graceComplete) {
    }

    private final NfTable nfs;
    private final Quiescence grace;
    private final PacketPool pool;
    private final PacketMeta meta;
    private final PoolCache cache;
    private final Router router;
    private final int ownThread;
    private final int[] batch = new int[BATCH];

    public Reclaimer(Region region, int threadIndex) {
        this.nfs = new NfTable(region);
        this.grace = new Quiescence(region);
        this.pool = new PacketPool(region);
        this.meta = pool.newMeta();
        this.cache = pool.newCache();
        this.ownThread = threadIndex;
        this.router = Router.ofManagerThread(region, nfs, cache, (port, idx, off, n) -> 0, threadIndex, 0, BATCH);
    }

    /**
     * Reclaims slot {@code slot}, which the caller has already marked {@link NfState#DEAD} and
     * removed from its service, and leaves it FREE.
     *
     * @param deadPid the NF's process id when the whole process is gone (its pool cache is
     *                reclaimed too), or 0 for an in-process NF whose thread ended
     */
    public synchronized Result reclaim(int slot, long deadPid) {
        long start = System.nanoTime();
        int slots = nfs.slots();
        int[] positions = new int[slots];
        int freeRingConsumer = pool.freeRingConsumerPosition();
        grace.begin(slot, ownThread, deadPid);
        for (int s = 0; s < slots; s++) {
            if (grace.watched(s)) {
                positions[s] = nfs.rxRing(s).producerPosition();
            }
        }
        boolean complete = awaitQuiescence(start);

        int unblocked = 0;
        for (int s = 0; s < slots; s++) {
            if (grace.watched(s)) {
                MpmcRing ring = nfs.rxRing(s);
                int consumerOwner = Owner.ofSlot(s);
                unblocked += ring.unblockBelow(positions[s], index -> meta.wrap(index).owner(consumerOwner));
            }
        }
        // Caches first: they may count buffers still stamped with the dead NF's id (it was killed
        // mid-alloc or mid-free), which reclaimCaches restamps as the pool's before the scan.
        int cached = 0;
        if (deadPid > 0) {
            // A process killed between claiming free-ring slots and releasing them (a refill):
            // after the grace period no live consumer is still releasing below the noted position.
            cached = pool.reclaimCaches(pid -> pid == deadPid, freeRingConsumer);
        }
        int buffers = scan(Owner.ofSlot(slot));
        router.flushCounters(0);
        cache.flush();
        nfs.state(slot, NfState.FREE);
        Result result = new Result(slot, buffers, cached, unblocked, System.nanoTime() - start, complete);
        LOG.info("reclaimed NF slot {}: {} buffers from its rings and hands (nf_dead), {} from its pool cache, "
                + "{} ring slots unblocked, grace {} µs{}", slot, buffers, cached, unblocked,
                result.graceNanos() / 1000, complete ? "" : " (some producers did not quiesce within 1 s)");
        return result;
    }

    private boolean awaitQuiescence(long start) {
        while (System.nanoTime() - start < GRACE_TIMEOUT_NANOS) {
            if (grace.passed()) {
                return true;
            }
            LockSupport.parkNanos(50_000);
        }
        return false;
    }

    private int scan(int owner) {
        int found = 0;
        int n = 0;
        for (int i = 0; i < pool.size(); i++) {
            if (meta.wrap(i).owner() == owner) {
                batch[n++] = i;
                if (n == BATCH) {
                    router.drop(batch, 0, n, DropReason.NF_DEAD);
                    found += n;
                    n = 0;
                }
            }
        }
        router.drop(batch, 0, n, DropReason.NF_DEAD);
        return found + n;
    }
}

package org.jnetvm.manager.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.flow.FlowLease;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.ring.RingDescriptor;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.Quiescence;
import org.jnetvm.core.table.ServiceDescriptor;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.util.Align;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flurries' per-flow services on the manager's side: a pool of idle instances per service, the flows bound to
 * instances, and the ager that ends flows and gives their instances back.
 *
 * <h2>Binding (RX threads, {@link Binder})</h2>
 * A packet whose chain holds a per-flow service (or that a flow rule sends to one) is bound at entry: its flow, both
 * directions as one (the 5-tuple with the lower endpoint first, and the symmetric flow hash), is looked up in a
 * table of bindings; a flow without one takes an idle instance from the service's pool (an MPMC ring of slots) and
 * gets a new {@link FlowLease} on it: the slot and the instance's next generation. The lease goes into the packet's
 * metadata, which the {@link Router} follows to the instance, and into the instance's NF slot. Two RX threads that
 * bind one flow at once meet in the table ({@link FlowTable#putIfAbsent}): the loser gives its instance back. No idle
 * instance, or no room in the table: the packet is dropped as pool_full, counted per service.
 *
 * <h2>Ends (the ager, one thread)</h2>
 * TCP FIN seen both ways or an RST marks a binding closing (bits beside its entry, tagged with its lease so that a
 * late mark cannot land on the entry's next flow); the ager ends a closing flow after {@code lingerMs} without a
 * packet (late ACKs keep their instance), any flow after {@code idleMs} without one, and at once a flow whose instance
 * died. Ending is three steps: the binding is freed (the flow's next packet is a new flow, on a new instance); a grace
 * period passes ({@link Quiescence#beginRxThreads}: no RX thread can still be stamping the old lease); the lease in the instance's
 * slot is cleared and its doorbell rung, and the instance goes back to the pool. The NF's runtime handles the packets
 * it still has of the flow, then calls {@code onFlowEnd}; a packet of the next flow starts that one.
 *
 * <p>Instances join a pool when they register and leave it when they are gone ({@link #instanceAdded},
 * {@link #instanceGone}); those and the ager's passes hold the object's lock (none of them is on the data plane).
 *
 * <h2>Elastic pools (the ager, with a {@link Scaler})</h2>
 * After each pass over a pool its {@link PoolSizer} says whether to ask a host for more instances or to give idle
 * ones back. Giving back is three steps, like ending a flow: the instance's membership is cleared (a binder that
 * dequeues it skips it), a grace period of the RX threads passes, then an instance a binder took just before
 * stays (it serves that flow) and the others are asked to stop; one the registry may not stop comes back.
 *
 * <p>Thread-safety: {@link Binder}s on any number of RX threads (one each), the ager on its own thread; membership
 * changes from any thread. Binding allocates nothing.
 */
public final class PerFlowPools implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PerFlowPools.class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int TCP_FIN = 0x01;
    private static final int TCP_RST = 0x04;
    // Closing bits of a binding: FIN from the lower endpoint, FIN from the higher one, RST from either.
    private static final int FIN_LOW = 1;
    private static final int FIN_HIGH = 2;
    private static final int RESET = 4;
    private static final long MIN_PERIOD_NANOS = 1_000_000L;
    private static final int GRACE_POLLS = 20;
    private static final long GRACE_POLL_NANOS = 50_000L;
    private static final long MAX_PERIOD_NANOS = 100_000_000L;

    /**
     * A per-flow service: its id, how long its flows keep their instance without a packet, and how its pool is
     * sized: {@code maxInstances} 0 for a fixed pool (the instances that register), else elastic between
     * {@code minIdle} idle instances and {@code maxInstances} in all ({@link PoolSizer}).
     */
    public record Service(int id, String name, long idleMs, long lingerMs, int minIdle, int maxInstances) {
        /** Whether the pool grows and shrinks. */
        public boolean elastic() {
            return maxInstances > 0;
        }
    }

    /**
     * How an elastic pool grows and shrinks: the NF registry's side. Called by the ager, which must not wait: both
     * only send a control message.
     */
    public interface Scaler {
        /** Asks an NF host of the service for {@code count} more instances; false if no host can be asked. */
        boolean spawn(int serviceId, int count);

        /** Asks the idle instance in {@code slot} to stop; false if it may not (its host's last NF) or is gone. */
        boolean retire(int slot);
    }

    private final NfTable nfs;
    private final ServiceTable services;
    private final ChainTable chains;
    private final MemorySegment segment;
    private final Arena arena = Arena.ofShared();
    private final FlowTable bindings;
    private final Pool[] byService;
    private final List<Pool> pools = new ArrayList<>();
    // By NF slot. leases: the lease of the flow bound there, 0 if none (the binder that took the slot from the pool
    // writes it, the ager clears it); entryOf: that binding's table entry; generation: the last generation leased.
    private final int[] leases;
    private final int[] entryOf;
    private final int[] generation;
    private final int[] inPool; // 1 while the slot's index is in its pool's ring: never twice
    private final int[] member; // the per-flow service the slot is an instance of now, 0 if none (the ager writes)
    // By binding entry: lease << 32 | closing bits.
    private final long[] closing;
    private final Quiescence grace;
    private final Scaler scaler;
    private final int[] agerScratch = new int[1];
    private final long periodNanos;
    private final Thread ager;
    private volatile boolean closed;

    /** One per-flow service's pool. */
    private final class Pool {
        final Service service;
        final MpmcRing idle;
        final long idleTicks;
        final long lingerTicks;
        int[] slots = new int[16]; // instances, the ager's
        int slotCount;
        // Unbound, waiting for a grace period to pass before they go back to the pool (the ager's).
        final List<Integer> unbound = new ArrayList<>();
        final List<Integer> retiring = new ArrayList<>();
        // Idle instances taken out of the pool to stop, before and after the grace period began (the ager's).
        final List<Integer> leaving = new ArrayList<>();
        final List<Integer> departing = new ArrayList<>();
        final PoolSizer sizer; // null: a fixed pool
        long poolFullSeen;
        long poolFullSinceNanos = -1; // -1: not full now (the ager's)
        boolean cannotGrowLogged;

        Pool(Service service, int capacity) {
            this.service = service;
            MemorySegment ring = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, capacity), Align.CACHE_LINE);
            this.idle = MpmcRing.format(ring, 0, capacity);
            this.idleTicks = FlowTable.ticks(service.idleMs());
            this.lingerTicks = FlowTable.ticks(service.lingerMs());
            this.sizer = service.elastic() ? new PoolSizer(service.minIdle(), service.maxInstances()) : null;
        }

        // An RX thread: an idle, live instance, or -1.
        int take(int[] scratch) {
            for (int attempt = 0; attempt < 8; attempt++) {
                if (idle.dequeueBurst(scratch, 0, 1) == 0) {
                    return -1;
                }
                int slot = scratch[0];
                INTS.setRelease(inPool, slot, 0);
                int state = nfs.state(slot);
                if ((int) INTS.getAcquire(member, slot) == service.id()
                        && (state == NfState.RUNNING.code || state == NfState.STARTING.code)) {
                    return slot;
                }
                // gone (or leaving) since it joined the pool: left out; a new NF in the slot joins again
            }
            return -1;
        }

        void give(int slot, int[] scratch) {
            scratch[0] = slot;
            if (INTS.compareAndSet(inPool, slot, 0, 1) && idle.enqueueBurst(scratch, 0, 1) == 0) {
                INTS.setRelease(inPool, slot, 0); // cannot happen: the ring holds every slot
            }
        }
    }

    /**
     * @param perFlow   the per-flow services (marked so in the region's service table by this constructor)
     * @param instances how many instances they may have in all: sizes the table of bindings
     * @param scaler    how elastic pools ask for instances and give them back
     */
    public PerFlowPools(Region region, List<Service> perFlow, int instances, Scaler scaler) {
        this.scaler = scaler;
        this.nfs = new NfTable(region);
        this.services = new ServiceTable(region);
        this.chains = new ChainTable(region);
        this.segment = region.segment();
        int slots = nfs.slots();
        this.leases = new int[slots];
        this.entryOf = new int[slots];
        this.generation = new int[slots];
        this.inPool = new int[slots];
        this.member = new int[slots];
        int entries = Math.max(1024, Align.nextPowerOfTwo(Math.max(1, instances) * 4));
        this.bindings = FlowTable.allocate(arena, entries);
        this.closing = new long[entries];
        this.byService = new Pool[services.maxServiceId() + 1];
        int ringCapacity = Math.max(2, Align.nextPowerOfTwo(slots));
        long shortest = MAX_PERIOD_NANOS;
        for (Service s : perFlow) {
            Pool pool = new Pool(s, ringCapacity);
            byService[s.id()] = pool;
            pools.add(pool);
            services.perFlow(s.id(), true);
            shortest = Math.min(shortest, Math.min(s.idleMs(), s.lingerMs()) * 1_000_000L / 4);
        }
        this.periodNanos = Math.clamp(shortest, MIN_PERIOD_NANOS, MAX_PERIOD_NANOS);
        this.grace = new Quiescence(region);
        this.ager = Thread.ofPlatform().daemon().name("per-flow-ager").unstarted(this::age);
        ager.start();
    }

    /** Whether {@code serviceId} is one of these per-flow services. */
    public boolean perFlow(int serviceId) {
        return serviceId > 0 && serviceId < byService.length && byService[serviceId] != null;
    }

    /** The NF in {@code slot} registered for {@code serviceId}: it joins the pool, idle. */
    public synchronized void instanceAdded(int serviceId, int slot) {
        if (!perFlow(serviceId)) {
            return;
        }
        Pool pool = byService[serviceId];
        endBinding(pool, slot, true); // a flow of the slot's previous NF, if its end was not seen yet
        INTS.setRelease(member, slot, serviceId);
        nfs.flowLease(slot, FlowLease.NONE);
        if (indexOf(pool, slot) < 0) {
            addMember(pool, slot);
        }
        pool.give(slot, agerScratch);
        if (pool.sizer != null) {
            pool.sizer.arrived();
        }
    }

    /** The NF in {@code slot} is gone: its flow ends at once, and it leaves the pool. */
    public synchronized void instanceGone(int serviceId, int slot) {
        if (!perFlow(serviceId) || (int) INTS.getAcquire(member, slot) != serviceId) {
            return;
        }
        Pool pool = byService[serviceId];
        INTS.setRelease(member, slot, 0);
        endBinding(pool, slot, true);
        int at = indexOf(pool, slot);
        if (at >= 0) {
            pool.slots[at] = pool.slots[--pool.slotCount];
        }
    }

    /** A binder for one RX thread. */
    public Binder binder() {
        return new Binder();
    }

    /**
     * One RX thread's side: which per-flow service a packet meets, and its flow's lease on an instance of it. Not
     * thread-safe: one per RX thread.
     */
    public final class Binder {
        private final int[] scratch = new int[1];
        private final FiveTuple canonical = new FiveTuple();
        private int cachedChain = -1;
        private int cachedService;

        private Binder() {
        }

        /** Call once per burst: chains may have changed since the last. */
        public void beginBurst() {
            cachedChain = -1;
        }

        /**
         * The per-flow service the packet {@code m} is wrapped on will meet (it has its chain, or its flow rule's
         * service, stamped), or 0 if none: the first per-flow service of its chain.
         */
        public int serviceFor(PacketMeta m) {
            if (m.action() == Action.TONF && m.chainIndex() == Router.SERVICE_ONLY_POSITION) {
                return perFlow(m.destination()) ? m.destination() : 0;
            }
            int chain = m.chainId();
            if (chain != cachedChain) {
                cachedChain = chain;
                cachedService = 0;
                for (int p = 0, n = chains.length(chain); p < n; p++) {
                    int service = chains.service(chain, p);
                    if (perFlow(service)) {
                        cachedService = service;
                        break;
                    }
                }
            }
            return cachedService;
        }

        /**
         * The lease of {@code tuple}'s flow on an instance of per-flow {@code serviceId}, binding the flow to an idle
         * instance if it has none; {@link FlowLease#NONE} if the pool has no idle instance (counted as pool_full).
         *
         * @param hash     the packet's symmetric flow hash, or 0 if it has none
         * @param tcpFlags the packet's TCP flags (0 if not TCP): FIN and RST mark the flow closing
         */
        public int bind(int serviceId, FiveTuple tuple, int hash, int tcpFlags, long tick) {
            canonical.copyFrom(tuple);
            boolean reversed = lowerFirst(canonical);
            if (hash == 0) {
                hash = FlowHash.SYMMETRIC.hash(canonical);
            }
            int closingBits = (tcpFlags & TCP_RST) != 0 ? RESET : (tcpFlags & TCP_FIN) != 0 ? (reversed ? FIN_HIGH : FIN_LOW) : 0;
            long found = bindings.find(canonical, hash, tick);
            if (found >= 0) {
                int lease = (int) found;
                int index = (int) (found >>> 32);
                if ((int) INTS.getAcquire(leases, FlowLease.slot(lease)) == lease) {
                    if (closingBits != 0) {
                        markClosing(index, lease, closingBits);
                    }
                    return lease;
                }
                bindings.free(index, lease); // its instance died: the ager ends the rest; this is a new flow
            }
            Pool pool = byService[serviceId];
            int slot = pool.take(scratch);
            if (slot < 0) {
                services.countPool(serviceId, ServiceDescriptor.POOL_FULL_OFFSET, 1);
                return FlowLease.NONE;
            }
            int next = FlowLease.next(generation[slot]);
            generation[slot] = next;
            int lease = FlowLease.of(slot, next);
            long put = bindings.putIfAbsent(canonical, hash, lease, tick);
            if (put < 0 || (int) put != lease) {
                pool.give(slot, scratch); // no room, or another RX thread bound the flow first
                if (put < 0) {
                    services.countPool(serviceId, ServiceDescriptor.POOL_FULL_OFFSET, 1);
                    return FlowLease.NONE;
                }
                return (int) put;
            }
            int index = (int) (put >>> 32);
            entryOf[slot] = index;
            LONGS.setRelease(closing, index, (long) lease << 32 | closingBits);
            nfs.flowLease(slot, lease);
            INTS.setRelease(leases, slot, lease); // last: publishes entryOf to the ager
            services.countPool(serviceId, ServiceDescriptor.ACTIVATIONS_OFFSET, 1);
            return lease;
        }
    }

    // Puts the lower endpoint first (one key for both directions); true if it swapped them.
    private static boolean lowerFirst(FiveTuple t) {
        int c = Long.compareUnsigned(t.srcHi(), t.dstHi());
        if (c == 0) {
            c = Long.compareUnsigned(t.srcLo(), t.dstLo());
        }
        if (c == 0) {
            c = Integer.compare(t.srcPort(), t.dstPort());
        }
        if (c > 0) {
            t.reverse();
            return true;
        }
        return false;
    }

    private void markClosing(int index, int lease, int bits) {
        while (true) {
            long word = (long) LONGS.getAcquire(closing, index);
            if ((int) (word >>> 32) != lease) {
                return; // the entry serves another flow now
            }
            if (((int) word & bits) == bits || LONGS.compareAndSet(closing, index, word, word | bits)) {
                return;
            }
        }
    }

    private void age() {
        while (!closed) {
            LockSupport.parkNanos(periodNanos);
            try {
                pass();
            } catch (RuntimeException e) {
                LOG.error("per-flow ager pass failed; it goes on", e);
            }
        }
    }

    // One pass of the ager; membership changes wait for it (and it for them): they are rare.
    private synchronized void pass() {
        long tick = FlowTable.tick();
        for (Pool pool : pools) {
            agePool(pool, tick);
        }
        recycle();
    }

    private static void addMember(Pool pool, int slot) {
        if (pool.slotCount == pool.slots.length) {
            pool.slots = Arrays.copyOf(pool.slots, pool.slotCount * 2);
        }
        pool.slots[pool.slotCount++] = slot;
    }

    private static int indexOf(Pool pool, int slot) {
        for (int i = 0; i < pool.slotCount; i++) {
            if (pool.slots[i] == slot) {
                return i;
            }
        }
        return -1;
    }

    private void agePool(Pool pool, long tick) {
        int live = 0;
        for (int i = 0; i < pool.slotCount; i++) {
            int slot = pool.slots[i];
            int lease = (int) INTS.getAcquire(leases, slot);
            if (lease == FlowLease.NONE) {
                continue;
            }
            int index = entryOf[slot];
            long word = (long) LONGS.getAcquire(closing, index);
            int bits = (int) (word >>> 32) == lease ? (int) word : 0;
            boolean closed = (bits & RESET) != 0 || (bits & (FIN_LOW | FIN_HIGH)) == (FIN_LOW | FIN_HIGH);
            int state = nfs.state(slot);
            if (!NfState.accepts(state)) {
                endBinding(pool, slot, true);
            } else if (tick - bindings.lastSeen(index) > (closed ? pool.lingerTicks : pool.idleTicks)) {
                endBinding(pool, slot, false);
                pool.unbound.add(slot);
            } else {
                live++;
            }
        }
        // Idle: the members not serving a flow. Not the ring's size: it may still hold slots of NFs that are gone
        // (a ring cannot drop an entry from its middle; take() skips them when it meets them).
        int serving = live + pool.unbound.size() + pool.retiring.size();
        int idle = Math.max(0, pool.slotCount - serving);
        services.poolGauges(pool.service.id(), serving, idle);
        long now = System.nanoTime();
        long full = services.poolCounter(pool.service.id(), ServiceDescriptor.POOL_FULL_OFFSET);
        noteFull(pool, full, now);
        if (pool.sizer != null && pool.slotCount > 0) { // none yet (or none left): no host to ask
            long demand = services.poolCounter(pool.service.id(), ServiceDescriptor.ACTIVATIONS_OFFSET) + full;
            int change = pool.sizer.decide(now, pool.slotCount, idle, demand);
            if (change > 0) {
                grow(pool, change);
            } else if (change < 0) {
                shrink(pool, -change);
            }
        }
    }

    // One log line when a pool starts refusing new flows, one when it has taken them all again for a second.
    private static void noteFull(Pool pool, long full, long now) {
        if (full > pool.poolFullSeen) {
            if (pool.poolFullSinceNanos < 0) {
                LOG.warn("per-flow service {}: no idle instance ({} in the pool{}): new flows are dropped as"
                        + " pool_full until instances are free", pool.service.name(), pool.slotCount,
                        pool.sizer == null ? "; perFlow.maxInstances would let it grow"
                                : ", at most " + pool.service.maxInstances());
            }
            pool.poolFullSinceNanos = now;
            pool.poolFullSeen = full;
        } else if (pool.poolFullSinceNanos >= 0 && now - pool.poolFullSinceNanos > 1_000_000_000L) {
            LOG.info("per-flow service {}: new flows get instances again", pool.service.name());
            pool.poolFullSinceNanos = -1;
        }
    }

    private void grow(Pool pool, int count) {
        if (scaler.spawn(pool.service.id(), count)) {
            pool.cannotGrowLogged = false;
            LOG.debug("per-flow service {}: asked for {} more instances ({} now)", pool.service.name(), count,
                    pool.slotCount);
            return;
        }
        pool.sizer.askFailed();
        if (!pool.cannotGrowLogged) {
            pool.cannotGrowLogged = true;
            LOG.warn("per-flow service {} cannot grow: no NF host runs an instance of it (start one with host: true"
                    + " in nfs:, or bin/jnetvm nf NAME --host N)", pool.service.name());
        }
    }

    // Takes up to count idle instances out of the pool: no binder takes them once the grace period the next
    // recycle begins has passed; then they are asked to stop (recycle()).
    private void shrink(Pool pool, int count) {
        for (int i = pool.slotCount - 1; i >= 0 && count > 0; i--) {
            int slot = pool.slots[i];
            if ((int) INTS.getAcquire(leases, slot) != FlowLease.NONE || pool.unbound.contains(slot)
                    || pool.retiring.contains(slot)) {
                continue;
            }
            INTS.setRelease(member, slot, 0);
            pool.slots[i] = pool.slots[--pool.slotCount];
            pool.leaving.add(slot);
            count--;
        }
    }

    // After the grace period: an instance a binder took just before it left the pool serves that flow and stays;
    // the others are asked to stop, and one that may not (its host's last) comes back to the pool.
    private void depart(Pool pool) {
        int stopped = 0;
        for (int slot : pool.departing) {
            if (!NfState.accepts(nfs.state(slot)) || (int) INTS.getAcquire(member, slot) != 0) {
                continue; // gone meanwhile (its flow, if any, ends as a dead instance's), or another NF is there
            }
            boolean bound = (int) INTS.getAcquire(leases, slot) != FlowLease.NONE;
            if (!bound && scaler.retire(slot)) {
                stopped++;
                continue;
            }
            INTS.setRelease(member, slot, pool.service.id());
            addMember(pool, slot);
            if (!bound) {
                pool.give(slot, agerScratch);
            }
        }
        if (stopped > 0) {
            LOG.debug("per-flow service {}: {} idle instances stopped ({} left)", pool.service.name(), stopped,
                    pool.slotCount);
        }
        pool.departing.clear();
    }

    // Frees the slot's binding (its flow's next packet is a new flow); a dead instance's flow is counted ended here.
    private void endBinding(Pool pool, int slot, boolean dead) {
        int lease = (int) INTS.getAcquire(leases, slot);
        if (lease == FlowLease.NONE) {
            return;
        }
        bindings.free(entryOf[slot], lease); // false if a binder found the instance dead and freed it first
        INTS.setRelease(leases, slot, FlowLease.NONE);
        if (dead) {
            services.countPool(pool.service.id(), ServiceDescriptor.ENDED_OFFSET, 1);
        }
    }

    // Once a grace period has passed since their flows were unbound, the instances' leases end and they are idle.
    private void recycle() {
        boolean waiting = false;
        for (Pool pool : pools) {
            waiting |= !pool.retiring.isEmpty() || !pool.departing.isEmpty();
        }
        if (waiting) {
            // RX threads loop every few microseconds: the grace period is usually over within a park or two, and
            // waiting for it here rather than for the next pass gives the instances back a period sooner.
            for (int i = 0; i < GRACE_POLLS && !grace.passed(); i++) {
                LockSupport.parkNanos(GRACE_POLL_NANOS);
            }
            if (!grace.passed()) {
                return;
            }
            for (Pool pool : pools) {
                for (int slot : pool.retiring) {
                    nfs.flowLease(slot, FlowLease.NONE);
                    // A sleeping NF ends its flow when it wakes: now, or with its host's next batch of wake-ups.
                    Doorbell.ring(segment, nfs.doorbellOffset(slot), nfs.rxRing(slot));
                    if ((int) INTS.getAcquire(member, slot) == pool.service.id()) {
                        pool.give(slot, agerScratch);
                    }
                }
                services.countPool(pool.service.id(), ServiceDescriptor.ENDED_OFFSET, pool.retiring.size());
                pool.retiring.clear();
                depart(pool);
            }
        }
        boolean unbound = false;
        for (Pool pool : pools) {
            if (!pool.unbound.isEmpty() || !pool.leaving.isEmpty()) {
                pool.retiring.addAll(pool.unbound);
                pool.unbound.clear();
                pool.departing.addAll(pool.leaving);
                pool.leaving.clear();
                unbound = true;
            }
        }
        if (unbound) {
            grace.beginRxThreads();
            recycle();
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(ager);
        try {
            ager.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        arena.close();
    }
}

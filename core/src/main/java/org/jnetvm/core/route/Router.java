package org.jnetvm.core.route;

import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.flow.FlowLease;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.packet.Ecn;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.HandOff;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.HopCounters;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.table.ThreadDescriptor;
import org.jnetvm.core.table.ThreadTable;

/**
 * Carries out the actions of a burst of packets: the one piece of code that decides where a
 * packet goes next, used by NFs (which hand packets straight to the next NF) and by the
 * manager's RX and TX threads alike.
 *
 * <h2>Per burst</h2>
 * Pass 1 reads each packet's action and computes a destination key: an NF slot (NEXT moves
 * one position along the packet's chain, TONF names a service; either way the service's
 * instance is chosen by flow hash), a port (OUT), or a drop reason. It sets the action of a
 * packet bound for an NF to NEXT, so an NF that does nothing passes packets along. Pass 2
 * walks runs of equal keys (a VPP "next frame"):
 * one ring enqueue, one doorbell check and one counter update per run, not per packet. Each
 * packet is stamped with its next holder's {@link Owner} id between the claim of its ring slot
 * and its publication ({@link HandOff}): a producer that dies in between leaves the buffers it
 * did not publish stamped with its own id, so the reclaimer finds them.
 *
 * <h2>Backpressure (NFVnice)</h2>
 * An RX thread's router ({@link #enforceBackpressure}) drops at entry the packets of a chain the
 * scheduler has throttled because an NF along it is overloaded, counted as backpressure in its own
 * drop counters and in the chain's; with ECN on it marks ECN-capable packets CE and lets them in.
 * The chain's mark is read once per burst; if the NF that caused it has drained below the low
 * watermark, the router lifts the mark itself rather than wait for the scheduler's next round.
 * An NF's router may retry a full next hop for a bounded time ({@link #retryFullFor}) before it
 * drops: the NF yields to the one it feeds instead of throwing its own work away. Packets a full
 * ring refused are also counted in the refusing NF's rx refused counter: its arrival rate is what
 * it took plus what it refused, which is what the scheduler needs.
 *
 * <h2>Hops</h2>
 * A router given hop counters ({@link #countHops}) adds each run it delivers to the hop from the
 * service its packets left to the service or port they reach ({@link HopCounters}): what the
 * dashboard draws as the graph of every hop, TONF and flow-rule steering included. Each hop is
 * counted once, where it is completed: an NF's router counts the NFs it hands to and, with
 * direct output (an inline NF), the ports; a TX thread counts what leaves an NF's tx ring.
 *
 * <h2>Per-flow services</h2>
 * A packet bound for a per-flow service goes to the instance its flow lease names ({@link FlowLease}, stamped at
 * entry by the manager's RX thread), not to one its flow hash picks: each flow has an instance of its own.
 *
 * <h2>Drops</h2>
 * Every packet that does not go on is freed and counted under its {@link DropReason} in the
 * writer's own counter block, so each packet ends delivered or counted exactly once.
 *
 * <h2>Threads</h2>
 * One router per thread; it keeps scratch arrays and a metadata flyweight. Nothing is
 * allocated per packet or per burst.
 */
public final class Router {
    /** Marks a chain position "before the first service": what an RX thread writes. */
    public static final int ENTRY_POSITION = 0xFFFF;
    /**
     * Chain position of a packet sent to one service (TONF) at entry, by the flow director: its
     * NEXT is past any chain's end (chain_end); the service decides where it goes (OUT, TONF).
     */
    public static final int SERVICE_ONLY_POSITION = 0xFFFE;

    private static final int PORT_KEY_BASE = -1;
    private static final int DROP_KEY_BASE = -1_000_000;

    private final MemorySegment segment;
    private final NfTable nfs;
    private final ServiceTable services;
    private final ChainTable chains;
    private final PacketMeta meta;
    private final PoolCache cache;
    private final PortOutput output;
    private final int ownerId;
    private final int portCount;
    private final long dropCountersAddress;
    private final long txCounterAddress;
    private final int[] keys;
    private final long[] drops = new long[DropReason.SLOTS];
    private boolean dropped; // any drop since the last flush: most bursts have none
    private int handOffOwner;
    private int cachedService;
    private int cachedCount;
    private int cachedSingleSlot;
    private int cachedLocalSlot;
    private boolean cachedPerFlow;
    // By service id: the slot of an instance this router's thread runs itself (an inline NF), or -1.
    private int[] localSlots = new int[0];
    private int cachedChain;
    private int cachedChainLength;
    private boolean cachedThrottled;
    // backpressure at entry: RX threads only
    private boolean backpressure;
    private boolean ecn;
    private int lowPercent;
    private long chainBackpressure; // of cachedChain, not yet added to the chain's counter
    private long chainEcn;
    private long retryNanos;
    private HopCounters hops; // null: hops not counted
    private long hopsAt = -1; // a manager thread's own hop table, for countHops(source, toPorts)
    private int hopSource;
    private boolean hopsToPorts;
    private final PacketMeta stampOwner;
    // Stamps the next holder once its ring slot is claimed, before it is published: see Owner.
    private final HandOff handOff;
    private final IntConsumer allocStamp;

    /**
     * @param dropCountersAddress address of this writer's 24 drop counters (an NF slot's or a
     *                            manager thread's block)
     * @param txCounterAddress    address of a counter of packets handed on, or -1 for none
     * @param maxBurst            the largest burst {@link #route} will be given
     */
    public Router(NfTable nfs, ServiceTable services, ChainTable chains, PacketMeta meta, PoolCache cache,
                  PortOutput output, int ownerId, int portCount, long dropCountersAddress, long txCounterAddress,
                  int maxBurst) {
        this.segment = nfs.segment();
        this.nfs = nfs;
        this.services = services;
        this.chains = chains;
        this.meta = meta;
        this.cache = cache;
        this.output = output;
        this.ownerId = ownerId;
        this.portCount = portCount;
        this.dropCountersAddress = dropCountersAddress;
        this.txCounterAddress = txCounterAddress;
        this.keys = new int[maxBurst];
        this.stampOwner = meta.duplicate();
        this.handOff = index -> stampOwner.wrap(index).owner(handOffOwner);
        this.allocStamp = index -> stampOwner.wrap(index).reset().owner(ownerId);
    }

    /**
     * The router of manager thread {@code thread}: owner id and drop counters from its block in
     * the THREADS area. The RX and TX threads and the reclaimer each make one.
     */
    public static Router ofManagerThread(Region region, NfTable nfs, PoolCache cache, PortOutput output, int thread,
                                         int portCount, int maxBurst) {
        long base = new ThreadTable(region).offset(thread);
        Router router = new Router(nfs, new ServiceTable(region), new ChainTable(region), cache.pool().newMeta(), cache,
                output, Owner.ofThread(thread), portCount, base + ThreadDescriptor.DROPS_OFFSET, -1, maxBurst);
        router.hopsAt = base + ThreadDescriptor.hops(region.layout().portCount());
        return router;
    }

    /**
     * Makes this router drop (or, with {@code ecn}, CE-mark) at entry the packets of throttled
     * chains; {@code lowPercent} is the low watermark under which it admits a chain again. For
     * the routers of RX threads, before they are used.
     */
    public void enforceBackpressure(boolean ecn, int lowPercent) {
        this.backpressure = true;
        this.ecn = ecn;
        this.lowPercent = lowPercent;
    }

    /**
     * Makes this router retry a full NF ring for up to {@code nanos} (spinning, then yielding)
     * before it counts the rest as ring_full: NFVnice's local backpressure. 0 drops at once.
     */
    public void retryFullFor(long nanos) {
        this.retryNanos = nanos;
    }

    /**
     * Makes this router count the hops it completes in the table at {@code address}, as leaving
     * {@code source} (a service id, or {@link HopCounters#ENTRY}); runs to ports are counted only
     * with {@code toPorts} (an NF's ports runs go to its tx ring, and its TX thread counts them).
     * Before the router is used; the calling thread must be the table's one writer.
     */
    public void countHops(long address, int source, boolean toPorts) {
        this.hops = new HopCounters(segment, address);
        this.hopSource = source;
        this.hopsToPorts = toPorts;
    }

    /** {@link #countHops(long, int, boolean)} in the hop table of the manager thread this router was made for. */
    public void countHops(int source, boolean toPorts) {
        if (hopsAt < 0) {
            throw new IllegalStateException("not a manager thread's router: give the hop table's address");
        }
        countHops(hopsAt, source, toPorts);
    }

    /** The service the packets of the next {@link #route} calls left: for a TX thread, per NF tx ring. */
    public void hopSource(int source) {
        this.hopSource = source;
    }

    /** Routes {@code count} packets from {@code indices[0 ..]} by their actions. */
    public void route(int[] indices, int count) {
        int[] k = keys;
        cachedService = -1; // the tables are read once per burst (see pick)
        cachedChain = -1;
        for (int i = 0; i < count; i++) {
            k[i] = classify(indices[i]);
        }
        long sent = 0;
        int start = 0;
        while (start < count) {
            int key = k[start];
            int end = start + 1;
            while (end < count && k[end] == key) {
                end++;
            }
            sent += deliver(key, indices, start, end - start);
            start = end;
        }
        if (backpressure) {
            flushChainCounts();
        }
        flushCounters(sent);
    }

    /**
     * Allocates {@code count} buffers into {@code dst[offset ..]}, their metadata reset and
     * stamped with this router's owner id, or none; returns count or 0. For ports and NFs
     * that make packets.
     */
    public int alloc(int[] dst, int offset, int count) {
        return cache.alloc(dst, offset, count, allocStamp);
    }

    /**
     * Returns {@code count} packets to the pool without counting a drop: for ports that
     * consume what they transmit (the generator's sink) and were counted as sent.
     */
    public void release(int[] indices, int offset, int count) {
        free(indices, offset, count);
    }

    /** Frees {@code count} packets and counts them under {@code reason}. */
    public void drop(int[] indices, int offset, int count, DropReason reason) {
        // Counted at once, with the free (not at the flush): an owner killed in between would leave them
        // neither sent nor counted.
        cache.freeDropped(indices, offset, count, reason.code, dropCountersAddress);
    }

    /**
     * Counts {@code count} drops under {@code reason} for packets that never got a buffer (a port
     * refusing a frame before copying it, for example an AF_PACKET frame larger than the data room).
     */
    public void countDrops(DropReason reason, int count) {
        drops[reason.code] += count;
        dropped = true;
    }

    /** Writes the drop counts gathered since the last flush to shared memory. */
    public void flushCounters(long sent) {
        for (int r = 0; dropped && r < DropReason.SLOTS; r++) {
            long n = drops[r];
            if (n != 0) {
                Counters.add(segment, dropCountersAddress + (long) r * Long.BYTES, n);
                drops[r] = 0;
            }
        }
        dropped = false;
        if (sent != 0 && txCounterAddress >= 0) {
            Counters.add(segment, txCounterAddress, sent);
        }
    }

    private int classify(int index) {
        PacketMeta m = meta.wrap(index);
        int service;
        switch (m.action()) {
            case Action.NEXT -> {
                int chain = m.chainId();
                if (chain != cachedChain) {
                    enterChain(chain);
                }
                int length = cachedChainLength;
                if (length == 0) {
                    return dropKey(DropReason.NO_CHAIN);
                }
                int from = m.chainIndex();
                if (cachedThrottled && from == ENTRY_POSITION) {
                    if (!ecn || !Ecn.markCongested(segment, m.dataAddress(), m.dataLength())) {
                        chainBackpressure++;
                        return dropKey(DropReason.BACKPRESSURE);
                    }
                    chainEcn++;
                }
                int position = (from + 1) & 0xFFFF;
                if (position >= length) {
                    return dropKey(DropReason.CHAIN_END);
                }
                m.chainIndex(position);
                service = chains.service(chain, position);
            }
            case Action.TONF -> {
                service = m.destination();
                if (!services.valid(service)) {
                    return dropKey(DropReason.BAD_ACTION);
                }
            }
            case Action.OUT -> {
                int port = m.destination();
                return port >= 0 && port < portCount ? PORT_KEY_BASE - port : dropKey(DropReason.NO_PORT);
            }
            case Action.DROP -> {
                return dropKey(DropReason.NF_DROP);
            }
            default -> {
                return dropKey(DropReason.BAD_ACTION);
            }
        }
        int slot = pick(service, m);
        if (slot < 0) {
            return dropKey(DropReason.NO_INSTANCE);
        }
        m.action(Action.NEXT);
        return slot;
    }

    // The chain's length, and whether it is throttled, once per burst and chain.
    private void enterChain(int chain) {
        if (backpressure) {
            flushChainCounts();
        }
        cachedChain = chain;
        cachedChainLength = chains.length(chain);
        cachedThrottled = backpressure && chains.throttled(chain) && !admitted(chain);
    }

    // Lifts the chain's mark if the NF that caused it has drained below the low watermark.
    private boolean admitted(int chain) {
        int slot = chains.bottleneck(chain);
        if (slot < 0 || slot >= nfs.slots()) {
            return false;
        }
        MpmcRing ring = nfs.rxRing(slot);
        if ((long) ring.size() * 100 > (long) lowPercent * ring.capacity()) {
            return false;
        }
        chains.admit(chain);
        return true;
    }

    private void flushChainCounts() {
        if (chainBackpressure != 0) {
            chains.countBackpressure(cachedChain, chainBackpressure);
            chainBackpressure = 0;
        }
        if (chainEcn != 0) {
            chains.countEcn(cachedChain, chainEcn);
            chainEcn = 0;
        }
    }

    // The instance for the packet's flow: for a per-flow service the one its lease names, else one picked by the flow
    // hash. A service's instance count (and its only slot, the
    // common case) is read once per burst, not per packet: a burst sees one version of the
    // table, and a slot removed meanwhile is caught by deliver's state check.
    private int pick(int service, PacketMeta m) {
        if (service != cachedService) {
            cachedService = service;
            cachedCount = services.instanceCount(service);
            cachedSingleSlot = cachedCount == 1 ? services.slot(service, 0) : -1;
            cachedLocalSlot = listedLocal(service);
            cachedPerFlow = services.perFlow(service);
        }
        if (cachedPerFlow) {
            // Bound at entry: the instance of the packet's flow (a packet that got none has no instance here).
            int slot = FlowLease.slot(m.flowLease());
            return slot < nfs.slots() ? slot : -1;
        }
        if (cachedLocalSlot >= 0) {
            return cachedLocalSlot;
        }
        int n = cachedCount;
        if (n == 1) {
            return cachedSingleSlot;
        }
        return n <= 0 ? -1 : services.slot(service, ServiceTable.instanceFor(m.flowHash(), n));
    }

    /**
     * Packets this router sends to {@code serviceId} go to instance {@code slot}, which the calling
     * thread runs itself (an inline NF on an RX thread), instead of the instance their flow hash
     * picks: they then never leave the thread. Only while that slot is one of the service's
     * instances; otherwise the flow hash picks as usual. Before the router is used.
     */
    public void preferLocal(int serviceId, int slot) {
        if (serviceId >= localSlots.length) {
            int old = localSlots.length;
            localSlots = java.util.Arrays.copyOf(localSlots, serviceId + 1);
            java.util.Arrays.fill(localSlots, old, localSlots.length, -1);
        }
        localSlots[serviceId] = slot;
    }

    // The local instance of the service, if there is one and it is still listed (read once per burst).
    private int listedLocal(int service) {
        if (service >= localSlots.length || localSlots[service] < 0) {
            return -1;
        }
        int local = localSlots[service];
        for (int k = 0; k < cachedCount; k++) {
            if (services.slot(service, k) == local) {
                return local;
            }
        }
        return -1;
    }

    private static int dropKey(DropReason reason) {
        return DROP_KEY_BASE - reason.code;
    }

    // Returns how many packets went on (to an NF or a port).
    private int deliver(int key, int[] indices, int offset, int count) {
        if (key >= 0) {
            if (!NfState.accepts(nfs.state(key))) {
                drop(indices, offset, count, DropReason.NF_DEAD);
                return 0;
            }
            MpmcRing ring = nfs.rxRing(key);
            handOffOwner = Owner.ofSlot(key);
            int done = ring.enqueueBurst(indices, offset, count, handOff);
            if (done > 0) {
                Doorbell.ring(segment, nfs.doorbellOffset(key), ring);
            }
            if (done < count && retryNanos > 0) {
                done += retry(ring, key, indices, offset + done, count - done);
            }
            if (done < count) {
                nfs.countRefused(key, count - done);
                drop(indices, offset + done, count - done, DropReason.RING_FULL);
            }
            if (hops != null && done > 0) {
                hops.add(hopSource, nfs.serviceId(key), done);
            }
            return done;
        }
        if (key > DROP_KEY_BASE) {
            int port = PORT_KEY_BASE - key;
            int done = output.transmit(port, indices, offset, count);
            if (done < count) {
                drop(indices, offset + done, count - done, DropReason.RING_FULL);
            }
            if (hopsToPorts && hops != null && done > 0) {
                hops.add(hopSource, HopCounters.port(port), done);
            }
            return done;
        }
        drop(indices, offset, count, DropReason.ofCode(DROP_KEY_BASE - key));
        return 0;
    }

    // Local backpressure: the next NF is behind; give it the core for a moment, then try again.
    // Only when a ring is full, so the clock reads are not per packet.
    private int retry(MpmcRing ring, int slot, int[] indices, int offset, int count) {
        long deadline = System.nanoTime() + retryNanos;
        int done = 0;
        for (int round = 0; done < count && System.nanoTime() - deadline < 0; round++) {
            if (round < 16) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
            int n = ring.enqueueBurst(indices, offset + done, count - done, handOff);
            if (n > 0) {
                done += n;
                Doorbell.ring(segment, nfs.doorbellOffset(slot), ring);
            }
        }
        return done;
    }

    // The cache stamps them as the pool's once it counts them (a kill in between loses none).
    private void free(int[] indices, int offset, int count) {
        cache.free(indices, offset, count);
    }
}

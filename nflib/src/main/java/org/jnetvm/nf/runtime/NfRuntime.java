package org.jnetvm.nf.runtime;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.flow.FlowLease;
import org.jnetvm.core.host.HostWaker;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.idle.HybridIdle;
import org.jnetvm.core.msg.Inbox;
import org.jnetvm.core.msg.Message;
import org.jnetvm.core.msg.Messages;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.ring.SpscRing;
import org.jnetvm.core.route.Owner;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.core.table.Quiescence;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.core.util.SlotBitmap;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;

/**
 * The loop of one NF: dequeue a burst from its rx ring, hand it to the NF's handler, carry the
 * actions out, and idle by polling and then sleeping on its doorbell.
 *
 * <p>In {@link Hop#DIRECT} mode the NF itself routes each packet (straight into the next NF's
 * rx ring; OUT packets go to its tx ring for the manager to send). In {@link Hop#MANAGER} mode
 * it puts every packet in its tx ring and a manager TX thread routes it. Both use the same
 * {@link Router}; docs/architecture.md says which is faster and why.
 *
 * <p>Liveness: every loop stores its loop count (release), which the manager's reclaimer reads
 * to know that this NF has finished any enqueue it began before a given moment; a heartbeat
 * (nanoTime) on every idle loop and every 16th busy one tells the manager it is not hung. The
 * NF marks itself warm after its first burst (or a second of looping): the manager holds a
 * missed heartbeat against it only then, because a cold JVM's first burst (class loading,
 * interpreted code) can take longer than the heartbeat timeout on a busy machine.
 *
 * <p>Cost: one burst in 64 is timed through the NF's handler ({@link CostSampler}); the median
 * cost per packet is published in the slot for the manager's scheduler.
 *
 * <p>Per-flow (an NF of a service with {@code perFlow} in the manager's config, Flurries' NF recycling): every
 * packet carries the lease of its flow ({@link FlowLease}), given at entry. The loop hands the NF one flow at a time:
 * the first packet of a later generation ends the current flow ({@code onFlowEnd}) and starts the next
 * ({@code onFlowStart}) between bursts, a burst that spans two flows is split (the rest waits, carried, for the next
 * round), a packet of an earlier generation is dropped as flow_ended, and when the manager ends the lease in the NF's
 * slot the loop ends the flow once its ring is empty. A handler that throws fails only its flow: the burst and the
 * flow's later packets are dropped as flow_failed, the flow is counted failed, and the instance goes on to its next
 * flow.
 *
 * <p>Runs on the thread that calls {@link #run}: a platform thread in an NF process, or a
 * thread of the manager's JVM for in-process NFs.
 */
public final class NfRuntime implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NfRuntime.class);

    /** Who routes the packets an NF has handled. */
    public enum Hop { DIRECT, MANAGER }

    /** Loop settings. */
    public record Options(int burst, Hop hop, long sleepTimeoutNanos, Path capture, DirectOutput direct,
                          HostWaker host) {
        public Options {
            if (burst < 1 || burst > 1024) {
                throw new IllegalArgumentException("burst " + burst + " is out of range 1..1024");
            }
        }

        public Options(int burst, Hop hop, long sleepTimeoutNanos) {
            this(burst, hop, sleepTimeoutNanos, null, null, null);
        }

        public Options(int burst, Hop hop, long sleepTimeoutNanos, Path capture, DirectOutput direct) {
            this(burst, hop, sleepTimeoutNanos, capture, direct, null);
        }

        /** The same options with OUT packets sent through {@code direct} (an inline NF). */
        public Options withDirect(DirectOutput output) {
            return new Options(burst, hop, sleepTimeoutNanos, capture, output, host);
        }

        /**
         * The same options for an NF that is a virtual thread of an NF host: it parks when idle and {@code waker}
         * (its host's) unparks it when a producer rings it.
         */
        public Options withHost(HostWaker waker) {
            return new Options(burst, hop, Math.max(sleepTimeoutNanos, HOSTED_SLEEP_TIMEOUT_NANOS), capture, direct,
                    waker);
        }

        /**
         * How long a hosted NF sleeps at most: its host's waker beats the heartbeat of its sleeping NFs, so it need
         * not wake to do it; stops, pauses and messages ring it.
         */
        public static final long HOSTED_SLEEP_TIMEOUT_NANOS = 60_000_000_000L;

        public static Options defaults() {
            return new Options(32, Hop.DIRECT, 100_000_000L);
        }
    }

    private final NetworkFunction nf;
    private final HostWaker host; // null unless this NF is a virtual thread of an NF host
    /** How long a stopping NF waits for the manager to take it off its service before draining. */
    static final int MESSAGES_PER_ROUND = 16;
    static final long HAND_OVER_TIMEOUT_NANOS = 200_000_000L;
    /** Longest wait of a loop whose held packets all stayed held, before it offers them again. */
    static final long HELD_WAIT_NANOS = 1_000_000L;

    private final int slot;
    private final int serviceId;
    private final ServiceTable services;
    private volatile Runnable onStopping = () -> { };
    private volatile Runnable onRunning = () -> { };
    private final Options options;
    private final long txDoorbell; // offset of the doorbell of the TX thread draining this NF, or -1
    private final long txPending; // offset of that thread's tx pending bitmap, or -1
    // the loop's own state: the thread that runs it only
    private long loops;
    private long started;
    private boolean warm;
    /** The service's capture file, written with what the NF receives before it processes it; or null. */
    private final PcapWriter capture;
    private final NfTable nfs;
    private final MpmcRing rx;
    private final SpscRing tx;
    private final PoolCache cache;
    private final Router router;
    private final NfContext context;
    private final PacketBurst burst;
    private final int[] indices;
    // Packets the NF holds (PacketBurst#hold), in the order held; at most one burst, since none is taken from the
    // ring while any is held.
    private final int[] heldIndices;
    private int held;
    private boolean stalled; // the last poll's packets all stayed held
    private final HybridIdle idle;
    // Per-flow: the flow being served (generation, -1 for none), the last one ended, whether the handler threw on it,
    // and the packets of a later flow dequeued behind the current one's, waiting for the next round.
    private final boolean perFlow;
    private int flowGeneration = -1;
    private int lastGeneration = -1;
    private boolean flowFailed;
    private final int[] carried;
    private int carriedCount;
    private final PacketMeta flowMeta;
    private final long base;
    private final java.lang.foreign.MemorySegment segment;
    private volatile boolean paused;
    private final Messages messages;
    private final Inbox inbox;
    private final Message message = new Message();
    private final CostSampler cost = new CostSampler();
    private final Region region;
    // The thread's CPU time, not the wall clock: a burst preempted half-way must not look twice as expensive (on a
    // loaded machine that made a 6 us NF read 27 us). A system call, once per 64 bursts.
    private final java.lang.management.ThreadMXBean cpuClock = java.lang.management.ManagementFactory.getThreadMXBean();

    public NfRuntime(NetworkFunction nf, Region region, int slot, int serviceId, int instanceId, Options options) {
        this.nf = nf;
        this.slot = slot;
        this.options = options;
        this.nfs = region.shared(NfTable.class, NfTable::new); // one per process: see Region.shared
        this.segment = region.segment();
        PacketPool pool = new PacketPool(region);
        ServiceTable services = new ServiceTable(region);
        this.services = services;
        this.serviceId = serviceId;
        PortTable ports = new PortTable(region);
        this.rx = nfs.rxRing(slot);
        this.region = region;
        nfs.reattachTxRing(slot); // the shared table may hold the ring of this slot's previous NF in this process
        this.tx = nfs.txRing(slot);
        // An NF in a small slot (one of thousands of per-flow NFs) keeps no pool cache: see PacketPool.uncached.
        this.cache = region.layout().small(slot) ? pool.uncached() : pool.newCache();
        this.base = nfs.offset(slot);
        PacketMeta meta = pool.newMeta();
        // The TX thread that drains this NF's tx ring sleeps on a doorbell when idle: ring it after
        // each burst put there (a fence and a load while it is awake, a futex wake when it sleeps).
        // Its bit in that thread's tx pending bitmap first, so that the thread drains only the rings that got packets.
        ThreadTable threads = new ThreadTable(region);
        int[] txThreads = threads.txThreads();
        this.txDoorbell = txThreads.length == 0 ? -1 : threads.doorbellOffset(txThreads[slot % txThreads.length]);
        this.txPending = txThreads.length == 0 ? -1 : threads.txPendingOffset(txThreads[slot % txThreads.length]);
        this.messages = region.shared(Messages.class, Messages::new);
        this.inbox = messages.inbox(slot);
        DirectOutput direct = options.direct();
        this.router = new Router(nfs, services, new ChainTable(region), pool.newMeta(), cache,
                direct == null ? (port, idx, off, n) -> toTx(idx, off, n)
                        : (port, idx, off, n) -> direct.transmit(port, idx, off, n, router()),
                Owner.ofSlot(slot), ports.portCount(),
                base + NfSlotDescriptor.DROPS_OFFSET, base + NfSlotDescriptor.TX_PACKETS, options.burst());
        router.countHops(base + NfSlotDescriptor.HOPS_OFFSET, serviceId, direct != null);
        // A full next hop: wait for it a little (the manager's setting) rather than drop at once.
        router.retryFullFor(region.localRetryMicros() * 1_000L);
        this.context = new NfContext(slot, serviceId, instanceId, pool, nfs, services, ports, router,
                new org.jnetvm.core.flow.FlowTable(region), new ChainTable(region), messages);
        this.indices = new int[options.burst()];
        this.heldIndices = new int[options.burst()];
        this.perFlow = services.valid(serviceId) && services.perFlow(serviceId);
        this.carried = new int[perFlow ? options.burst() : 0];
        this.flowMeta = pool.newMeta();
        this.burst = new PacketBurst(indices, meta, region.segment());
        this.capture = options.capture() == null ? null
                : new PcapWriter(options.capture(), region.segment(), pool.newMeta());
        Doorbell doorbell = new Doorbell(region.segment(), nfs.doorbellOffset(slot));
        this.host = options.host();
        if (host != null) {
            doorbell.parkInstead();
            Doorbell.host(region.segment(), nfs.doorbellOffset(slot), host.host(), slot, host.wakeThreshold());
        }
        BooleanSupplier hasWork = () -> rx.size() > 0 || inbox.size() > 0 || carriedCount > 0 || leaseEnded();
        this.idle = host != null ? HybridIdle.hosted(doorbell, hasWork, options.sleepTimeoutNanos())
                : new HybridIdle(doorbell, hasWork, options.sleepTimeoutNanos());
    }

    public NfContext context() {
        return context;
    }

    // A hosted NF is a virtual thread: spinning would keep its carrier from the host's other NFs (and from the
    // control connections' readers that bring the hand-over), so it yields instead.
    private void spinWait() {
        if (host != null) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    // The thread's CPU clock, which preemption does not advance; a virtual thread (an NF of an NF host) has none
    // the JVM can read, and is not preempted inside a burst by its scheduler, so it takes the monotonic clock.
    private long costClock() {
        return host != null ? System.nanoTime() : cpuClock.getCurrentThreadCpuTime();
    }

    /** What to do once the NF's init hook has run: tell the manager (state RUNNING). Set before {@link #run}. */
    public void onRunning(Runnable action) {
        this.onRunning = action;
    }

    /**
     * What to do when the loop has been asked to stop, before it drains: tell the manager
     * (state STOPPING), which takes this NF off its service's instances. Set before {@link #run}.
     */
    public void onStopping(Runnable action) {
        this.onStopping = action;
    }

    // Whether this NF is still one of its service's instances in the shared table.
    private boolean listed() {
        if (!services.valid(serviceId)) {
            return false;
        }
        for (int k = 0, n = services.instanceCount(serviceId); k < n; k++) {
            if (services.slot(serviceId, k) == slot) {
                return true;
            }
        }
        return false;
    }

    /** Asks the loop to end after it has drained its ring. Any thread. */
    public void requestStop() {
        context.requestStop();
        wake(); // a sleeping loop sees it now, not at its timeout
    }

    /** Pauses or resumes handling: packets wait in the ring meanwhile. Any thread. */
    public void paused(boolean paused) {
        this.paused = paused;
        wake();
    }

    // Rings a hosted NF's own doorbell from another thread: it sleeps up to 60 s, and its host's waker beats for it
    // meanwhile, so nothing else would bring the news soon (an NF process wakes within its 100 ms anyway). The loop
    // may have ended and the region been unmapped already (a stop asked twice): then there is nobody to wake.
    private void wake() {
        if (host == null) {
            return;
        }
        try {
            Doorbell.ring(segment, nfs.doorbellOffset(slot));
        } catch (IllegalStateException regionUnmapped) {
            // the loop is over
        }
    }

    @Override
    public void run() {
        if (host != null) {
            host.register(slot, Thread.currentThread());
        }
        start();
        try {
            while (!stopRequested()) {
                if (paused) {
                    step();
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                int n = step();
                if (stalled) { // held packets wait for the NF's output: wait to be woken rather than spin
                    context.awaitOutput(HELD_WAIT_NANOS);
                } else if (idle.idle(n)) {
                    Counters.add(segment, base + NfSlotDescriptor.SLEEPS, 1);
                }
            }
        } finally {
            if (host != null) {
                host.unregister(slot);
            }
            finish();
        }
    }

    /**
     * Runs the NF's init hook and reports it running. The first of the three steps {@link #run}
     * takes; a host that drives the NF from its own loop (an inline NF on a manager RX thread)
     * calls them itself: {@code start()}, then {@link #step()} until {@link #stopRequested()},
     * then {@link #finish()}, all on one thread after {@code start()}.
     */
    public void start() {
        started = System.nanoTime();
        nf.init(context);
        onRunning.run(); // after init: the manager starts its ports only once every NF is ready
    }

    /** Whether the loop has been asked to stop (by the manager, the NF or the connection's end). */
    public boolean stopRequested() {
        return context.stopRequested();
    }

    /**
     * One round of the loop, never sleeping: beats the liveness words, and unless paused takes
     * one burst from the rx ring through the NF and routes it; on an empty ring runs the NF's
     * idle hook.
     *
     * @return packets handled
     */
    public int step() {
        nfs.loopCount(slot, ++loops);
        if (!warm && (nfs.counter(slot, NfSlotDescriptor.RX_BURSTS) > 0 || System.nanoTime() - started > 1_000_000_000L)) {
            nfs.warm(slot);
            warm = true;
        }
        if (paused) {
            nfs.heartbeat(slot, System.nanoTime());
            return 0;
        }
        takeMessages();
        int n = poll();
        if (n == 0) {
            nfs.heartbeat(slot, System.nanoTime());
            if (perFlow && leaseEnded()) {
                endFlow(); // the manager ended it, and its last packets are handled
            }
            nf.idle(context);
        } else if ((loops & 15) == 0) { // a busy loop takes well under a millisecond: every 16th is often enough
            nfs.heartbeat(slot, System.nanoTime());
        }
        return n;
    }

    /**
     * Ends the loop without losing a packet: hands the service over, drains the rx ring, waits
     * (bounded) for the manager to take what is in the tx ring, then runs the NF's stop hook.
     */
    public void finish() {
        try {
            // Hand the service over before draining: once the manager has taken this slot off the
            // service's instances, producers stop feeding it, so the drain below ends and leaves
            // nothing behind for the reclaimer (until then, keep handling what arrives).
            onStopping.run();
            long handOver = System.nanoTime() + HAND_OVER_TIMEOUT_NANOS;
            while (listed() && System.nanoTime() < handOver) {
                nfs.loopCount(slot, ++loops);
                nfs.heartbeat(slot, System.nanoTime());
                if (poll() == 0) {
                    spinWait();
                }
            }
            // Off the service is not yet nothing more to come: a producer that read the instances just before may still
            // be enqueueing here. Keep handling packets until every producer has started a new loop since (the
            // reclaimer's grace period, seen from this side), then drain what is left.
            if (!listed()) {
                // Made here, not with the NF: it keeps arrays the size of the NF table, and an NF host of
                // 10,000 per-flow NFs in a region of 10,000 slots would hold 10,000 of them (900 MB).
                Quiescence grace = new Quiescence(region).begin(slot, -1);
                long graceEnd = System.nanoTime() + HAND_OVER_TIMEOUT_NANOS;
                while (!grace.passed() && System.nanoTime() < graceEnd) {
                    nfs.loopCount(slot, ++loops);
                    nfs.heartbeat(slot, System.nanoTime());
                    if (poll() == 0) {
                        spinWait();
                    }
                }
            }
            for (int i = 0; i < 1024 && poll() > 0; i++) {
                nfs.loopCount(slot, ++loops);
            }
            // Held packets wait for the NF's output; give them (and what is behind them in the ring) the same bound.
            long heldEnd = System.nanoTime() + HAND_OVER_TIMEOUT_NANOS;
            while ((held > 0 || rx.size() > 0 || carriedCount > 0) && System.nanoTime() < heldEnd) {
                nfs.loopCount(slot, ++loops);
                nfs.heartbeat(slot, System.nanoTime());
                poll();
                if (stalled) {
                    context.awaitOutput(HELD_WAIT_NANOS);
                }
            }
            if (held > 0) {
                router.drop(heldIndices, 0, held, DropReason.IO_HELD);
                held = 0;
            }
            // What this NF put in its tx ring belongs to a manager TX thread only while the NF
            // lives: give it the time to take it all before saying bye (after that, the
            // reclaimer would free what is left as nf_dead).
            long txDrain = System.nanoTime() + HAND_OVER_TIMEOUT_NANOS;
            while (tx.size() > 0 && System.nanoTime() < txDrain) {
                nfs.loopCount(slot, ++loops);
                nfs.heartbeat(slot, System.nanoTime());
                Thread.yield();
            }
        } finally {
            if (carriedCount > 0) {
                router.drop(carried, 0, carriedCount, DropReason.NF_DEAD); // the bounded drain ran out: counted
                carriedCount = 0;
            }
            endFlow();
            nf.stop(context);
            context.closeOutputs();
            router.flushCounters(0);
            cache.close();
            if (capture != null) {
                capture.close();
            }
            nfs.loopCount(slot, ++loops);
        }
    }

    // Between bursts: a bounded number per round, so that a flood of messages cannot starve packets.
    private void takeMessages() {
        for (int i = 0; i < MESSAGES_PER_ROUND && inbox.poll(message); i++) {
            messages.countReceived(slot);
            if (message.type() >= 0) { // negative types are the platform's, meant for the manager
                nf.onMessage(message, context);
            }
        }
    }

    private Router router() {
        return router;
    }

    private int toTx(int[] idx, int off, int n) {
        int done = tx.enqueueBurst(idx, off, n);
        if (done > 0 && txDoorbell >= 0) {
            SlotBitmap.set(segment, txPending, slot);
            Doorbell.ring(segment, txDoorbell);
        }
        return done;
    }

    private int poll() {
        stalled = false;
        boolean retry = held > 0;
        int n;
        if (retry) { // held packets go first, in their order; nothing new until they are let go
            System.arraycopy(heldIndices, 0, indices, 0, held);
            n = held;
            held = 0;
            nf.process(burst.size(n), context);
        } else {
            if (carriedCount > 0) { // a later flow's packets, dequeued behind the previous flow's last
                n = carriedCount;
                System.arraycopy(carried, 0, indices, 0, n);
                carriedCount = 0;
            } else {
                n = rx.dequeueBurst(indices, 0, indices.length);
                if (n == 0) {
                    return 0;
                }
                Counters.add(segment, base + NfSlotDescriptor.RX_PACKETS, n);
                Counters.add(segment, base + NfSlotDescriptor.RX_BURSTS, 1);
                if (capture != null) {
                    capture.write(indices, 0, n);
                }
            }
            if (perFlow && (n = admitFlow(n)) == 0) {
                return 0;
            }
            if (!handle(n)) {
                return 0;
            }
        }
        if (burst.heldCount() > 0) {
            n = setAsideHeld(n);
            if (n == 0) {
                stalled = true;
                return 0;
            }
        }
        if (options.hop() == Hop.DIRECT) {
            router.route(indices, n);
        } else {
            int done = toTx(indices, 0, n);
            if (done < n) {
                router.drop(indices, done, n - done, DropReason.RING_FULL);
            }
            router.flushCounters(done);
        }
        return n;
    }

    // Runs the handler on the first n packets (one burst in 64 timed); false if a per-flow handler threw, its flow
    // failed and the packets are dropped.
    private boolean handle(int n) {
        if (!perFlow) {
            process(n);
            return true;
        }
        try {
            process(n);
            return true;
        } catch (RuntimeException e) {
            flowFailed = true;
            Counters.add(segment, base + NfSlotDescriptor.FLOWS_FAILED, 1);
            router.drop(indices, 0, n, DropReason.FLOW_FAILED);
            router.flushCounters(0);
            burst.size(0);
            if (Counters.get(segment, base + NfSlotDescriptor.FLOWS_FAILED) <= 3) { // a few, not one per flow
                LOG.warn("NF in slot {} threw on its flow ({}); the flow fails, the instance goes on to its next flow"
                        + " (the first 3 are logged)", slot, FlowLease.describe(context.flowLease()), e);
            }
            return false;
        }
    }

    private void process(int n) {
        if (cost.sampleNext()) {
            long began = costClock();
            nf.process(burst.size(n), context);
            nfs.costPicos(slot, cost.record(costClock() - began, n));
        } else {
            nf.process(burst.size(n), context);
        }
    }

    // Per-flow: keeps the packets of the flow being served (starting the next flow if the first packet is of a later
    // one), drops those of ended or failed flows, and carries the packets from the first one of a later flow on to
    // the next round. Returns the packets kept, at indices[0 ..].
    private int admitFlow(int n) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int index = indices[i];
            int generation = FlowLease.generation(flowMeta.wrap(index).flowLease());
            if (flowGeneration >= 0 && generation == flowGeneration) {
                if (flowFailed) {
                    router.drop(indices, i, 1, DropReason.FLOW_FAILED);
                } else {
                    indices[kept++] = index;
                }
            } else if (later(generation)) {
                if (kept > 0) { // the current flow's packets go first, as a burst of their own
                    carriedCount = n - i;
                    System.arraycopy(indices, i, carried, 0, carriedCount);
                    break;
                }
                endFlow();
                startFlow(generation);
                indices[kept++] = index;
            } else {
                router.drop(indices, i, 1, DropReason.FLOW_ENDED);
            }
        }
        if (kept < n) {
            router.flushCounters(0);
        }
        return kept;
    }

    private boolean later(int generation) {
        int reference = flowGeneration >= 0 ? flowGeneration : lastGeneration;
        return reference < 0 || FlowLease.compare(generation, reference) > 0;
    }

    private void startFlow(int generation) {
        flowGeneration = generation;
        flowFailed = false;
        context.flowLease(FlowLease.of(slot, generation));
        Counters.add(segment, base + NfSlotDescriptor.FLOWS_STARTED, 1);
        try {
            nf.onFlowStart(context);
        } catch (RuntimeException e) {
            flowFailed = true;
            Counters.add(segment, base + NfSlotDescriptor.FLOWS_FAILED, 1);
            LOG.warn("NF in slot {} threw in onFlowStart; its flow fails", slot, e);
        }
    }

    // Ends the flow being served, if any: its packets are all handled.
    private void endFlow() {
        if (flowGeneration < 0) {
            return;
        }
        lastGeneration = flowGeneration;
        flowGeneration = -1;
        try {
            nf.onFlowEnd(context);
        } catch (RuntimeException e) {
            LOG.warn("NF in slot {} threw in onFlowEnd; its next flow starts as usual", slot, e);
        }
        context.flowLease(FlowLease.NONE);
    }

    // Whether the manager has ended (or replaced) the lease of the flow being served, in this NF's slot.
    private boolean leaseEnded() {
        return flowGeneration >= 0 && nfs.flowLease(slot) != FlowLease.of(slot, flowGeneration);
    }

    // Moves the burst's held packets to heldIndices (in order) and closes the gaps; returns the packets left to route.
    private int setAsideHeld(int n) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (burst.held(i)) {
                heldIndices[held++] = indices[i];
            } else {
                indices[kept++] = indices[i];
            }
        }
        return kept;
    }
}

package org.jnetvm.manager.rx;

import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.flow.FlowClassifier;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.flow.FlowTarget;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.HopCounters;
import org.jnetvm.core.idle.IdleStrategy;
import org.jnetvm.core.idle.PollIdleStrategy;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.sys.Poll;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.manager.Agent;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.manager.tx.PortTransmitter;
import org.jnetvm.nf.runtime.DirectOutput;
import org.jnetvm.nf.runtime.NfSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jnetvm.manager.port.Port;
import org.jnetvm.manager.flow.PerFlowPools;

/**
 * The manager's receive path: reads bursts from its ports, classifies each packet with the flow
 * director ({@link FlowClassifier}: its flow's entry, else the rules, else the {@link DefaultChain}),
 * and hands it to the first service of its chain (or the service its flow is steered to) through
 * the {@link Router}; flows steered to drop are counted as flow_drop. While the director has
 * neither rules nor entries (one check per burst), packets take the default chain without a parse.
 * Each port is read by exactly one RxAgent.
 */
public final class RxAgent implements Agent {
    /** How often the ports' own drop counts (and the kernel's) are published: a system call each. */
    private static final long PUBLISH_INTERVAL_NANOS = 100_000_000L;
    /** Idle rounds an RX thread of socket ports spins before it sleeps in poll(2), and its longest sleep. */
    private static final int POLL_SPINS = 64;
    private static final int POLL_CAP_MILLIS = 10;
    /** With inline NFs, which NF processes may feed without waking this thread: a shorter sleep. */
    private static final int POLL_CAP_INLINE_MILLIS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(RxAgent.class);

    private final String name;
    private final Port[] ports;
    private final int[] portIds;
    private final PortTable portTable;
    private final PoolCache cache;
    private final Router router;
    private final PacketMeta meta;
    private final int[] burst;
    private final DefaultChain defaultChain;
    private final FlowClassifier classifier;
    private final int[] drops;
    private final int[] poolFull;
    private PerFlowPools.Binder perFlow; // null: no per-flow service; set before the thread starts
    private long nextPublish;
    private Poll poll;
    private final PortTransmitter transmitter;
    private NfLauncher.Launched[] inline = new NfLauncher.Launched[0]; // set before the thread starts
    private volatile boolean receiving = true;

    /**
     * @param threadIndex  this thread's block in the THREADS area
     * @param ports        the ports (or port queues, see {@link Port#receivers()}) this thread reads
     * @param portIds      their ids (index in the PORTS area)
     * @param portCount    ports configured in all (OUT beyond it is no_port)
     * @param transmitter  sends the OUT packets of the inline NFs this thread runs
     * @param defaultChain the chain packets get, read once per burst
     */
    public RxAgent(String name, Region region, int threadIndex, Port[] ports, int[] portIds, int portCount,
                   int burstSize, PortTransmitter transmitter, DefaultChain defaultChain) {
        this.transmitter = transmitter;
        this.name = name;
        this.ports = ports.clone();
        this.portIds = portIds.clone();
        this.portTable = new PortTable(region);
        PacketPool pool = new PacketPool(region);
        this.cache = pool.newCache();
        this.meta = pool.newMeta();
        // RX packets never carry OUT (they enter at the head of a chain): no port output.
        this.router = Router.ofManagerThread(region, new NfTable(region), cache, (port, idx, off, n) -> 0, threadIndex,
                portCount, burstSize);
        router.countHops(HopCounters.ENTRY, false);
        this.burst = new int[burstSize];
        this.drops = new int[burstSize];
        this.poolFull = new int[burstSize];
        this.defaultChain = defaultChain;
        this.classifier = new FlowClassifier(new FlowTable(region), region.segment());
    }

    /**
     * When every port of this thread has a socket (af_packet, tap): a few spins, then poll(2) on
     * the sockets; otherwise (a generator or pcap file is always ready or paces itself) the
     * default backoff.
     */
    @Override
    public IdleStrategy idleStrategy() {
        IdleStrategy backoff = Agent.super.idleStrategy();
        int[] fds = new int[ports.length];
        for (int p = 0; p < ports.length; p++) {
            fds[p] = ports[p].pollFd();
            if (fds[p] < 0) {
                return backoff;
            }
        }
        if (fds.length == 0) {
            return backoff;
        }
        poll = new Poll(fds);
        IdleStrategy sockets = new PollIdleStrategy(poll, POLL_SPINS,
                inline.length > 0 ? POLL_CAP_INLINE_MILLIS : POLL_CAP_MILLIS);
        // Once it stops receiving, unread frames keep the sockets readable: poll(2) would not sleep.
        return new IdleStrategy() {
            @Override
            public void idle(int workCount) {
                (receiving ? sockets : backoff).idle(workCount);
            }

            @Override
            public void reset() {
                sockets.reset();
                backoff.reset();
            }
        };
    }

    @Override
    public String roleName() {
        return name;
    }

    /**
     * Where the OUT packets of an inline NF on this thread go: straight into the port, counted as
     * this thread's tx (see {@link org.jnetvm.manager.nf.NfLauncher#launchInline}).
     */
    public DirectOutput directOutput() {
        return transmitter::transmit;
    }

    /**
     * Runs {@code nf}, an inline NF already started, on this thread: one step of its loop per
     * round, after the ports; when it is asked to stop, its drain and stop hook, and it is
     * closed. Call before the thread starts.
     */
    public void adopt(NfLauncher.Launched nf) {
        inline = java.util.Arrays.copyOf(inline, inline.length + 1);
        inline[inline.length - 1] = nf;
        // What this thread reads for that service goes to this instance: it never leaves the thread.
        var registered = nf.session().registration();
        router.preferLocal(registered.serviceId(), registered.slot());
    }

    /**
     * Binds the flows of packets bound for a per-flow service to instances of their own ({@link PerFlowPools}),
     * stamping each packet with its flow's lease. Call before the thread starts.
     */
    public void bindPerFlow(PerFlowPools.Binder binder) {
        this.perFlow = binder;
    }

    /**
     * Drops (or with {@code ecn} CE-marks) at entry the packets of chains the scheduler throttled; a chain is admitted
     * again once its bottleneck NF's ring is under {@code lowPercent}. Call before the thread starts.
     */
    public void enforceBackpressure(boolean ecn, int lowPercent) {
        router.enforceBackpressure(ecn, lowPercent);
    }

    /**
     * Stops reading the ports; inline NFs keep running until they are asked to stop, so what is
     * in flight drains. Any thread.
     */
    public void stopReceiving() {
        receiving = false;
    }

    @Override
    public int doWork() {
        int work = receiving ? receive() : 0;
        for (NfLauncher.Launched nf : inline) {
            if (!nf.finished().isDone()) {
                work += stepInline(nf);
            }
        }
        long now = System.nanoTime(); // vDSO: no system call
        if (now - nextPublish >= 0) {
            nextPublish = now + PUBLISH_INTERVAL_NANOS;
            publishPortCounters();
        }
        return work;
    }

    private int stepInline(NfLauncher.Launched nf) {
        NfSession session = nf.session();
        try {
            if (!session.stopRequested()) {
                return session.step();
            }
            session.finish();
        } catch (RuntimeException e) {
            // A bug in the NF: it ends here (closing its session tells the manager it died, and
            // its buffers are reclaimed), this thread and its ports go on.
            LOG.error("inline NF {} for service {} failed; it stops", nf.nf(), nf.service(), e);
        }
        session.close();
        nf.finished().complete(null);
        return 0;
    }

    private int receive() {
        int work = 0;
        for (int p = 0; p < ports.length; p++) {
            int n = ports[p].receive(burst, burst.length, router);
            if (n == 0) {
                continue;
            }
            long bytes = 0;
            long now = System.nanoTime(); // one clock read per burst: the packets' time of entry (PacketMeta)
            int chain = defaultChain.id();
            int kept = n;
            boolean rules = classifier.beginBurst();
            if (rules || perFlow != null) {
                kept = 0;
                int dropped = 0;
                int full = 0;
                long tick = 0;
                if (perFlow != null) {
                    perFlow.beginBurst();
                    tick = FlowTable.tick();
                }
                for (int i = 0; i < n; i++) {
                    PacketMeta m = meta.wrap(burst[i]).timestamp(now);
                    bytes += m.dataLength();
                    if (!steer(m, rules ? classifier.classify(m) : FlowTarget.DEFAULT, chain)) {
                        drops[dropped++] = burst[i];
                    } else if (perFlow != null && !bind(m, rules, tick)) {
                        poolFull[full++] = burst[i];
                    } else {
                        burst[kept++] = burst[i];
                    }
                }
                if (dropped > 0) {
                    router.drop(drops, 0, dropped, DropReason.FLOW_DROP); // counted with the burst's flush
                }
                if (full > 0) {
                    router.drop(poolFull, 0, full, DropReason.POOL_FULL);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    PacketMeta m = meta.wrap(burst[i]).timestamp(now);
                    bytes += m.dataLength();
                    m.chainId(chain).chainIndex(Router.ENTRY_POSITION).action(Action.NEXT);
                }
            }
            portTable.countRx(portIds[p], n, bytes);
            router.route(burst, kept);
            work += n;
        }
        return work;
    }

    // Gives the packet its flow's lease if it is bound for a per-flow service; false if the pool has no instance for
    // a new flow. A packet that is not IP gets no lease: the router finds no instance for it (no_instance).
    private boolean bind(PacketMeta m, boolean parsed, long tick) {
        int service = perFlow.serviceFor(m);
        if (service == 0) {
            return true;
        }
        boolean ip = parsed ? classifier.tuple().family() != org.jnetvm.core.packet.FiveTuple.FAMILY_NONE
                : classifier.parse(m);
        if (!ip) {
            return true;
        }
        int hash = (m.flags() & PacketMeta.FLAG_HASH_VALID) != 0 ? m.flowHash() : 0;
        int lease = perFlow.bind(service, classifier.tuple(), hash, classifier.tcpFlags(), tick);
        m.flowLease(lease);
        return lease != org.jnetvm.core.flow.FlowLease.NONE;
    }

    /** Stamps {@code m} for its flow's target; false if the flow is dropped at entry. */
    private static boolean steer(PacketMeta m, int target, int defaultChain) {
        switch (FlowTarget.kind(target)) {
            case FlowTarget.KIND_CHAIN -> m.chainId(FlowTarget.value(target)).chainIndex(Router.ENTRY_POSITION)
                    .action(Action.NEXT);
            case FlowTarget.KIND_SERVICE -> m.chainId(defaultChain).chainIndex(Router.SERVICE_ONLY_POSITION)
                    .action(Action.TONF).destination(FlowTarget.value(target));
            case FlowTarget.KIND_DROP -> {
                return false;
            }
            default -> m.chainId(defaultChain).chainIndex(Router.ENTRY_POSITION).action(Action.NEXT);
        }
        return true;
    }

    private void publishPortCounters() {
        for (int p = 0; p < ports.length; p++) {
            ports[p].publishCounters(portTable, portIds[p]);
        }
    }

    @Override
    public void onClose() {
        for (NfLauncher.Launched nf : inline) {
            if (!nf.finished().isDone()) {
                nf.session().requestStop();
                stepInline(nf); // the thread ends: drain and stop the NF here
            }
        }
        publishPortCounters();
        router.flushCounters(0);
        cache.close();
        if (poll != null) {
            poll.close();
        }
    }
}

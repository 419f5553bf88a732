package org.jnetvm.manager.rx;

import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.idle.IdleStrategy;
import org.jnetvm.core.idle.PollIdleStrategy;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.sys.Poll;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.manager.Agent;
import org.jnetvm.manager.port.Port;

/**
 * The manager's receive path: reads bursts from its ports, classifies each packet (the
 * default chain for now; the flow director will choose per flow), and hands it to the first
 * service of its chain through the {@link Router}. Each port is read by exactly one RxAgent.
 */
public final class RxAgent implements Agent {
    /** How often the ports' own drop counts (and the kernel's) are published: a system call each. */
    private static final long PUBLISH_INTERVAL_NANOS = 100_000_000L;
    /** Idle rounds an RX thread of socket ports spins before it sleeps in poll(2), and its longest sleep. */
    private static final int POLL_SPINS = 64;
    private static final int POLL_CAP_MILLIS = 10;

    private final String name;
    private final Port[] ports;
    private final int[] portIds;
    private final PortTable portTable;
    private final PoolCache cache;
    private final Router router;
    private final PacketMeta meta;
    private final int[] burst;
    private long nextPublish;
    private Poll poll;

    /**
     * @param threadIndex  this thread's block in the THREADS area
     * @param ports        the ports (or port queues, see {@link Port#receivers()}) this thread reads
     * @param portIds      their ids (index in the PORTS area)
     * @param portCount    ports configured in all (OUT beyond it is no_port)
     */
    public RxAgent(String name, Region region, int threadIndex, Port[] ports, int[] portIds, int portCount,
                   int burstSize) {
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
        this.burst = new int[burstSize];
    }

    /**
     * When every port of this thread has a socket (af_packet, tap): a few spins, then poll(2) on
     * the sockets; otherwise (a generator or pcap file is always ready or paces itself) the
     * default backoff.
     */
    @Override
    public IdleStrategy idleStrategy() {
        int[] fds = new int[ports.length];
        for (int p = 0; p < ports.length; p++) {
            fds[p] = ports[p].pollFd();
            if (fds[p] < 0) {
                return Agent.super.idleStrategy();
            }
        }
        if (fds.length == 0) {
            return Agent.super.idleStrategy();
        }
        poll = new Poll(fds);
        return new PollIdleStrategy(poll, POLL_SPINS, POLL_CAP_MILLIS);
    }

    @Override
    public String roleName() {
        return name;
    }

    @Override
    public int doWork() {
        int work = 0;
        for (int p = 0; p < ports.length; p++) {
            int n = ports[p].receive(burst, burst.length, router);
            if (n == 0) {
                continue;
            }
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                PacketMeta m = meta.wrap(burst[i]);
                bytes += m.dataLength();
                m.chainId(ChainTable.DEFAULT_CHAIN).chainIndex(Router.ENTRY_POSITION).action(Action.NEXT);
            }
            portTable.countRx(portIds[p], n, bytes);
            router.route(burst, n);
            work += n;
        }
        long now = System.nanoTime(); // vDSO: no system call
        if (now - nextPublish >= 0) {
            nextPublish = now + PUBLISH_INTERVAL_NANOS;
            publishPortCounters();
        }
        return work;
    }

    private void publishPortCounters() {
        for (int p = 0; p < ports.length; p++) {
            ports[p].publishCounters(portTable, portIds[p]);
        }
    }

    @Override
    public void onClose() {
        publishPortCounters();
        router.flushCounters(0);
        cache.close();
        if (poll != null) {
            poll.close();
        }
    }
}

package org.jnetvm.nfs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.route.Owner;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.testing.TestRegions;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;

/**
 * Runs one NF's handler on real packets without a manager: a real region and pool, the NF in
 * slot 0 of service 1, named ports; frames (from FrameBuilder) are copied into pool buffers,
 * described as a port would (length, input port, flow hash), handed to the NF as bursts, and
 * what the NF decided (action, destination, flags, the frame bytes afterwards) is read back
 * before the buffers go back to the pool.
 */
final class NfHarness implements AutoCloseable {
    static final int BURST = 32;
    static final int SERVICE = 1;

    /** One packet after the handler: its action, destination, metadata flags, user word and frame. */
    record Outcome(int action, int destination, int flags, int userWord, byte[] frame) {
        boolean dropped() {
            return action == Action.DROP;
        }

        boolean forwarded() {
            return action == Action.NEXT;
        }

        boolean out(int port) {
            return action == Action.OUT && destination == port;
        }
    }

    private final Region region;
    private final PacketPool pool;
    private final PoolCache cache;
    private final Router router;
    private final NfContext context;
    private final NetworkFunction nf;
    private final PacketMeta meta;
    private final PacketParser parser = new PacketParser();
    private final int[] indices = new int[BURST];
    private final PacketBurst burst;
    private boolean initialized;

    private NfHarness(NetworkFunction nf, String... ports) {
        this.nf = nf;
        region = Region.create(TestRegions.small("nfs").nfSlots(2).serviceCount(4).portCount(Math.max(1, ports.length))
                .threadCount(2).bufferCount(2048).build());
        pool = new PacketPool(region);
        cache = pool.newCache();
        NfTable nfs = new NfTable(region);
        ServiceTable services = new ServiceTable(region);
        PortTable portTable = new PortTable(region);
        services.define(SERVICE, "under-test");
        nfs.claim(0, SERVICE, 0, ProcessHandle.current().pid(), "under-test");
        services.addInstance(SERVICE, 0);
        for (int p = 0; p < ports.length; p++) {
            portTable.open(p, ports[p], "sink");
        }
        long base = nfs.offset(0);
        router = new Router(nfs, services, new ChainTable(region), pool.newMeta(), cache, (port, idx, off, n) -> 0,
                Owner.ofSlot(0), portTable.portCount(), base + NfSlotDescriptor.DROPS_OFFSET,
                base + NfSlotDescriptor.TX_PACKETS, BURST);
        context = new NfContext(0, SERVICE, 0, pool, nfs, services, portTable, router,
                new org.jnetvm.core.flow.FlowTable(region), new ChainTable(region),
                new org.jnetvm.core.msg.Messages(region));
        meta = pool.newMeta();
        burst = new PacketBurst(indices, pool.newMeta(), region.segment());
    }

    /** The region's flow table (what an NF's steering wrote). */
    org.jnetvm.core.flow.FlowTable flows() {
        return new org.jnetvm.core.flow.FlowTable(region);
    }

    /** Starts {@code nf} (its init hook runs) with ports of these names, numbered from 0. */
    static NfHarness start(NetworkFunction nf, String... ports) {
        NfHarness h = new NfHarness(nf, ports);
        try {
            nf.init(h.context);
            h.initialized = true;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    NfContext context() {
        return context;
    }

    /** Runs one frame through the NF, arriving on port 0. */
    Outcome run(byte[] frame) {
        return run(List.of(frame), 0).getFirst();
    }

    /** Runs frames through the NF in bursts of up to 32, as arriving on {@code inputPort}. */
    List<Outcome> run(List<byte[]> frames, int inputPort) {
        List<Outcome> out = new ArrayList<>(frames.size());
        for (int from = 0; from < frames.size(); from += BURST) {
            int n = Math.min(BURST, frames.size() - from);
            if (router.alloc(indices, 0, n) != n) {
                throw new IllegalStateException("pool empty");
            }
            for (int i = 0; i < n; i++) {
                fill(indices[i], frames.get(from + i), inputPort);
            }
            nf.process(burst.size(n), context);
            for (int i = 0; i < n; i++) {
                out.add(outcome(indices[i]));
            }
            router.release(indices, 0, n);
        }
        return out;
    }

    /**
     * Runs the same frames through the NF {@code rounds} times without reading anything back
     * (the frames are rewritten into the buffers every round, so NFs that change packets see
     * the original each time): for measuring what the handler allocates.
     */
    void runQuietly(List<byte[]> frames, int rounds) {
        int n = Math.min(BURST, frames.size());
        if (router.alloc(indices, 0, n) != n) {
            throw new IllegalStateException("pool empty");
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                fill(indices[i], frames.get((r * n + i) % frames.size()), 0);
            }
            nf.process(burst.size(n), context);
        }
        router.release(indices, 0, n);
    }

    private void fill(int index, byte[] frame, int inputPort) {
        PacketMeta m = meta.wrap(index);
        m.dataOffset(pool.headroom());
        MemorySegment.copy(frame, 0, region.segment(), ValueLayout.JAVA_BYTE, m.dataAddress(), frame.length);
        int hash = parser.parse(region.segment(), m.dataAddress(), frame.length) == PacketParser.OK
                ? FlowHash.SYMMETRIC.hash(parser) : 0;
        m.dataLength(frame.length).flowHash(hash).flags(hash != 0 ? PacketMeta.FLAG_HASH_VALID : 0)
                .inputPort(inputPort).action(Action.NEXT);
        region.segment().set(ValueLayout.JAVA_INT, m.userAddress(), 0);
    }

    private Outcome outcome(int index) {
        PacketMeta m = meta.wrap(index);
        byte[] frame = new byte[m.dataLength()];
        MemorySegment.copy(region.segment(), ValueLayout.JAVA_BYTE, m.dataAddress(), frame, 0, frame.length);
        return new Outcome(m.action(), m.destination(), m.flags(),
                region.segment().get(ValueLayout.JAVA_INT, m.userAddress()), frame);
    }

    /** Stops the NF (its stop hook runs) and removes the region. */
    @Override
    public void close() {
        try {
            if (initialized) {
                nf.stop(context);
            }
        } finally {
            cache.close();
            region.close();
        }
    }
}

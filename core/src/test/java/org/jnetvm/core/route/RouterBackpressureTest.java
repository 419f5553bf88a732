package org.jnetvm.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.Ecn;
import org.jnetvm.core.packet.UdpTraffic;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backpressure in the router: an RX thread's router drops (or CE-marks) a throttled chain's packets at entry and
 * admits them again once the bottleneck has drained; an NF's router retries a full ring; a full ring's refusals
 * are counted in the refusing NF's slot.
 */
class RouterBackpressureTest {
    static final int BURST = 32;
    static final int SERVICE = 1;
    static final int SLOT = 0;
    static final int CHAIN = ChainTable.DEFAULT_CHAIN;
    static final int LOW_PERCENT = 60;

    Region region;
    PacketPool pool;
    PoolCache cache;
    NfTable nfs;
    ChainTable chains;
    ThreadTable threads;
    PacketMeta meta;
    MpmcRing ring;
    final UdpTraffic traffic = new UdpTraffic(64, 8);
    final int[] burst = new int[BURST];

    @BeforeEach
    void region() {
        region = Region.create(TestRegions.small("bp").nfSlots(2).serviceCount(2).portCount(1).threadCount(1)
                .ringCapacity(128).build());
        pool = new PacketPool(region);
        cache = pool.newCache();
        nfs = new NfTable(region);
        chains = new ChainTable(region);
        threads = new ThreadTable(region);
        meta = pool.newMeta();
        ServiceTable services = new ServiceTable(region);
        services.define(SERVICE, "svc");
        nfs.claim(SLOT, SERVICE, 0, ProcessHandle.current().pid(), "test");
        nfs.state(SLOT, NfState.RUNNING);
        services.addInstance(SERVICE, SLOT);
        chains.set(CHAIN, "default", new int[] {SERVICE});
        ring = nfs.rxRing(SLOT);
    }

    @AfterEach
    void close() {
        cache.close();
        region.close();
    }

    Router rxRouter() {
        Router router = Router.ofManagerThread(region, nfs, cache, (port, idx, off, n) -> 0, 0, 1, BURST);
        router.enforceBackpressure(false, LOW_PERCENT);
        return router;
    }

    /** A burst of frames as an RX thread stamps them: at the entry of the default chain. */
    int[] entryBurst(int ecnBits) {
        assertThat(cache.alloc(burst, 0, BURST)).isEqualTo(BURST);
        for (int i = 0; i < BURST; i++) {
            PacketMeta m = meta.wrap(burst[i]).reset();
            int length = traffic.write(region.segment(), m.dataAddress(), i % traffic.flows());
            m.dataLength(length).chainId(CHAIN).chainIndex(Router.ENTRY_POSITION).action(Action.NEXT);
            long ip = m.dataAddress() + 14;
            region.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, ip + 1, (byte) ecnBits);
            Checksums.updateIpv4Header(region.segment(), ip);
        }
        return burst;
    }

    /** Fills the NF's ring to {@code percent} with buffers; returns how many. */
    int fillRing(int percent) {
        int want = ring.capacity() * percent / 100;
        int[] filler = new int[want];
        assertThat(cache.alloc(filler, 0, want)).isEqualTo(want);
        assertThat(ring.enqueueBurst(filler, 0, want)).isEqualTo(want);
        return want;
    }

    void drainRing(int leave) {
        int[] out = new int[ring.capacity()];
        int n = ring.dequeueBurst(out, 0, Math.max(0, ring.size() - leave));
        cache.free(out, 0, n);
    }

    long threadDrops(DropReason reason) {
        return threads.drops(reason);
    }

    @Test
    void aThrottledChainIsDroppedAtEntryUntilItsBottleneckDrainsBelowTheLowWatermark() {
        Router rx = rxRouter();
        fillRing(85);
        chains.throttle(CHAIN, SLOT);
        rx.route(entryBurst(0), BURST);
        assertThat(threadDrops(DropReason.BACKPRESSURE)).isEqualTo(BURST);
        assertThat(chains.backpressureDrops(CHAIN)).isEqualTo(BURST);
        assertThat(chains.throttled(CHAIN)).isTrue();

        drainRing(ring.capacity() * 70 / 100); // between the watermarks: still throttled
        rx.route(entryBurst(0), BURST);
        assertThat(chains.backpressureDrops(CHAIN)).isEqualTo(2 * BURST);

        drainRing(ring.capacity() * LOW_PERCENT / 100 - 1);
        int before = ring.size();
        rx.route(entryBurst(0), BURST);
        assertThat(chains.throttled(CHAIN)).as("the RX router lifted the mark itself").isFalse();
        assertThat(ring.size()).isEqualTo(before + BURST);
        assertThat(chains.backpressureDrops(CHAIN)).isEqualTo(2 * BURST);
        assertThat(pool.audit().inFlight()).isEqualTo(ring.size());
    }

    @Test
    void packetsAlreadyOnTheChainAndRoutersWithoutBackpressureAreNotThrottled() {
        fillRing(70); // above the low watermark, with room for a burst
        chains.throttle(CHAIN, SLOT);
        Router plain = Router.ofManagerThread(region, nfs, cache, (port, idx, off, n) -> 0, 0, 1, BURST);
        int before = ring.size();
        plain.route(entryBurst(0), BURST);
        assertThat(ring.size()).isEqualTo(before + BURST);
        assertThat(chains.backpressureDrops(CHAIN)).isZero();
    }

    @Test
    void withEcnCapablePacketsAreMarkedCongestedAndGoOnOthersAreDropped() {
        Router rx = Router.ofManagerThread(region, nfs, cache, (port, idx, off, n) -> 0, 0, 1, BURST);
        rx.enforceBackpressure(true, LOW_PERCENT);
        fillRing(70);
        chains.throttle(CHAIN, SLOT);
        int before = ring.size();
        rx.route(entryBurst(2), BURST); // ECT(0)
        assertThat(ring.size()).isEqualTo(before + BURST);
        assertThat(chains.ecnMarked(CHAIN)).isEqualTo(BURST);
        int[] taken = new int[ring.capacity()];
        int n = ring.dequeueBurst(taken, 0, taken.length);
        for (int i = n - BURST; i < n; i++) {
            long ip = meta.wrap(taken[i]).dataAddress() + 14;
            assertThat(region.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, ip + 1) & 3).isEqualTo(Ecn.CE);
            assertThat(Checksums.verifyIpv4Header(region.segment(), ip)).as("header checksum after marking").isTrue();
        }
        ring.enqueueBurst(taken, 0, n);

        rx.route(entryBurst(0), BURST); // not ECN-capable
        assertThat(chains.backpressureDrops(CHAIN)).isEqualTo(BURST);
        assertThat(chains.ecnMarked(CHAIN)).isEqualTo(BURST);
    }

    @Test
    void aFullRingCountsItsRefusalsInTheRefusingNfsSlot() {
        Router rx = Router.ofManagerThread(region, nfs, cache, (port, idx, off, n) -> 0, 0, 1, BURST);
        fillRing(100);
        rx.route(entryBurst(0), BURST);
        assertThat(threadDrops(DropReason.RING_FULL)).isEqualTo(BURST);
        assertThat(nfs.counter(SLOT, NfSlotDescriptor.RX_REFUSED)).isEqualTo(BURST);
    }

    @Test
    void anNfRouterRetriesAFullRingWhileItsConsumerCatchesUp() throws Exception {
        Router nf = Router.ofManagerThread(region, nfs, cache, (port, idx, off, n) -> 0, 0, 1, BURST);
        nf.retryFullFor(TimeUnit.SECONDS.toNanos(5)); // ends as soon as all is in: the consumer frees room at once
        fillRing(100);
        CountDownLatch go = new CountDownLatch(1);
        PoolCache consumerCache = pool.newCache();
        Thread consumer = Thread.ofPlatform().start(() -> {
            int[] out = new int[BURST];
            try {
                go.await();
                int n = ring.dequeueBurst(out, 0, BURST);
                consumerCache.free(out, 0, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int[] packets = entryBurst(0);
        go.countDown();
        nf.route(packets, BURST);
        consumer.join(10_000);
        assertThat(threadDrops(DropReason.RING_FULL)).as("nothing dropped: it waited for room").isZero();
        assertThat(ring.size()).isEqualTo(ring.capacity());
        consumerCache.close();
    }
}

package org.jnetvm.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PacketPoolTest {

    @Test
    void everyBufferCanBeAllocatedOnceAndTheAuditFollows() {
        try (Region region = Region.create(TestRegions.small("alloc").bufferCount(1000).build())) {
            PacketPool pool = new PacketPool(region);
            BitSet seen = new BitSet();
            int[] burst = new int[32];
            try (PoolCache cache = pool.newCache()) {
                int allocated = 0;
                while (cache.alloc(burst, 0, 8) == 8) {
                    for (int i = 0; i < 8; i++) {
                        assertThat(seen.get(burst[i])).as("buffer %d handed out twice", burst[i]).isFalse();
                        assertThat(burst[i]).isBetween(0, 999);
                        seen.set(burst[i]);
                    }
                    allocated += 8;
                }
                assertThat(allocated).isEqualTo(1000);
                assertThat(pool.audit()).isEqualTo(new PoolAudit(1000, 0, 0, 1000));
                assertThat(cache.alloc(burst, 0, 1)).as("empty pool").isZero();

                int[] all = seen.stream().toArray();
                cache.free(all, 0, 10);
                assertThat(pool.audit()).isEqualTo(new PoolAudit(1000, 0, 10, 990));
                for (int i = 10; i < all.length; i += 10) {
                    cache.free(all, i, 10);
                }
                PoolAudit audit = pool.audit();
                assertThat(audit.allReturned()).isTrue();
                assertThat(audit.cached()).isLessThanOrEqualTo(64 + 32);
            }
            assertThat(pool.audit()).as("closing the cache flushes it").isEqualTo(new PoolAudit(1000, 1000, 0, 0));
        }
    }

    @Test
    void randomAllocAndFreeKeepsTheAuditExact() {
        try (Region region = Region.create(TestRegions.small("random").bufferCount(2000).build())) {
            PacketPool pool = new PacketPool(region);
            SplittableRandom random = new SplittableRandom(7);
            List<Integer> held = new ArrayList<>();
            int[] burst = new int[200];
            try (PoolCache cache = pool.newCache()) {
                for (int step = 0; step < 20_000; step++) {
                    int n = 1 + random.nextInt(random.nextBoolean() ? 32 : 150);
                    if (random.nextBoolean()) {
                        int got = cache.alloc(burst, 0, n);
                        assertThat(got).isIn(0, n);
                        if (got == 0) {
                            assertThat(2000 - held.size()).as("alloc failed with enough free").isLessThan(n);
                        }
                        for (int i = 0; i < got; i++) {
                            held.add(burst[i]);
                        }
                    } else {
                        n = Math.min(n, held.size());
                        for (int i = 0; i < n; i++) {
                            burst[i] = held.remove(held.size() - 1);
                        }
                        cache.free(burst, 0, n);
                    }
                    PoolAudit audit = pool.audit();
                    assertThat(audit.inFlight()).isEqualTo(held.size());
                    assertThat(audit.cached()).isEqualTo(cache.cached());
                }
                assertThat(held.stream().distinct().count()).isEqualTo(held.size());
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threadsAllocatingAndFreingConcurrentlyLoseNothing() throws Exception {
        try (Region region = Region.create(TestRegions.small("threads").bufferCount(4096).build())) {
            PacketPool pool = new PacketPool(region);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int seed = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    PacketMeta meta = pool.newMeta();
                    SplittableRandom random = new SplittableRandom(seed);
                    int[] burst = new int[32];
                    try (PoolCache cache = pool.newCache()) {
                        for (int i = 0; i < 200_000; i++) {
                            int n = 1 + random.nextInt(32);
                            if (cache.alloc(burst, 0, n) == n) {
                                // Exactly one owner: stamp, then check nobody else stamped meanwhile.
                                for (int k = 0; k < n; k++) {
                                    meta.wrap(burst[k]).owner(seed + 1).flowLease(i);
                                }
                                for (int k = 0; k < n; k++) {
                                    meta.wrap(burst[k]);
                                    if (meta.owner() != seed + 1 || meta.flowLease() != i) {
                                        throw new AssertionError("buffer " + burst[k] + " owned by two threads");
                                    }
                                }
                                cache.free(burst, 0, n);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(pool.audit()).isEqualTo(new PoolAudit(4096, 4096, 0, 0));
        }
    }

    /**
     * The free ring has one slot per buffer, so when nearly every buffer is free a producer
     * often reaches a slot that a consumer has claimed but not yet released: a moment's wait,
     * not a double free.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNearlyFullFreeRingIsNotMistakenForADoubleFree() throws Exception {
        try (Region region = Region.create(TestRegions.small("nearfull").bufferCount(64).build())) {
            PacketPool pool = new PacketPool(region);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    int[] burst = new int[8];
                    try {
                        for (int i = 0; i < 300_000; i++) {
                            if (pool.allocBulk(burst, 0, burst.length) == burst.length) {
                                pool.free(burst, 0, burst.length);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(pool.audit()).isEqualTo(new PoolAudit(64, 64, 0, 0));
        }
    }

    /**
     * The two states a kill can leave a free of dropped buffers in once their count is stored (PoolCache.freeDropped):
     * the drop named in the count word and not yet added to the counter, which the reclaim adds; and added, not yet
     * cleared, which it leaves alone.
     */
    @Test
    void aDeadOwnersPendingDropIsCountedOnce() {
        for (boolean counterAdded : new boolean[] {false, true}) {
            try (Region region = Region.create(TestRegions.small("pending").bufferCount(512).cacheCount(1).build())) {
                PacketPool pool = new PacketPool(region);
                PoolCache cache = pool.newCache();
                long counters = region.layout().area(AreaKind.NF_TABLE).offset(); // any long words of the region
                int reason = 3;
                long counter = counters + reason * Long.BYTES;
                int[] burst = new int[16];
                cache.alloc(burst, 0, 16);
                cache.freeDropped(burst, 0, 10, reason, counters);
                assertThat(Counters.get(region.segment(), counter)).isEqualTo(10);
                long slot = region.layout().cacheOffset(0);
                long word = region.segment().get(ValueLayout.JAVA_LONG, slot + PoolCacheDescriptor.COUNT_WORD_OFFSET);
                assertThat(PoolCacheDescriptor.dropPending(word)).as("cleared once counted").isZero();
                // The last 6 freed as a drop the count covers, killed before (or after) the counter was added.
                long after = 16;
                region.segment().set(ValueLayout.JAVA_LONG, slot + PoolCacheDescriptor.COUNT_WORD_OFFSET,
                        PoolCacheDescriptor.countWord(PoolCacheDescriptor.count(word) + 6,
                                PoolCacheDescriptor.dropPending(reason, 6, after)));
                region.segment().asSlice(slot + PoolCacheDescriptor.ENTRIES_OFFSET + PoolCacheDescriptor.count(word) * 4L)
                        .copyFrom(MemorySegment.ofArray(Arrays.copyOfRange(burst, 10, 16)));
                if (counterAdded) {
                    Counters.add(region.segment(), counter, 6);
                }
                long self = ProcessHandle.current().pid();
                pool.reclaimCaches(pid -> pid == self);
                assertThat(Counters.get(region.segment(), counter)).as("counter added before the kill: %s", counterAdded)
                        .isEqualTo(16);
                assertThat(pool.audit()).isEqualTo(new PoolAudit(512, 512, 0, 0));
            }
        }
    }

    @Test
    void pendingDropsRoundTrip() {
        int pending = PoolCacheDescriptor.dropPending(23, PoolCacheDescriptor.DROP_MAX, 0x1234_5678_9ABCL);
        assertThat(PoolCacheDescriptor.dropArmed(pending)).isTrue();
        assertThat(PoolCacheDescriptor.dropReason(pending)).isEqualTo(23);
        assertThat(PoolCacheDescriptor.dropCount(pending)).isEqualTo(PoolCacheDescriptor.DROP_MAX);
        assertThat(PoolCacheDescriptor.dropCounted(pending, 0x1234_5678_9ABCL)).isTrue();
        assertThat(PoolCacheDescriptor.dropCounted(pending, 0x1234_5678_9ABCL - PoolCacheDescriptor.DROP_MAX)).isFalse();
        long word = PoolCacheDescriptor.countWord(4095, pending);
        assertThat(PoolCacheDescriptor.count(word)).isEqualTo(4095);
        assertThat(PoolCacheDescriptor.dropPending(word)).isEqualTo(pending);
        assertThat(PoolCacheDescriptor.dropArmed(PoolCacheDescriptor.dropPending(PoolCacheDescriptor.countWord(7, 0)))).isFalse();
    }

    @Test
    void cachesOfADeadOwnerAreReclaimed() {
        try (Region region = Region.create(TestRegions.small("reclaim").bufferCount(512).build())) {
            PacketPool pool = new PacketPool(region);
            PoolCache cache = pool.newCache();
            int[] burst = new int[16];
            cache.alloc(burst, 0, 16);
            cache.free(burst, 0, 16);
            int cached = cache.cached();
            assertThat(pool.audit().cached()).isEqualTo(cached).isPositive();
            // Pretend this process died: the manager reclaims its caches.
            long self = ProcessHandle.current().pid();
            assertThat(pool.reclaimCaches(pid -> pid == self)).isEqualTo(cached);
            assertThat(pool.audit()).isEqualTo(new PoolAudit(512, 512, 0, 0));
        }
    }

    @Test
    void runningOutOfCacheSlotsSaysWhatToDo() {
        try (Region region = Region.create(TestRegions.small("slots").cacheCount(2).build())) {
            PacketPool pool = new PacketPool(region);
            try (PoolCache a = pool.newCache(); PoolCache b = pool.newCache()) {
                assertThatThrownBy(pool::newCache).hasMessageContaining("all 2 pool caches")
                        .hasMessageContaining("larger cacheCount");
            }
            pool.newCache().close(); // slots are given back on close
        }
    }

    @Test
    void anUncachedCacheTakesNoSlotKeepsNothingAndWritesNothingOutsideTheRing() {
        try (Region region = Region.create(TestRegions.small("uncached").bufferCount(256).cacheCount(1).build())) {
            PacketPool pool = new PacketPool(region);
            byte[] header = region.segment().asSlice(0, 4096).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            try (PoolCache only = pool.newCache()) {
                List<PoolCache> uncached = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    uncached.add(pool.uncached()); // as many as NFs in small slots: no slot each
                }
                PoolCache u = uncached.getFirst();
                int[] got = new int[32];
                assertThat(u.alloc(got, 0, 0)).isZero();
                assertThat(u.alloc(got, 0, 32)).isEqualTo(32);
                assertThat(pool.audit().inFlight()).isEqualTo(32);
                assertThat(u.cached()).isZero();
                u.free(got, 0, 16);
                u.free(got, 0, 0);
                assertThat(pool.audit().inFlight()).as("freed straight to the ring").isEqualTo(16);
                u.free(got, 16, 16);
                uncached.forEach(PoolCache::close);
                assertThat(pool.audit().free()).isEqualTo(256);
                assertThat(pool.audit().cached()).isZero();
                assertThat(only.cached()).isZero();
            }
            assertThat(region.segment().asSlice(0, 4096).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                    .as("the region header untouched").isEqualTo(header);
        }
    }

    @Test
    void metadataFieldsRoundTrip() {
        try (Region region = Region.create(TestRegions.small("meta").build())) {
            PacketPool pool = new PacketPool(region);
            PacketMeta meta = pool.newMeta().wrap(17).reset();
            assertThat(meta.dataOffset()).isEqualTo(pool.headroom());
            assertThat(meta.dataAddress()).isEqualTo(pool.bufferAddress(17) + 64 + pool.headroom());
            meta.action(4).flags(0x81).chainIndex(15).destination(-7).inputPort(65535).dataLength(1514)
                    .flowHash(0xCAFEBABE).chainId(3).timestamp(123456789L).owner(99).flowLease(-1);
            meta.wrap(18).reset();
            meta.wrap(17);
            assertThat(meta.action()).isEqualTo(4);
            assertThat(meta.flags()).isEqualTo(0x81);
            assertThat(meta.chainIndex()).isEqualTo(15);
            assertThat(meta.destination()).isEqualTo(-7);
            assertThat(meta.inputPort()).isEqualTo(65535);
            assertThat(meta.dataLength()).isEqualTo(1514);
            assertThat(meta.flowHash()).isEqualTo(0xCAFEBABE);
            assertThat(meta.chainId()).isEqualTo(3);
            assertThat(meta.timestamp()).isEqualTo(123456789L);
            assertThat(meta.owner()).isEqualTo(99);
            assertThat(meta.flowLease()).isEqualTo(-1);
        }
    }
}

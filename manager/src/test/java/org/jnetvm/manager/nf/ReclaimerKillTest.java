package org.jnetvm.manager.nf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolAudit;
import org.jnetvm.core.pool.PoolCacheDescriptor;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.route.Owner;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kills by SIGKILL, at random instants, a real process that allocates and frees through a pool
 * cache as fast as it can (most of its time is spent in the cache's moves between its hands, its
 * shared count and the free ring), and checks after each kill that the reclaimer returns every
 * buffer, none twice: the free ring then holds each buffer exactly once. Before the cache kept
 * its count and a spill journal in step with its moves (PoolCache's class comment), a kill in the
 * middle of a spill or a free lost a burst now and then (NfDeathTest failed a few times in a hundred).
 */
class ReclaimerKillTest {
    private static final int SLOT = 1;
    private static final int KILLS = 16;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyBufferOfAProcessKilledMidAllocOrFreeComesBackOnce() throws Exception {
        try (Region region = Region.create(TestRegions.small("churn").bufferCount(4096).cacheCount(4)
                .cacheCapacity(64).nfSlots(2).serviceCount(1).portCount(1).threadCount(1).build())) {
            PacketPool pool = new PacketPool(region);
            NfTable nfs = new NfTable(region);
            Reclaimer reclaimer = new Reclaimer(region, 0);
            SplittableRandom random = new SplittableRandom(17);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            int fromHands = 0;
            int fromCaches = 0;
            for (int kill = 0; kill < KILLS; kill++) {
                Process churner = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx64m",
                        "-cp", System.getProperty("java.class.path"), PoolChurner.class.getName(),
                        region.name(), Integer.toString(Owner.ofSlot(SLOT)), Long.toString(random.nextLong()))
                        .redirectErrorStream(true).start();
                try {
                    var out = new BufferedReader(new InputStreamReader(churner.getInputStream(), StandardCharsets.UTF_8));
                    assertThat(out.readLine()).as("the churner's first line (kill %d)", kill).isEqualTo("churning");
                    // The instant of the kill is the variable of this test, not a synchronisation.
                    Thread.sleep(1 + random.nextInt(40));
                } finally {
                    churner.destroyForcibly();
                    assertThat(churner.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                nfs.state(SLOT, NfState.DEAD);
                String before = deadCache(region, churner.pid());
                Reclaimer.Result result = reclaimer.reclaim(SLOT, churner.pid());
                fromHands += result.buffers();
                fromCaches += result.cached();
                assertThat(pool.audit()).as("after kill %d (%s; the dead cache before: %s; %s)", kill, result, before,
                        leaked(pool)).isEqualTo(new PoolAudit(4096, 4096, 0, 0));
                assertEachBufferFreeOnce(pool);
            }
            assertThat(fromHands).as("buffers found in the killed processes' hands").isPositive();
            assertThat(fromCaches).as("buffers found in their caches").isPositive();
        }
    }

    // What the dead process's cache slot held: count and spill journal (for a failure's message).
    private static String deadCache(Region region, long pid) {
        var segment = region.segment();
        for (int i = 0; i < region.layout().cacheCount(); i++) {
            long slot = region.layout().cacheOffset(i);
            if (segment.get(java.lang.foreign.ValueLayout.JAVA_LONG, slot + PoolCacheDescriptor.OWNER_PID_OFFSET) == pid) {
                long journal = segment.get(java.lang.foreign.ValueLayout.JAVA_LONG, slot + PoolCacheDescriptor.SPILL_JOURNAL_OFFSET);
                return "count " + segment.get(java.lang.foreign.ValueLayout.JAVA_INT, slot + PoolCacheDescriptor.COUNT_OFFSET)
                        + ", journal state " + (MpmcRing.journalState(journal) >>> 62) + " n " + PoolCacheDescriptor.spillCount(journal)
                        + " base " + PoolCacheDescriptor.spillBase(journal) + " at " + (int) journal;
            }
        }
        return "no cache";
    }

    // The buffers in no ring and no cache, with their owner stamps (for a failure's message).
    private static String leaked(PacketPool pool) {
        int free = pool.audit().free();
        int[] all = new int[free];
        int got = pool.allocBulk(all, 0, free);
        BitSet home = new BitSet();
        for (int i = 0; i < got; i++) {
            home.set(all[i]);
        }
        pool.free(all, 0, got);
        var meta = pool.newMeta();
        StringBuilder b = new StringBuilder("leaked:");
        for (int i = home.nextClearBit(0); i < pool.size(); i = home.nextClearBit(i + 1)) {
            b.append(' ').append(i).append('/').append(meta.wrap(i).owner());
        }
        return b.toString();
    }

    private static void assertEachBufferFreeOnce(PacketPool pool) {
        int[] all = new int[pool.size()];
        assertThat(pool.allocBulk(all, 0, all.length)).isEqualTo(all.length);
        BitSet seen = new BitSet();
        for (int index : all) {
            assertThat(seen.get(index)).as("buffer %d is in the free ring twice", index).isFalse();
            seen.set(index);
        }
        pool.free(all, 0, all.length);
    }
}

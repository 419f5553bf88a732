package org.jnetvm.manager.nf;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;

/**
 * A process that does nothing but take buffers from the pool and give them back, as an NF does, in
 * bursts of every size (some larger than the cache), until it is killed: {@link ReclaimerKillTest}
 * kills it by SIGKILL at a random instant and checks that the reclaimer gets every buffer back once.
 *
 * <p>With "drop" as a fourth argument it is instead the NF of slot {@code owner}'s slot: it takes what
 * arrives in that slot's rx ring and drops all of it, in pieces of every size, counting the drops in the
 * slot's own drop counters (what {@code Router.drop} does), never allocating.
 *
 * <p>Arguments: region name, owner id to stamp, random seed [, drop slot]. Prints "churning" once it has
 * gone round its loop; ends by itself after 60 s (bounded).
 */
public final class PoolChurner {
    private PoolChurner() {
    }

    public static void main(String[] args) {
        Region region = Region.map(args[0]);
        int owner = Integer.parseInt(args[1]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
        PacketPool pool = new PacketPool(region);
        PoolCache cache = pool.newCache();
        PacketMeta meta = pool.newMeta();
        IntConsumer stamp = index -> meta.wrap(index).reset().owner(owner); // what Router.alloc stamps
        int[] held = new int[2048];
        int n = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        if (args.length > 4 && args[3].equals("drop")) {
            drop(region, cache, Integer.parseInt(args[4]), random, held, deadline);
            return;
        }
        for (long round = 0; System.nanoTime() < deadline; round++) {
            int want = random.nextInt(16) == 0 ? 1 + random.nextInt(300) : 1 + random.nextInt(32);
            if (n + want <= held.length) {
                n += cache.alloc(held, n, want, stamp);
            }
            int give = random.nextInt(n + 1);
            cache.free(held, n - give, give);
            n -= give;
            if (round == 1000) {
                System.out.println("churning");
                System.out.flush();
            }
        }
    }

    private static void drop(Region region, PoolCache cache, int slot, SplittableRandom random, int[] held,
                             long deadline) {
        NfTable nfs = new NfTable(region);
        MpmcRing rx = nfs.rxRing(slot);
        long counters = nfs.offset(slot) + NfSlotDescriptor.DROPS_OFFSET;
        for (long round = 0; System.nanoTime() < deadline; round++) {
            int n = rx.dequeueBurst(held, 0, 1 + random.nextInt(held.length));
            for (int done = 0; done < n; ) {
                int piece = 1 + random.nextInt(Math.min(n - done, random.nextInt(8) == 0 ? 300 : 32));
                cache.freeDropped(held, done, piece, DropReason.NF_DROP.code, counters);
                done += piece;
            }
            if (round == 1000) {
                System.out.println("churning");
                System.out.flush();
            }
        }
    }
}

package org.jnetvm.manager.nf;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.region.Region;

/**
 * A process that does nothing but take buffers from the pool and give them back, as an NF does, in
 * bursts of every size (some larger than the cache), until it is killed: {@link ReclaimerKillTest}
 * kills it by SIGKILL at a random instant and checks that the reclaimer gets every buffer back once.
 *
 * <p>Arguments: region name, owner id to stamp, random seed. Prints "churning" once it has gone
 * round its loop; ends by itself after 60 s (bounded).
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
}

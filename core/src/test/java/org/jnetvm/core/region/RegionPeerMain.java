package org.jnetvm.core.region;

import java.nio.file.Path;
import org.jnetvm.core.pool.PacketPool;

/**
 * Child process of {@link TwoProcessRegionTest}: maps the parent's region, then exchanges
 * buffers with it (consumes ring 0, produces ring 1). Prints one line {@code OK sent received}
 * or {@code FAIL reason}; exit code 0 only on OK.
 */
public final class RegionPeerMain {
    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        try (Region region = Region.map(path)) {
            PacketPool pool = new PacketPool(region);
            RingPairExchange.Result r = RingPairExchange.run(pool, region.ring(1), region.ring(0), 2, 1, count, deadline);
            if (r.error() != null) {
                System.out.println("FAIL " + r.error());
                System.exit(1);
            }
            System.out.println("OK " + r.sent() + " " + r.received());
        } catch (RuntimeException e) {
            System.out.println("FAIL " + e);
            System.exit(2);
        }
    }

    private RegionPeerMain() {
    }
}

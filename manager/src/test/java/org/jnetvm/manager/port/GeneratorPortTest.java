package org.jnetvm.manager.port;

import static org.assertj.core.api.Assertions.assertThat;

import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.route.Owner;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator's token bucket, on a clock the test steps by hand. */
class GeneratorPortTest {
    static final int BURST = 32;
    static final long RATE = 20_000; // one packet every 50 us
    static final long MS = 1_000_000L;

    Region region;
    PacketPool pool;
    Router router;
    long now;
    final int[] burst = new int[BURST];

    @BeforeEach
    void region() {
        region = Region.create(TestRegions.small("gen").nfSlots(1).serviceCount(2).portCount(1).threadCount(1).build());
        pool = new PacketPool(region);
        NfTable nfs = new NfTable(region);
        router = new Router(nfs, new ServiceTable(region), new ChainTable(region), pool.newMeta(), pool.newCache(),
                (port, idx, off, n) -> 0, Owner.ofSlot(0), 1, nfs.offset(0) + NfSlotDescriptor.DROPS_OFFSET,
                nfs.offset(0) + NfSlotDescriptor.TX_PACKETS, BURST);
    }

    @AfterEach
    void close() {
        region.close();
    }

    GeneratorPort generator() {
        return new GeneratorPort("gen0", 0, RATE, 64, 4, 0, region.segment(), pool.newMeta(), () -> now);
    }

    /** Polls until the generator has nothing more for now, freeing what it made; returns how many it made. */
    int drain(GeneratorPort gen) {
        int total = 0;
        for (int polls = 0; polls < 1000; polls++) {
            int got = gen.receive(burst, BURST, router);
            if (got == 0) {
                return total;
            }
            router.release(burst, 0, got);
            total += got;
        }
        throw new AssertionError("the generator never ran dry");
    }

    @Test
    void pollingOftenYieldsTheRate() {
        GeneratorPort gen = generator();
        long made = 0;
        for (int i = 0; i < 1000; i++) { // 1 s in polls 1 ms apart
            now += MS;
            made += drain(gen);
        }
        assertThat(made).isBetween(RATE - 1, RATE);
    }

    @Test
    void aPollLoopDescheduledForMillisecondsLosesNothing() {
        GeneratorPort gen = generator();
        long made = 0;
        for (int i = 0; i < 200; i++) { // 1 s in polls 5 ms apart: 100 packets each, three bursts and more
            now += 5 * MS;
            made += drain(gen);
        }
        assertThat(made).as("a bucket one burst deep would make %d", 200 * BURST).isBetween(RATE - 1, RATE);
    }

    @Test
    void aLongStallIsNotMadeUpAsAFlood() {
        GeneratorPort gen = generator();
        now += 1000 * MS;
        assertThat(drain(gen)).as("10 ms of packets at most").isEqualTo((int) (RATE * GeneratorPort.BUCKET_NANOS / 1_000_000_000L));
    }
}

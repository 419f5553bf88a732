package org.jnetvm.core.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolAudit;
import org.jnetvm.core.testing.ChildJvm;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real JVMs share one region: the child maps the parent's region, and 10^7 buffer
 * indices travel each way through a pair of SPSC rings, each stamped in its buffer's
 * metadata by the sender. Checks order, loss and duplicates (by the stamps), and that the
 * pool audit is whole at the end (every buffer back, none in flight).
 */
class TwoProcessRegionTest {
    private static final long COUNT = 10_000_000L;
    private static final int SECONDS = 120;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void tenMillionIndicesEachWayBetweenTwoProcesses() throws Exception {
        RegionSpec spec = TestRegions.small("twoproc").bufferCount(8192).ringCount(2).ringCapacity(1024).build();
        try (Region region = Region.create(spec)) {
            PacketPool pool = new PacketPool(region);
            Process child = ChildJvm.start(RegionPeerMain.class, region.path().toString(),
                    Long.toString(COUNT), Integer.toString(SECONDS));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                RingPairExchange.Result mine = RingPairExchange.run(pool, region.ring(0), region.ring(1), 1, 2, COUNT, deadline);
                String childLine;
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                    childLine = out.readLine();
                }
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exits").isTrue();
                assertThat(mine.error()).isNull();
                assertThat(mine.sent()).isEqualTo(COUNT);
                assertThat(mine.received()).isEqualTo(COUNT);
                assertThat(childLine).isEqualTo("OK " + COUNT + " " + COUNT);
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
            }
            assertThat(region.ring(0).size()).isZero();
            assertThat(region.ring(1).size()).isZero();
            assertThat(pool.audit()).isEqualTo(new PoolAudit(8192, 8192, 0, 0));
        }
    }
}

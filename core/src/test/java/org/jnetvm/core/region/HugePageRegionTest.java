package org.jnetvm.core.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.Test;

/**
 * With no directory given, a region goes to hugetlbfs when the machine has free huge pages
 * (bin/jnetvm setup reserves them) and to /dev/shm otherwise; either way it works the same.
 */
class HugePageRegionTest {

    @Test
    void regionChoosesHugePagesWhenThereAreEnoughAndWorksEitherWay() {
        RegionSpec spec = RegionSpec.builder(TestRegions.uniqueName("huge")).bufferCount(2048).cacheCount(2).ringCount(2).build();
        Optional<HugePages> huge = HugePages.detect();
        boolean expectHuge = huge.isPresent() && huge.get().fits(RegionLayout.of(spec).length());
        try (Region region = Region.create(spec)) {
            assertThat(region.hugePages()).isEqualTo(expectHuge);
            assertThat(region.path().getParent())
                    .isEqualTo(expectHuge ? huge.get().mountPoint() : Region.SHM);
            if (expectHuge) {
                assertThat(region.segment().byteSize() % huge.get().pageSize()).isZero();
            }
            try (Region mapped = Region.map(spec.name())) {
                assertThat(mapped.path()).isEqualTo(region.path());
                PacketPool pool = new PacketPool(mapped);
                int[] burst = new int[32];
                try (PoolCache cache = pool.newCache()) {
                    assertThat(cache.alloc(burst, 0, 32)).isEqualTo(32);
                    assertThat(region.ring(0).enqueueBulk(burst, 0, 32)).isEqualTo(32);
                    assertThat(mapped.ring(0).dequeueBulk(burst, 0, 32)).isEqualTo(32);
                    cache.free(burst, 0, 32);
                }
                assertThat(pool.audit().allReturned()).isTrue();
            }
        }
    }
}

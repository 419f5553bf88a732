package org.jnetvm.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopCountersTest {
    private final MemorySegment segment = Arena.ofAuto().allocate(HopCounters.LENGTH + 64, 64);
    private final long base = 64;

    private Map<String, Long> sums() {
        Map<Long, Long> raw = new HashMap<>();
        HopCounters.sumInto(segment, base, raw);
        Map<String, Long> out = new HashMap<>();
        raw.forEach((hop, n) -> out.put(HopCounters.fromOf(hop) + "->" + HopCounters.toOf(hop), n));
        return out;
    }

    @Test
    void countsEachHopInItsOwnEntry() {
        HopCounters hops = new HopCounters(segment, base);
        hops.add(HopCounters.ENTRY, 1, 32);
        hops.add(1, 2, 30);
        hops.add(1, HopCounters.port(0), 2);
        hops.add(1, 2, 5);
        hops.add(HopCounters.ENTRY, 1, 1);
        assertThat(HopCounters.used(segment, base)).isEqualTo(3);
        assertThat(sums()).containsExactlyInAnyOrderEntriesOf(Map.of("0->1", 33L, "1->2", 35L, "1->-1", 2L));
        assertThat(HopCounters.portOf(HopCounters.port(5))).isEqualTo(5);
        assertThat(HopCounters.portOf(7)).isEqualTo(-1);
        assertThat(HopCounters.portOf(HopCounters.OTHER)).isEqualTo(-1);
    }

    @Test
    void aNewWriterOfTheSameTableGoesOnCountingWhereTheOldOneStopped() {
        new HopCounters(segment, base).add(3, 4, 10);
        HopCounters next = new HopCounters(segment, base); // an NF restarted in the same slot
        next.add(3, 4, 1);
        next.add(3, 5, 1);
        assertThat(sums()).containsExactlyInAnyOrderEntriesOf(Map.of("3->4", 11L, "3->5", 1L));
    }

    @Test
    void hopsPastTheTableAreSummedInTheLastEntryAsOther() {
        HopCounters hops = new HopCounters(segment, base);
        long total = 0;
        for (int to = 1; to <= HopCounters.ENTRIES + 4; to++) {
            hops.add(9, to, to);
            total += to;
        }
        Map<String, Long> sums = sums();
        assertThat(sums).hasSize(HopCounters.ENTRIES);
        long other = HopCounters.ENTRIES + 4L;
        long expectedOther = 0;
        for (long to = HopCounters.ENTRIES; to <= other; to++) {
            expectedOther += to;
        }
        assertThat(sums.get(HopCounters.OTHER + "->" + HopCounters.OTHER)).isEqualTo(expectedOther);
        assertThat(sums.values().stream().mapToLong(Long::longValue).sum()).as("nothing lost").isEqualTo(total);
    }
}

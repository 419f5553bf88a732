package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The flow table against a HashMap, with hashes that collide on purpose, and a reader on another thread. */
class FlowTableTest {

    /** {op, key}: op 0 insert-or-add, 1 remove, 2 expire everything older than key. */
    @Provide
    Arbitrary<List<int[]>> operations() {
        Arbitrary<int[]> op = Arbitraries.integers().between(0, 9).flatMap(kind -> Arbitraries.integers().between(0, 40)
                .map(key -> new int[] {kind < 6 ? 0 : kind < 9 ? 1 : 2, key}));
        return op.list().ofMaxSize(300);
    }

    // Few distinct hashes, so probe runs are long and deletions shift entries around the wrap.
    private static int hash(int key) {
        return key % 5 * 0x3779_B97F;
    }

    private static void key(FlowTable t, int k) {
        t.key[0] = k;
        t.key[1] = ~k;
    }

    @Property(tries = 300)
    void behavesLikeAMap(@ForAll("operations") List<int[]> ops) {
        FlowTable table = new FlowTable(16, 2, 2);
        Map<Integer, long[]> model = new HashMap<>();
        long clock = 0;
        for (int[] op : ops) {
            clock++;
            int k = op[1];
            key(table, k);
            int slot = table.find(hash(k));
            switch (op[0]) {
                case 0 -> {
                    if (slot < 0) {
                        slot = table.insert(slot, hash(k));
                        if (model.size() >= 16) {
                            assertThat(slot).as("insert into a full table").isEqualTo(-1);
                            continue;
                        }
                        assertThat(slot).isNotNegative();
                        model.put(k, new long[2]);
                    }
                    table.add(slot, 0, 1);
                    table.value(slot, 1, clock);
                    model.get(k)[0]++;
                    model.get(k)[1] = clock;
                }
                case 1 -> {
                    assertThat(slot >= 0).isEqualTo(model.containsKey(k));
                    if (slot >= 0) {
                        table.remove(slot);
                        model.remove(k);
                    }
                }
                default -> {
                    long before = clock - k;
                    int removed = 0;
                    for (int round = 0; round < 2; round++) {
                        removed += table.expire(table.capacity(), 1, before);
                    }
                    int expected = (int) model.values().stream().filter(v -> v[1] < before).count();
                    model.values().removeIf(v -> v[1] < before);
                    assertThat(removed).isEqualTo(expected);
                }
            }
            assertThat(table.size()).isEqualTo(model.size());
        }
        for (int k = 0; k <= 40; k++) {
            key(table, k);
            int slot = table.find(hash(k));
            assertThat(slot >= 0).as("key %d present", k).isEqualTo(model.containsKey(k));
            if (slot >= 0) {
                assertThat(table.value(slot, 0)).isEqualTo(model.get(k)[0]);
                assertThat(table.keyWord(slot, 1)).isEqualTo(~k);
            }
        }
    }

    @Test
    void aReaderOnAnotherThreadNeverSeesHalfAKey() throws Exception {
        FlowTable table = new FlowTable(64, 2, 1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        AtomicLong seen = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            long[] entry = new long[table.entryWords()];
            while (!done.get()) {
                for (int s = 0; s < table.capacity(); s++) {
                    if (table.read(s, entry)) {
                        seen.incrementAndGet();
                        if (entry[1] != ~entry[0]) {
                            torn.incrementAndGet();
                        }
                    }
                }
            }
        });
        long deadline = System.nanoTime() + 300_000_000L;
        int k = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 10_000; i++, k++) {
                key(table, k);
                int h = hash(k);
                int slot = table.insert(table.find(h), h);
                if (slot >= 0) {
                    table.value(slot, 0, k);
                }
                key(table, k - 40);
                int old = table.find(hash(k - 40));
                if (old >= 0) {
                    table.remove(old);
                }
            }
        }
        done.set(true);
        reader.join(5000);
        assertThat(seen.get()).as("entries the reader copied").isPositive();
        assertThat(torn.get()).as("entries read with a key from two different writes").isZero();
    }
}

package org.jnetvm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Model-based tests: random sequences of burst and bulk operations on each ring, compared
 * step by step with a plain ArrayDeque, starting at positions that make the 32-bit counters
 * wrap during the run.
 */
class RingModelTest {

    enum Op { ENQUEUE_BULK, ENQUEUE_BURST, DEQUEUE_BULK, DEQUEUE_BURST }

    record Step(Op op, int count) {
    }

    enum Kind { SPSC, MPMC }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 40))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(300);
    }

    @Provide
    Arbitrary<Integer> initialPositions() {
        // Near the 2^32 wrap, near the sign flip, zero, and anywhere.
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-200, -1),
                Arbitraries.integers().between(Integer.MAX_VALUE - 200, Integer.MAX_VALUE),
                Arbitraries.just(0),
                Arbitraries.integers());
    }

    @Property(tries = 400)
    void behavesLikeAQueue(@ForAll Kind kind,
                           @ForAll @IntRange(min = 0, max = 6) int capacityLog2,
                           @ForAll("initialPositions") int initialPosition,
                           @ForAll("steps") @Size(min = 1) List<Step> steps) {
        int capacity = kind == Kind.MPMC ? Math.max(2, 1 << capacityLog2) : 1 << capacityLog2;
        try (Arena arena = Arena.ofConfined()) {
            long bytes = RingDescriptor.byteSize(kind == Kind.SPSC ? RingDescriptor.KIND_SPSC : RingDescriptor.KIND_MPMC, capacity);
            MemorySegment segment = arena.allocate(bytes + 256, 128);
            IndexRing ring = kind == Kind.SPSC
                    ? SpscRing.format(segment, 128, capacity, initialPosition)
                    : MpmcRing.format(segment, 128, capacity, initialPosition);
            ArrayDeque<Integer> model = new ArrayDeque<>();
            int next = 0;
            int[] buffer = new int[64];
            for (Step step : steps) {
                int n = step.count();
                switch (step.op()) {
                    case ENQUEUE_BULK, ENQUEUE_BURST -> {
                        for (int i = 0; i < n; i++) {
                            buffer[i] = next + i;
                        }
                        boolean bulk = step.op() == Op.ENQUEUE_BULK;
                        int free = capacity - model.size();
                        int expected = bulk ? (n <= free ? n : 0) : Math.min(n, free);
                        int done = bulk ? ring.enqueueBulk(buffer, 0, n) : ring.enqueueBurst(buffer, 0, n);
                        assertThat(done).as("%s of %d with %d free", step.op(), n, free).isEqualTo(expected);
                        for (int i = 0; i < done; i++) {
                            model.add(buffer[i]);
                        }
                        next += done;
                    }
                    case DEQUEUE_BULK, DEQUEUE_BURST -> {
                        boolean bulk = step.op() == Op.DEQUEUE_BULK;
                        int have = model.size();
                        int expected = bulk ? (n <= have ? n : 0) : Math.min(n, have);
                        int done = bulk ? ring.dequeueBulk(buffer, 0, n) : ring.dequeueBurst(buffer, 0, n);
                        assertThat(done).as("%s of %d with %d queued", step.op(), n, have).isEqualTo(expected);
                        for (int i = 0; i < done; i++) {
                            assertThat(buffer[i]).isEqualTo(model.poll());
                        }
                    }
                }
                assertThat(ring.size()).isEqualTo(model.size());
            }
        }
    }

    @Property(tries = 50)
    void singleEntryOperationsMatchTheModel(@ForAll("initialPositions") int initialPosition,
                                            @ForAll @Size(max = 200) List<Boolean> enqueues) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, 8), 128);
            SpscRing ring = SpscRing.format(segment, 0, 8, initialPosition);
            ArrayDeque<Integer> model = new ArrayDeque<>();
            int next = 0;
            for (boolean enqueue : enqueues) {
                if (enqueue) {
                    boolean ok = ring.enqueue(next);
                    assertThat(ok).isEqualTo(model.size() < 8);
                    if (ok) {
                        model.add(next++);
                    }
                } else {
                    Integer expected = model.poll();
                    assertThat(ring.dequeue()).isEqualTo(expected == null ? -1 : expected);
                }
            }
        }
    }
}

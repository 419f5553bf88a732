package org.jnetvm.bench.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.jnetvm.core.ring.RingDescriptor;
import org.jnetvm.core.ring.SpscRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One thread enqueues a bulk of {@code burst} indices into an {@link SpscRing} and dequeues
 * them again, per operation: the method of DPDK's {@code test_burst_bulk_enqueue_dequeue}
 * (ring_perf_autotest, "### Testing bulk enq/deq ###", SP/SC). The score is ns per
 * enqueue+dequeue pair of {@code burst} indices; divide by {@code burst} for ns per element.
 *
 * <p>Run by JMH in its own fork; {@link RingBenchRunner} drives it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpscRingOneCoreBench {

    /** Indices per enqueue and per dequeue (DPDK's bulk_sizes: 8 and 32). */
    @Param({"8", "32"})
    public int burst;

    /** Ring slots; DPDK's test uses RING_SIZE 4096. */
    @Param({"4096"})
    public int capacity;

    private Arena arena;
    private SpscRing ring;
    private final int[] indices = new int[RingBenchCases.MAX_BURST];

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, capacity), 4096);
        ring = SpscRing.format(memory, 0, capacity);
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // Each operation leaves the ring empty; anything else means a bulk call failed.
        if (ring.size() != 0) {
            throw new IllegalStateException("ring not empty after the benchmark: " + ring);
        }
        arena.close();
    }

    /** Returns the number of indices moved (2 x burst) so that nothing is dead code. */
    @Benchmark
    public int bulkEnqueueDequeue() {
        final int n = burst;
        int moved = ring.enqueueBulk(indices, 0, n);
        moved += ring.dequeueBulk(indices, 0, n);
        return moved;
    }
}

package org.jnetvm.bench.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.jnetvm.core.ring.RingDescriptor;
import org.jnetvm.core.ring.SpscRing;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;

/**
 * A producer thread and a consumer thread (one JMH group, one thread each, so on two cores
 * of a two-core machine) move bulks of {@code burst} indices through one {@link SpscRing}:
 * the method of DPDK's {@code enqueue_dequeue_bulk_helper} (ring_perf_autotest, "### Testing
 * using two physical cores ###", SP/SC). One operation is one <em>successful</em> bulk call;
 * a call that finds the ring full (producer) or empty (consumer) is retried after a spin-wait
 * hint (x86 PAUSE, as DPDK's rte_pause) and counted in {@link Counters}, so the time spent
 * waiting is inside the operation and a full or empty queue cannot produce a fast number.
 *
 * <p>JMH reports ns per operation for each thread ("produce", "consume"); ns per element of
 * a thread is that divided by {@code burst}, and DPDK's figure is the sum of both threads'.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpscRingTwoCoreBench {

    /** The ring both threads share. */
    @State(Scope.Group)
    public static class Shared {
        /** Indices per enqueue and per dequeue (DPDK's bulk_sizes: 8 and 32). */
        @Param({"8", "32"})
        public int burst;

        /** Ring slots; DPDK's test uses RING_SIZE 4096. */
        @Param({"4096"})
        public int capacity;

        Arena arena;
        SpscRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            MemorySegment memory = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, capacity), 4096);
            ring = SpscRing.format(memory, 0, capacity);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /**
     * Per-thread counters, reported by JMH as events per iteration (summed over both
     * threads; each thread writes only its own two fields).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counters {
        /** Indices the producer enqueued. */
        public long enqueued;
        /** Enqueue calls that found too little free space and were retried. */
        public long enqueueFull;
        /** Indices the consumer dequeued. */
        public long dequeued;
        /** Dequeue calls that found too few entries and were retried. */
        public long dequeueEmpty;

        final int[] indices = new int[RingBenchCases.MAX_BURST];

        @Setup(Level.Iteration)
        public void reset() {
            enqueued = 0;
            enqueueFull = 0;
            dequeued = 0;
            dequeueEmpty = 0;
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void produce(Shared shared, Counters counters, Control control) {
        final int n = shared.burst;
        final SpscRing ring = shared.ring;
        final int[] indices = counters.indices;
        while (ring.enqueueBulk(indices, 0, n) == 0) {
            counters.enqueueFull++;
            if (control.stopMeasurement) {
                return; // the consumer may have stopped already: do not wait for it
            }
            Thread.onSpinWait();
        }
        counters.enqueued += n;
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void consume(Shared shared, Counters counters, Control control) {
        final int n = shared.burst;
        final SpscRing ring = shared.ring;
        final int[] indices = counters.indices;
        while (ring.dequeueBulk(indices, 0, n) == 0) {
            counters.dequeueEmpty++;
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        counters.dequeued += n;
    }
}

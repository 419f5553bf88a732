package org.jnetvm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two and more real threads hammering the rings, trying to break the memory ordering: every
 * value must arrive exactly once (and, for SPSC, in order). Bounded by count and by time.
 */
class RingConcurrencyTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void spscDeliversInOrderAcrossThreads() throws Exception {
        final int total = 20_000_000;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment segment = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, 256), 128);
            SpscRing producerSide = SpscRing.format(segment, 0, 256, -1000);
            SpscRing consumerSide = SpscRing.attach(segment, 0);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            Thread producer = Thread.ofPlatform().start(() -> {
                int[] burst = new int[32];
                int next = 0;
                int size = 1;
                while (next < total && System.nanoTime() < deadline) {
                    int n = Math.min(size, total - next);
                    for (int i = 0; i < n; i++) {
                        burst[i] = next + i;
                    }
                    next += producerSide.enqueueBurst(burst, 0, n);
                    size = size % 32 + 1; // vary the burst size 1..32
                }
            });
            int[] burst = new int[32];
            int expected = 0;
            int size = 7;
            while (expected < total && System.nanoTime() < deadline) {
                int n = consumerSide.dequeueBurst(burst, 0, size);
                for (int i = 0; i < n; i++) {
                    if (burst[i] != expected) {
                        throw new AssertionError("expected " + expected + " got " + burst[i]);
                    }
                    expected++;
                }
                size = size % 32 + 1;
            }
            producer.join();
            assertThat(expected).isEqualTo(total);
            assertThat(consumerSide.size()).isZero();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void mpmcDeliversEveryValueExactlyOnceWithManyProducersAndConsumers() throws Exception {
        final int producers = 3;
        final int consumers = 3;
        final int perProducer = 1_000_000;
        final int total = producers * perProducer;
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(producers + consumers)) {
            MemorySegment segment = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, 64), 128);
            MpmcRing ring = MpmcRing.format(segment, 0, 64, -5000);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            List<Future<?>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final int base = p * perProducer;
                producing.add(pool.submit(() -> {
                    int[] burst = new int[16];
                    int next = 0;
                    boolean bulk = false;
                    while (next < perProducer && System.nanoTime() < deadline) {
                        int n = Math.min(1 + (next % 16), perProducer - next);
                        for (int i = 0; i < n; i++) {
                            burst[i] = base + next + i;
                        }
                        next += bulk ? ring.enqueueBulk(burst, 0, n) : ring.enqueueBurst(burst, 0, n);
                        bulk = !bulk;
                    }
                }));
            }
            List<Future<int[]>> consuming = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            for (int c = 0; c < consumers; c++) {
                consuming.add(pool.submit(() -> {
                    int[] seen = new int[total];
                    int count = 0;
                    int[] burst = new int[16];
                    int[] lastPerProducer = new int[producers];
                    java.util.Arrays.fill(lastPerProducer, -1);
                    while (received.get() < total && System.nanoTime() < deadline) {
                        int n = ring.dequeueBurst(burst, 0, 1 + (count % 16));
                        for (int i = 0; i < n; i++) {
                            int v = burst[i];
                            // Per producer, one consumer sees values in increasing order.
                            int p = v / perProducer;
                            assertThat(v).isGreaterThan(lastPerProducer[p]);
                            lastPerProducer[p] = v;
                            seen[count++] = v;
                        }
                        received.addAndGet(n);
                    }
                    return java.util.Arrays.copyOf(seen, count);
                }));
            }
            for (Future<?> f : producing) {
                f.get();
            }
            BitSet all = new BitSet(total);
            int count = 0;
            for (Future<int[]> f : consuming) {
                for (int v : f.get()) {
                    assertThat(all.get(v)).as("duplicate %d", v).isFalse();
                    all.set(v);
                    count++;
                }
            }
            assertThat(count).isEqualTo(total);
            assertThat(all.cardinality()).isEqualTo(total);
            assertThat(ring.size()).isZero();
        }
    }

    /** NF rx rings: several producers with hand-off, one consumer (the fast room check relies on that). */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void handOffEnqueueWithManyProducersAndOneConsumerDeliversEachValueOnceInProducerOrder() throws Exception {
        final int producers = 3;
        final int perProducer = 2_000_000;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment segment = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, 64), 128);
            MpmcRing ring = MpmcRing.format(segment, 0, 64, Integer.MAX_VALUE - 5_000);
            java.util.concurrent.atomic.AtomicLongArray handedOff = new java.util.concurrent.atomic.AtomicLongArray(producers);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < producers; t++) {
                final int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    int[] burst = new int[32];
                    java.util.SplittableRandom random = new java.util.SplittableRandom(id);
                    HandOff count = value -> handedOff.incrementAndGet(value >>> 24);
                    int next = 0;
                    while (next < perProducer) {
                        int n = Math.min(1 + random.nextInt(32), perProducer - next);
                        for (int k = 0; k < n; k++) {
                            burst[k] = id << 24 | (next + k);
                        }
                        next += ring.enqueueBurst(burst, 0, n, count);
                    }
                }));
            }
            int[] expected = new int[producers];
            int[] burst = new int[32];
            long received = 0;
            while (received < (long) producers * perProducer) {
                int n = ring.dequeueBurst(burst, 0, 1 + (int) (received % 32));
                for (int k = 0; k < n; k++) {
                    int producer = burst[k] >>> 24;
                    int seq = burst[k] & 0xFF_FFFF;
                    assertThat(seq).as("producer %d's next value", producer).isEqualTo(expected[producer]);
                    expected[producer]++;
                }
                received += n;
            }
            for (Thread t : threads) {
                t.join();
            }
            for (int t = 0; t < producers; t++) {
                assertThat(handedOff.get(t)).as("hand-offs of producer %d", t).isEqualTo(perProducer);
            }
            assertThat(ring.size()).isZero();
        }
    }

    @Test
    void unblockLetsConsumersStepOverSlotsADeadProducerClaimed() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, 16), 128);
            MpmcRing ring = MpmcRing.format(segment, 0, 16, 0);
            ring.enqueueBulk(new int[] {1, 2}, 0, 2);
            // A producer claims three slots (moves the producer position) and dies before publishing.
            java.lang.invoke.VarHandle pos = java.lang.foreign.ValueLayout.JAVA_INT.varHandle();
            pos.setRelease(segment, (long) RingDescriptor.PRODUCER_POSITION_OFFSET, 5);
            // A live producer publishes after the dead one's claim.
            ring.enqueueBulk(new int[] {6, 7}, 0, 2);
            int[] out = new int[8];
            assertThat(ring.dequeueBurst(out, 0, 8)).isEqualTo(2);
            assertThat(ring.dequeueBurst(out, 0, 8)).as("blocked behind the dead claim").isZero();

            assertThat(ring.unblock()).isEqualTo(3);
            assertThat(ring.dequeueBurst(out, 0, 8)).isEqualTo(2);
            assertThat(out[0]).isEqualTo(6);
            assertThat(out[1]).isEqualTo(7);
            assertThat(ring.size()).isZero();
        }
    }
}

package org.jnetvm.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hosted NFs are virtual threads that park; a producer that rings one of them wakes the host's waker, which unparks
 * exactly the NFs that were rung. Parked virtual threads hold no carrier: a thousand of them sleep at once.
 */
class HostWakerTest {
    static final int NFS = 1000;

    Region region;
    NfTable nfs;

    @BeforeEach
    void region() {
        region = Region.create(TestRegions.small("host").nfSlots(NFS).nfHosts(2).build());
        nfs = new NfTable(region);
    }

    @AfterEach
    void close() {
        region.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRungNfIsUnparkedAndOnlyItAndAThousandParkedNfsHoldNoCarrier() throws Exception {
        HostTable hosts = new HostTable(region);
        int host = hosts.claim();
        AtomicIntegerArray wakes = new AtomicIntegerArray(NFS);
        AtomicIntegerArray work = new AtomicIntegerArray(NFS); // a stand-in for each NF's rx ring
        CountDownLatch asleep = new CountDownLatch(NFS);
        List<Thread> threads = new ArrayList<>();
        long[] latencies = new long[200];
        try (HostWaker waker = new HostWaker(region, host)) {
            for (int slot = 0; slot < NFS; slot++) {
                int s = slot;
                Doorbell.format(region.segment(), nfs.doorbellOffset(s));
                Doorbell.host(region.segment(), nfs.doorbellOffset(s), host, s);
                threads.add(Thread.ofVirtual().start(() -> {
                    Doorbell bell = new Doorbell(region.segment(), nfs.doorbellOffset(s));
                    bell.parkInstead();
                    waker.register(s, Thread.currentThread());
                    boolean first = true;
                    while (work.get(s) >= 0) { // -1: stop
                        if (work.get(s) > 0) {
                            work.set(s, 0);
                            wakes.incrementAndGet(s);
                            continue;
                        }
                        if (first) {
                            asleep.countDown();
                            first = false;
                        }
                        bell.sleep(() -> work.get(s) != 0, 10_000_000_000L);
                    }
                    waker.unregister(s);
                }));
            }
            assertThat(asleep.await(30, TimeUnit.SECONDS)).as("all %d NFs parked", NFS).isTrue();
            awaitAllSleeping();

            // Ring one NF at a time: it, and no other, takes its work.
            for (int i = 0; i < latencies.length; i++) {
                int s = (i * 37) % NFS;
                int before = wakes.get(s);
                long rung = System.nanoTime();
                work.set(s, 1);
                assertThat(Doorbell.ring(region.segment(), nfs.doorbellOffset(s))).as("NF %d was asleep", s).isTrue();
                long deadline = rung + TimeUnit.SECONDS.toNanos(5);
                while (wakes.get(s) == before && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                latencies[i] = System.nanoTime() - rung;
                assertThat(wakes.get(s)).as("NF %d woke", s).isEqualTo(before + 1);
                awaitSleeping(s);
            }
            int total = 0;
            for (int s = 0; s < NFS; s++) {
                total += wakes.get(s);
            }
            assertThat(total).as("no NF woke that was not rung").isEqualTo(latencies.length);
            assertThat(waker.unparks()).isGreaterThanOrEqualTo(latencies.length);
            Arrays.sort(latencies);
            System.out.printf("hosted wake-up (ring to the NF running, %d NFs parked): p50 %d us, p99 %d us%n", NFS,
                    latencies[latencies.length / 2] / 1000, latencies[latencies.length * 99 / 100] / 1000);

            // Ring them all at once: one burst of rings, every NF wakes once.
            for (int s = 0; s < NFS; s++) {
                work.set(s, 1);
                Doorbell.ring(region.segment(), nfs.doorbellOffset(s));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int s = 0; s < NFS; s++) {
                while (work.get(s) != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(work.get(s)).as("NF %d took the work of the burst", s).isZero();
            }
            for (int s = 0; s < NFS; s++) {
                work.set(s, -1);
                Doorbell.ring(region.segment(), nfs.doorbellOffset(s));
            }
            for (Thread t : threads) {
                assertThat(t.join(java.time.Duration.ofSeconds(10))).isTrue();
            }
        } finally {
            hosts.release(host);
        }
        assertThat(hosts.owner(host)).isZero();
    }

    private void awaitAllSleeping() throws InterruptedException {
        for (int s = 0; s < NFS; s++) {
            awaitSleeping(s);
        }
    }

    private void awaitSleeping(int slot) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!nfs.sleeping(slot) && System.nanoTime() < deadline) {
            Thread.sleep(0, 100_000);
        }
        assertThat(nfs.sleeping(slot)).as("NF %d back asleep", slot).isTrue();
    }

    /**
     * Batched wake-up: with a threshold of 8 and a window of 5 ms, a packet that finds its NF asleep leaves it asleep;
     * 64 NFs given one packet each are all woken by one pass at the end of one window, none before it; an NF whose
     * ring reaches 8 packets is woken at once, by the producer, with all 8 waiting.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTrickleWaitsForTheWindowAndABurstOfThresholdPacketsWakesAtOnce() throws Exception {
        int count = 64;
        long window = TimeUnit.MILLISECONDS.toNanos(5);
        HostTable hosts = new HostTable(region);
        int host = hosts.claim();
        AtomicIntegerArray wakes = new AtomicIntegerArray(count);
        AtomicIntegerArray taken = new AtomicIntegerArray(count);
        long[] firstTake = new long[count];
        AtomicIntegerArray lastBurst = new AtomicIntegerArray(count);
        CountDownLatch asleep = new CountDownLatch(count);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        try (HostWaker waker = new HostWaker(region, host, 8, window)) {
            for (int slot = 0; slot < count; slot++) {
                int s = slot;
                Doorbell.format(region.segment(), nfs.doorbellOffset(s));
                Doorbell.host(region.segment(), nfs.doorbellOffset(s), host, s, waker.wakeThreshold());
                threads.add(Thread.ofVirtual().start(() -> {
                    Doorbell bell = new Doorbell(region.segment(), nfs.doorbellOffset(s));
                    bell.parkInstead();
                    waker.register(s, Thread.currentThread());
                    var ring = nfs.rxRing(s);
                    int[] burst = new int[32];
                    boolean first = true;
                    while (!stop.get()) {
                        int n = ring.dequeueBurst(burst, 0, burst.length);
                        if (n > 0) {
                            if (taken.get(s) == 0) {
                                firstTake[s] = System.nanoTime();
                            }
                            lastBurst.set(s, n);
                            taken.addAndGet(s, n);
                            continue;
                        }
                        if (first) {
                            asleep.countDown();
                            first = false;
                        }
                        if (bell.sleep(() -> ring.size() > 0 || stop.get(), 10_000_000_000L)) {
                            wakes.incrementAndGet(s);
                        }
                    }
                    waker.unregister(s);
                }));
            }
            assertThat(asleep.await(30, TimeUnit.SECONDS)).isTrue();
            for (int s = 0; s < count; s++) {
                awaitSleeping(s);
            }
            long windowsBefore = waker.windows();
            long unparksBefore = waker.unparks();
            long firstRing = System.nanoTime();
            for (int s = 0; s < count; s++) {
                assertThat(nfs.rxRing(s).enqueueBurst(new int[] {s}, 0, 1)).isOne();
                assertThat(Doorbell.ring(region.segment(), nfs.doorbellOffset(s), nfs.rxRing(s)))
                        .as("one packet leaves NF %d asleep", s).isFalse();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int s = 0; s < count; s++) {
                while (taken.get(s) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(taken.get(s)).as("NF %d took its packet", s).isOne();
                assertThat(firstTake[s] - firstRing).as("NF %d not woken before the window ended", s)
                        .isGreaterThanOrEqualTo(window);
            }
            long passes = waker.windows() - windowsBefore;
            System.out.printf("batched wake-up: %d NFs with a packet each woken in %d window(s), %d unparks%n", count,
                    passes, waker.unparks() - unparksBefore);
            assertThat(passes).as("one window for all (two if the rings straddled its end)").isBetween(1L, 2L);
            assertThat(waker.unparks() - unparksBefore).as("one unpark per NF").isEqualTo(count);

            for (int s = 0; s < count; s++) {
                awaitSleeping(s);
            }
            int s = 7;
            int wakesBefore = wakes.get(s);
            for (int i = 1; i <= 8; i++) {
                assertThat(nfs.rxRing(s).enqueueBurst(new int[] {i}, 0, 1)).isOne();
                boolean woke = Doorbell.ring(region.segment(), nfs.doorbellOffset(s), nfs.rxRing(s));
                assertThat(woke).as("packet %d of 8 %s the NF", i, i < 8 ? "leaves asleep" : "wakes").isEqualTo(i == 8);
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (taken.get(s) < 9 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(taken.get(s)).isEqualTo(9);
            assertThat(lastBurst.get(s)).as("the 8 packets in one burst").isEqualTo(8);
            assertThat(wakes.get(s) - wakesBefore).as("one wake-up for 8 packets").isOne();
        } finally {
            stop.set(true);
            for (int s = 0; s < count; s++) {
                Doorbell.ring(region.segment(), nfs.doorbellOffset(s));
            }
            for (Thread t : threads) {
                assertThat(t.join(java.time.Duration.ofSeconds(10))).isTrue();
            }
            hosts.release(host);
        }
    }

    @Test
    void aBlockOfADeadHostIsTakenOverAndAllBusyBlocksSayHowToGetMore() throws Exception {
        HostTable hosts = new HostTable(region);
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int dead = hosts.claim(gone.pid(), 0);
        int taken = hosts.claim();
        assertThat(taken).as("the dead host's block is taken over").isEqualTo(dead);
        assertThat(hosts.owner(taken)).isEqualTo(ProcessHandle.current().pid());
        int live = hosts.claim();
        assertThat(live).isNotEqualTo(taken);
        assertThatThrownBy(hosts::claim).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 2 NF host blocks").hasMessageContaining("region: {nfHosts: N}");
        hosts.release(live);
        assertThat(hosts.claim()).isEqualTo(live);
    }
}

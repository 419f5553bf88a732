package org.jnetvm.manager.sched;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.config.SchedulerConfig;
import org.jnetvm.manager.nf.NfRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's NFVnice thread. Two rounds, one thread, no lock with the data plane (it reads the NF table's
 * counters and writes chain marks, both plain shared-memory words):
 *
 * <ul>
 *   <li>Every millisecond, <b>backpressure</b>: an NF whose rx ring is above the high watermark throttles every chain
 *       that holds its service after the first position (with ECN on, at any position: {@link #feeds}); RX threads
 *       then drop those chains' packets at entry, before any upstream NF has spent work on them; a throttled chain
 *       is admitted again once that NF's ring is under the low watermark (RX threads also check this on every burst of a throttled chain, so admission does not wait for this round).
 *       Upstream NFs of a throttled chain get no packets and sleep on their doorbells: nothing wakes them for work
 *       that would be thrown away. A round looks at {@link #BACKPRESSURE_SLOTS_PER_ROUND} NFs at most, the next
 *       ones each round: with thousands of (mostly idle, per-flow) NFs each is checked every few milliseconds, not
 *       every one (10,000 checked each millisecond kept this thread at 20 % of a core).
 *   <li>Every period (10 ms by default; longer with thousands of NFs, {@link #sharesPeriod}), <b>shares</b>: for every NF process in a cgroup of its own, its arrival rate
 *       over the period (what it took plus what its full ring refused, smoothed), its median cost per packet and its
 *       service's priority give its weight, and {@link CpuShares} turns the weights into cpu shares (a floor each,
 *       and a pool split by weight), written to the cgroups only when they moved by more than 1/32. NFs not yet warm (class
 *       loading, interpreted code) keep the share they were placed with, an average NF's {@link CpuShares#NF_SHARE}:
 *       their cost would be wrong, and a JVM that is still compiling its loop, flows already queueing for it, must not
 *       be squeezed into one task's weight (at 1024 a scale-up test saw the new process's ring overflow).
 * </ul>
 *
 * NFs inside the manager's JVM (inProcess, inline) are threads of the manager's process: they share its cgroup and
 * get no share of their own.
 */
public final class ShareScheduler implements NfRegistry.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareScheduler.class);
    static final long BACKPRESSURE_ROUND_NANOS = 1_000_000L;
    /**
     * NFs one backpressure round looks at, at most: up to this many NFs each is looked at every millisecond; with
     * 10,000 (idle, per-flow) NFs each is looked at every 80 ms, and the round reads 128 rings, not 10,000.
     */
    static final int BACKPRESSURE_SLOTS_PER_ROUND = 128;
    /**
     * NF slots the shares rounds visit per second, at most: with more NFs than this many per period the period
     * stretches (10,000 NFs: a round every 200 ms), so that a shares round's cost does not grow with idle NFs.
     */
    static final int SHARES_SLOTS_PER_SECOND = 51_200;
    /**
     * Weight of the newest period in the smoothed arrival rate: 1/8, about 80 ms of history at the default period.
     * One 10 ms period is a few hundred packets, and an NF descheduled for part of it shows half its real rate.
     */
    static final double RATE_SMOOTHING = 0.125;

    private final NfTable nfs;
    private final ChainTable chains;
    private final SchedulerConfig config;
    private final NfCgroups cgroups; // null: shares off
    private final IntUnaryOperator priorityOfService;
    private final Supplier<int[]> activeSlots;
    private final long ownPid = ProcessHandle.current().pid();
    private final Thread thread;
    private volatile boolean running = true;
    private int backpressureCursor; // where the next backpressure round starts in the active slots
    // the scheduler thread's own state, by slot
    private final long[] lastArrivals;
    // The share last written to each cgroup (the scheduler's thread only).
    private final java.util.Map<java.nio.file.Path, Integer> written = new java.util.HashMap<>();
    private final double[] rate;
    private long lastPeriod;
    private volatile long shareWrites;
    private volatile long throttles;

    /**
     * @param cgroups           where NF processes go and shares are written, or null for backpressure only
     * @param priorityOfService a service id's priority (1 if none)
     * @param activeSlots       the NF slots in use now
     */
    public ShareScheduler(Region region, SchedulerConfig config, NfCgroups cgroups, IntUnaryOperator priorityOfService,
                          Supplier<int[]> activeSlots) {
        this.nfs = new NfTable(region);
        this.chains = new ChainTable(region);
        this.config = config;
        this.cgroups = cgroups;
        this.priorityOfService = priorityOfService;
        this.activeSlots = activeSlots;
        this.lastArrivals = new long[nfs.slots()];
        this.rate = new double[nfs.slots()];
        this.thread = Thread.ofPlatform().name("jnetvm-scheduler").daemon(true).unstarted(this::run);
    }

    public ShareScheduler start() {
        thread.start();
        return this;
    }

    /** The NF cgroups, or null when shares are off. */
    public NfCgroups cgroups() {
        return cgroups;
    }

    /** Shares written to cgroups since start. */
    public long shareWrites() {
        return shareWrites;
    }

    /** Times a chain was throttled since start. */
    public long throttles() {
        return throttles;
    }

    @Override
    public void registered(NfRegistry.Nf nf) {
        if (cgroups == null || nf.pid() == ownPid) {
            return;
        }
        try {
            cgroups.place(nf.slot(), nf.pid(), CpuShares.NF_SHARE);
            nfs.cpuShare(nf.slot(), CpuShares.NF_SHARE);
            if (nf.dead()) { // it died while being placed: gone() may have run before
                cgroups.release(nf.slot());
            }
        } catch (IOException e) {
            LOG.warn("NF {} (slot {}, pid {}) stays in its parent's cgroup, without a cpu share of its own: {}",
                    nf.kind(), nf.slot(), nf.pid(), e.toString());
        }
    }

    @Override
    public void gone(NfRegistry.Nf nf) {
        if (cgroups != null) {
            cgroups.release(nf.slot());
        }
    }

    private void run() {
        long period = config.periodMs() * 1_000_000L;
        lastPeriod = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            try {
                if (config.backpressure()) {
                    backpressureRound();
                }
                if (cgroups != null && now - lastPeriod >= sharesPeriod(period, activeSlots.get().length)) {
                    sharesRound(now);
                }
            } catch (RuntimeException e) {
                LOG.error("scheduler round failed; it goes on", e);
            }
            LockSupport.parkNanos(BACKPRESSURE_ROUND_NANOS);
        }
    }

    /** The time between two shares rounds over {@code slots} NFs: the configured period, longer for many NFs. */
    static long sharesPeriod(long periodNanos, int slots) {
        return Math.max(periodNanos, slots * (1_000_000_000L / SHARES_SLOTS_PER_SECOND));
    }

    private void backpressureRound() {
        int high = config.highWatermark();
        int low = config.lowWatermark();
        int[] slots = activeSlots.get();
        int count = Math.min(slots.length, BACKPRESSURE_SLOTS_PER_ROUND);
        for (int i = 0; i < count; i++) {
            int slot = slots[(backpressureCursor + i) % slots.length];
            if (nfs.state(slot) != NfState.RUNNING.code) {
                continue;
            }
            MpmcRing ring = nfs.rxRing(slot);
            if ((long) ring.size() * 100 < (long) high * ring.capacity()) {
                continue;
            }
            int service = nfs.serviceId(slot);
            for (int c = 0; c < chains.chainCount(); c++) {
                if (!chains.throttled(c) && feeds(c, service)) {
                    chains.throttle(c, slot);
                    throttles++;
                }
            }
        }
        backpressureCursor = slots.length == 0 ? 0 : (backpressureCursor + count) % slots.length;
        for (int c = 0; c < chains.chainCount(); c++) {
            if (chains.throttled(c)) {
                int slot = chains.bottleneck(c);
                boolean drained = slot < 0 || slot >= nfs.slots() || nfs.state(slot) != NfState.RUNNING.code
                        || (long) nfs.rxRing(slot).size() * 100 <= (long) low * nfs.rxRing(slot).capacity();
                if (drained) {
                    chains.admit(c);
                }
            }
        }
    }

    /**
     * Whether throttling {@code chain} at entry spares work for an overloaded NF of {@code service}: it holds the
     * service after its first position, so upstream NFs would spend work on packets that NF's ring then drops. An
     * NF first in a chain has no upstream work to save, and throttling the chain would drop all its flows while its
     * ring still takes some (a TCP flow that shares a first NF with UDP floods went from 1.8 to 0.4 Gbit/s, bench
     * nfvnice's isolation case); with ECN on it is throttled too, for the CE marks that tell senders to slow down.
     */
    private boolean feeds(int chain, int service) {
        for (int i = 0, n = chains.length(chain); i < n; i++) {
            if (chains.service(chain, i) == service && (i > 0 || config.ecn())) {
                return true;
            }
        }
        return false;
    }

    private void sharesRound(long now) {
        double seconds = (now - lastPeriod) / 1e9;
        lastPeriod = now;
        int[] slots = activeSlots.get();
        int[] placed = new int[slots.length];
        double[] weights = new double[slots.length];
        int n = 0;
        for (int slot : slots) {
            long arrivals = nfs.counter(slot, NfSlotDescriptor.RX_PACKETS) + nfs.counter(slot, NfSlotDescriptor.RX_REFUSED);
            double newest = lastArrivals[slot] == 0 ? 0 : (arrivals - lastArrivals[slot]) / seconds;
            lastArrivals[slot] = arrivals;
            rate[slot] = RATE_SMOOTHING * Math.max(0, newest) + (1 - RATE_SMOOTHING) * rate[slot];
            if (cgroups.cgroupOf(slot) == null || !nfs.isWarm(slot)) {
                continue;
            }
            placed[n] = slot;
            weights[n] = CpuShares.weight(priorityOfService.applyAsInt(nfs.serviceId(slot)), nfs.costPicos(slot), rate[slot]);
            n++;
        }
        int[] shares = CpuShares.shares(Arrays.copyOf(weights, n));
        // Each NF's own share is what the tables show; a cgroup gets the sum of its NFs' (an NF host has many).
        java.util.Map<java.nio.file.Path, Integer> perCgroup = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            if (CpuShares.changed(nfs.cpuShare(placed[i]), shares[i])) {
                nfs.cpuShare(placed[i], shares[i]);
            }
        }
        for (int slot : slots) { // NFs not yet warm count at the share they were placed with
            java.nio.file.Path cgroup = cgroups.cgroupOf(slot);
            if (cgroup != null && nfs.cpuShare(slot) > 0) {
                perCgroup.merge(cgroup, nfs.cpuShare(slot), Integer::sum);
            }
        }
        perCgroup.forEach((cgroup, sum) -> {
            int share = (int) Math.min(sum, CpuController.V1_MAX);
            Integer old = written.get(cgroup);
            if (old != null && !CpuShares.changed(old, share)) {
                return;
            }
            try {
                cgroups.writeShare(cgroup, share);
                written.put(cgroup, share);
                shareWrites++;
            } catch (IOException e) {
                LOG.debug("share of cgroup {} not written: {}", cgroup, e.toString()); // it went meanwhile
            }
        });
        written.keySet().retainAll(perCgroup.keySet());
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int c = 0; c < chains.chainCount(); c++) {
            chains.admit(c);
        }
        if (cgroups != null) {
            cgroups.close();
        }
    }
}

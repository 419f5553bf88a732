package org.jnetvm.core.host;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.table.NfTable;

/**
 * The one thread of an NF host that sleeps in the kernel. Its NFs are virtual threads that park when their rings
 * are empty; a producer that finds one asleep sets its bit in the host's pending bitmap and rings the host's
 * doorbell (see {@link Doorbell}); this thread wakes, takes the bits, and unparks exactly those NFs. So thousands
 * of idle NFs cost one sleeping thread, and a wake-up costs one futex-wake however many NFs it carries: producers
 * that ring while the waker is already awake only set bits.
 *
 * <p>It also beats, every {@link #BEAT_NANOS}, the heartbeat of each of its NFs that sleeps, so that an idle hosted
 * NF need not wake just to show it lives (thousands of them would otherwise cost thousands of wake-ups a second).
 * An NF that is not asleep beats on its own loop; one stuck in its handler is not asleep, so it is not beaten for
 * and the manager's watchdog still finds it.
 *
 * <p>Batched wake-up: NFs with a wake threshold ({@link Doorbell#host(java.lang.foreign.MemorySegment, long, int, int,
 * int)}) that a producer left asleep with a few packets are in the host's deferred bitmap; the first such producer
 * sets the host's timer and rings it. The waker then opens a window of {@code windowNanos} and, when it ends, wakes
 * every deferred NF whose ring is not empty, in one pass: a trickle costs a wake-up per window per NF, not one per
 * packet. An NF whose ring reaches its threshold meanwhile is woken at once through the pending bitmap.
 */
public final class HostWaker implements AutoCloseable {
    /** The longest the waker sleeps without a ring, so that it notices {@link #close} even if a ring is lost. */
    static final long SLEEP_TIMEOUT_NANOS = 100_000_000L;
    /** How often the waker beats for its sleeping NFs: well inside the manager's heartbeat timeout (1 s default). */
    static final long BEAT_NANOS = 100_000_000L;

    private final Region region;
    private final HostTable hosts;
    private final int host;
    private final Doorbell doorbell;
    private final NfTable nfs;
    private long lastBeat;
    private final AtomicReferenceArray<Thread> consumers;
    private final AtomicLong unparks = new AtomicLong();
    private final AtomicLong windows = new AtomicLong();
    private final long windowNanos;
    private final int wakeThreshold;
    private long windowEnd;
    private boolean windowOpen;
    private final IntConsumer unpark = this::unpark;
    private final IntConsumer wakeDeferred = this::wakeDeferred;
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts the waker of host block {@code host} (claimed by this process): NFs woken by their first packet. */
    public HostWaker(Region region, int host) {
        this(region, host, 1, DEFAULT_WINDOW_NANOS);
    }

    /** The window deferred NFs wait at most, unless the host's NFs say otherwise. */
    public static final long DEFAULT_WINDOW_NANOS = 1_000_000L;

    /**
     * Starts the waker of host block {@code host} (claimed by this process). The host's NFs are woken at once when
     * their ring holds {@code wakeThreshold} packets, else {@code windowNanos} after the first of them was deferred;
     * a threshold of 1 wakes them on their first packet (no window).
     */
    public HostWaker(Region region, int host, int wakeThreshold, long windowNanos) {
        if (wakeThreshold < 1) {
            throw new IllegalArgumentException("wake threshold " + wakeThreshold + ": expected 1 packet or more");
        }
        if (windowNanos <= 0 || windowNanos > SLEEP_TIMEOUT_NANOS) {
            throw new IllegalArgumentException("wake window " + windowNanos + " ns: expected 1 ns.."
                    + SLEEP_TIMEOUT_NANOS / 1_000_000 + " ms");
        }
        this.wakeThreshold = wakeThreshold;
        this.windowNanos = windowNanos;
        this.region = region;
        this.hosts = new HostTable(region);
        this.host = host;
        this.doorbell = new Doorbell(region.segment(), hosts.doorbellOffset(host));
        this.nfs = new NfTable(region);
        this.consumers = new AtomicReferenceArray<>(region.layout().nfSlots());
        this.thread = Thread.ofPlatform().name("jnetvm-host-waker-" + host).daemon(true).start(this::run);
    }

    public int host() {
        return host;
    }

    /** The thread that sleeps for NF {@code slot}: unparked when a producer wakes that slot. */
    public void register(int slot, Thread consumer) {
        consumers.set(slot, consumer);
    }

    public void unregister(int slot) {
        consumers.set(slot, null);
    }

    /** NFs unparked so far. */
    public long unparks() {
        return unparks.get();
    }

    /** Windows of deferred NFs closed so far (each one pass over the deferred bitmap). */
    public long windows() {
        return windows.get();
    }

    public long windowNanos() {
        return windowNanos;
    }

    /** Packets in a hosted NF's ring that wake it at once; fewer wait for the window. 1: the first packet. */
    public int wakeThreshold() {
        return wakeThreshold;
    }

    private void run() {
        while (running) {
            long timeout = SLEEP_TIMEOUT_NANOS;
            if (windowOpen) {
                timeout = windowEnd - System.nanoTime();
            }
            if (timeout > 0) {
                doorbell.sleep(() -> hosts.pending(host) || (!windowOpen && hosts.timerSet(host)) || !running, timeout);
            }
            hosts.drain(host, unpark);
            long now = System.nanoTime();
            if (!windowOpen && hosts.timerSet(host)) {
                windowOpen = true;
                windowEnd = now + windowNanos;
            } else if (windowOpen && now - windowEnd >= 0) {
                windowOpen = false;
                windows.incrementAndGet();
                hosts.drainDeferred(host, wakeDeferred);
                hosts.drain(host, unpark); // the ones wakeDeferred just rang
            }
            if (now - lastBeat >= BEAT_NANOS) {
                lastBeat = now;
                beatForSleepers(now);
            }
        }
    }

    private void unpark(int slot) {
        Thread consumer = consumers.get(slot);
        if (consumer != null) {
            unparks.incrementAndGet(); // before: an NF seen awake has been counted
            LockSupport.unpark(consumer);
        }
    }

    // A deferred NF whose packets are still waiting: woken as a producer would (its doorbell from SLEEPING to AWAKE,
    // its pending bit); one that woke meanwhile, or whose ring is empty, is left alone.
    private void wakeDeferred(int slot) {
        if (consumers.get(slot) != null && nfs.rxRing(slot).size() > 0) {
            Doorbell.ring(region.segment(), nfs.doorbellOffset(slot));
        }
    }

    private void beatForSleepers(long now) {
        for (int slot = 0, n = consumers.length(); slot < n; slot++) {
            if (consumers.get(slot) != null && nfs.sleeping(slot)) {
                nfs.heartbeat(slot, now);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Doorbell.ring(region.segment(), hosts.doorbellOffset(host));
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

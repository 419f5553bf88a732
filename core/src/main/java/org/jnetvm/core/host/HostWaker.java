package org.jnetvm.core.host;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
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
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts the waker of host block {@code host} (claimed by this process). */
    public HostWaker(Region region, int host) {
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

    private void run() {
        while (running) {
            doorbell.sleep(() -> hosts.pending(host) || !running, SLEEP_TIMEOUT_NANOS);
            hosts.drain(host, slot -> {
                Thread consumer = consumers.get(slot);
                if (consumer != null) {
                    LockSupport.unpark(consumer);
                    unparks.incrementAndGet();
                }
            });
            long now = System.nanoTime();
            if (now - lastBeat >= BEAT_NANOS) {
                lastBeat = now;
                beatForSleepers(now);
            }
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

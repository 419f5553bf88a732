package org.jnetvm.core.host;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.region.Region;

/**
 * The one thread of an NF host that sleeps in the kernel. Its NFs are virtual threads that park when their rings
 * are empty; a producer that finds one asleep sets its bit in the host's pending bitmap and rings the host's
 * doorbell (see {@link Doorbell}); this thread wakes, takes the bits, and unparks exactly those NFs. So thousands
 * of idle NFs cost one sleeping thread, and a wake-up costs one futex-wake however many NFs it carries: producers
 * that ring while the waker is already awake only set bits.
 */
public final class HostWaker implements AutoCloseable {
    /** The longest the waker sleeps without a ring, so that it notices {@link #close} even if a ring is lost. */
    static final long SLEEP_TIMEOUT_NANOS = 100_000_000L;

    private final Region region;
    private final HostTable hosts;
    private final int host;
    private final Doorbell doorbell;
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

package org.jnetvm.core.host;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.function.IntConsumer;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.util.SlotBitmap;

/**
 * The HOSTS area ({@link HostDescriptor}): claiming a host block, and the pending bitmap its waker drains. A host
 * claims the first block that is free or whose owner is gone (a host killed with -9 leaves its block claimed; the
 * next host takes it over, so no one has to clean up after it).
 */
public final class HostTable {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final RegionLayout layout;
    private final int words;

    public HostTable(Region region) {
        this.segment = region.segment();
        this.layout = region.layout();
        this.words = HostDescriptor.pendingWords(layout.nfSlots());
    }

    public int hosts() {
        return layout.nfHosts();
    }

    /**
     * Claims a host block for process {@code pid} (started at {@code startMillis}).
     *
     * @return the host index
     * @throws IllegalStateException when every block belongs to a live host (the message says how to get more)
     */
    public int claim(long pid, long startMillis) {
        for (int h = 0; h < layout.nfHosts(); h++) {
            long base = layout.hostOffset(h);
            long owner = (long) LONG.getAcquire(segment, base + HostDescriptor.OWNER_PID_OFFSET);
            boolean free = owner == 0 || !Region.processAlive(owner,
                    (long) LONG.getAcquire(segment, base + HostDescriptor.OWNER_START_OFFSET));
            if (free && LONG.compareAndSet(segment, base + HostDescriptor.OWNER_PID_OFFSET, owner, pid)) {
                LONG.setRelease(segment, base + HostDescriptor.OWNER_START_OFFSET, startMillis);
                Doorbell.format(segment, base + HostDescriptor.DOORBELL_OFFSET);
                SlotBitmap.clear(segment, base + HostDescriptor.PENDING_OFFSET, words);
                SlotBitmap.clear(segment, base + HostDescriptor.deferredOffset(layout.nfSlots()), words);
                INT.setVolatile(segment, base + HostDescriptor.TIMER_OFFSET, 0);
                return h;
            }
        }
        throw new IllegalStateException("all " + layout.nfHosts() + " NF host blocks of region '"
                + layout.spec().name() + "' belong to running hosts; give the manager more (region: {nfHosts: N})");
    }

    /** Claims a host block for this process. */
    public int claim() {
        ProcessHandle self = ProcessHandle.current();
        return claim(self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /** Gives block {@code host} back; its owner calls this when it stops. */
    public void release(int host) {
        LONG.setRelease(segment, layout.hostOffset(host) + HostDescriptor.OWNER_PID_OFFSET, 0L);
    }

    public long owner(int host) {
        return (long) LONG.getAcquire(segment, layout.hostOffset(host) + HostDescriptor.OWNER_PID_OFFSET);
    }

    /** Offset of host {@code host}'s doorbell. */
    public long doorbellOffset(int host) {
        return layout.hostOffset(host) + HostDescriptor.DOORBELL_OFFSET;
    }

    /** Whether any NF of host {@code host} was woken and not yet handed to {@link #drain}. */
    public boolean pending(int host) {
        return SlotBitmap.any(segment, layout.hostOffset(host) + HostDescriptor.PENDING_OFFSET, words);
    }

    /**
     * Takes every pending bit of host {@code host} (each word swapped with 0 atomically, so a bit set meanwhile is
     * either taken now or left for the next drain) and passes each woken slot to {@code woken}.
     *
     * @return how many slots were woken
     */
    public int drain(int host, IntConsumer woken) {
        return drain(layout.hostOffset(host), false, woken);
    }

    /** Whether a producer left host {@code host}'s waker a deferred wake-up to make (its timer is set). */
    public boolean timerSet(int host) {
        return (int) INT.getAcquire(segment, layout.hostOffset(host) + HostDescriptor.TIMER_OFFSET) != 0;
    }

    /**
     * The waker, at the end of its window: clears the timer, then takes every deferred bit (as {@link #drain} takes
     * pending ones). In this order, against the producer's "set bit, then test-and-set timer", a bit set after the
     * take finds the timer clear and sets it again: no deferred NF is left without a timer.
     *
     * @return how many slots were deferred
     */
    public int drainDeferred(int host, IntConsumer deferred) {
        long base = layout.hostOffset(host);
        INT.setVolatile(segment, base + HostDescriptor.TIMER_OFFSET, 0);
        VarHandle.fullFence();
        return drain(base, true, deferred);
    }

    private int drain(long base, boolean deferredBits, IntConsumer woken) {
        long bitmap = base + (deferredBits ? HostDescriptor.deferredOffset(layout.nfSlots()) : HostDescriptor.PENDING_OFFSET);
        return SlotBitmap.drain(segment, bitmap, words, woken);
    }
}

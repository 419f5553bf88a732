package org.jnetvm.core.idle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jnetvm.core.host.HostDescriptor;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.sys.Futex;
import org.jnetvm.core.util.Align;
import org.jnetvm.core.util.SlotBitmap;

/**
 * A consumer's sleep word in shared memory, and the protocol that lets it sleep when its
 * ring is empty without any system call while it is awake (Flurries' hybrid polling).
 *
 * <pre>
 *   0          4                                            128
 *   +----------+--------------------------------------------+
 *   | state    | (padding: producers read this line often)  |
 *   +----------+--------------------------------------------+
 *   state: AWAKE (0) or SLEEPING (1)
 * </pre>
 *
 * <h2>Protocol</h2>
 * Consumer ({@link #sleep}): store SLEEPING (volatile), re-check for work, and only if there
 * is none call futex-wait on the word expecting SLEEPING; store AWAKE on return.
 * Producer ({@link #ring}), after publishing work with release: a full fence, then read the
 * word; only if it says SLEEPING, CAS it to AWAKE and call futex-wake. This is Dekker's
 * pattern: consumer "store state; load ring position" against producer "store ring position;
 * load state", each separated by a full fence, so at least one side sees the other's store:
 * either the consumer sees the work and does not sleep, or the producer sees SLEEPING and
 * wakes it. A wake that lands before the futex-wait makes the wait return at once (the word
 * no longer holds SLEEPING), so no wake-up is lost.
 *
 * <h2>Hosted consumers</h2>
 * A consumer that is a virtual thread in an NF host must not futex-wait (it would hold its carrier thread). It
 * marks its word's line with its host ({@link #host}) and parks instead ({@link #parkInstead}). A producer that
 * wins the SLEEPING to AWAKE exchange on such a word sets the consumer's bit in the host's pending bitmap and rings
 * the host's own doorbell; the host's waker, the one thread that futex-waits, unparks the consumer. The bitmap's
 * OR is a full-barrier atomic before the host word's fence and load, so the same Dekker argument covers the second
 * hop: the waker either sees the bit after arming its word, or the producer sees the waker SLEEPING and wakes it.
 * A host field that does not name a host of this region is ignored (the consumer then wakes on its timeout).
 *
 * <h2>Batched wake-up (Flurries)</h2>
 * A hosted consumer may give a wake threshold ({@link #host(MemorySegment, long, int, int, int)}): a producer that
 * finds it asleep with fewer packets than that in its ring ({@link #ring(MemorySegment, long, MpmcRing)}) leaves it
 * asleep, sets its bit in the host's deferred bitmap, and, only if the host's timer is not set already, sets it
 * and rings the host. The host's waker wakes the deferred consumers whose rings are not empty when its window
 * ends; a producer that brings a consumer's ring to the threshold wakes it at once, as without one. So a trickle
 * of packets costs a wake-up per window per NF, not one per packet, and a burst is not delayed.
 *
 * <h2>Threads</h2>
 * One consumer thread calls {@link #sleep}; any number of producers (in any process) call
 * {@link #ring}. Create one {@code Doorbell} object per process and side.
 */
public final class Doorbell {
    public static final int STATE_OFFSET = 0;
    public static final int LENGTH = Align.FALSE_SHARING_PAD;
    public static final int AWAKE = 0;
    public static final int SLEEPING = 1;

    private static final VarHandle STATE = JAVA_INT.varHandle();

    private final MemorySegment word;
    private final MemorySegment timespec;
    private boolean park;
    private long sleeps;
    private long wakeCalls;

    /** A doorbell over the {@link #LENGTH} bytes at {@code offset} of {@code segment}. */
    public Doorbell(MemorySegment segment, long offset) {
        this.word = segment.asSlice(offset + STATE_OFFSET, Integer.BYTES);
        this.timespec = Futex.newTimespec(Arena.ofAuto());
    }

    /** Sets the word AWAKE; the creator of the memory calls this once. */
    public static void format(MemorySegment segment, long offset) {
        STATE.setVolatile(segment, offset + STATE_OFFSET, AWAKE);
        STATE.setVolatile(segment, offset + HostDescriptor.DOORBELL_HOST_OFFSET, 0);
        STATE.setVolatile(segment, offset + HostDescriptor.DOORBELL_SLOT_OFFSET, 0);
        STATE.setVolatile(segment, offset + HostDescriptor.DOORBELL_THRESHOLD_OFFSET, 0);
    }

    /**
     * Marks the doorbell at {@code offset} as belonging to NF {@code slot} of host {@code host}: producers that wake
     * it ring the host. The consumer calls this before it first sleeps, and {@link #parkInstead} on its object.
     */
    public static void host(MemorySegment segment, long offset, int host, int slot) {
        host(segment, offset, host, slot, 0);
    }

    /**
     * {@link #host(MemorySegment, long, int, int)} with a wake threshold: producers leave the consumer asleep
     * (deferred to its host's timer) while its ring holds fewer than {@code threshold} packets; 0 or 1: the first
     * packet wakes it.
     */
    public static void host(MemorySegment segment, long offset, int host, int slot, int threshold) {
        STATE.setVolatile(segment, offset + HostDescriptor.DOORBELL_SLOT_OFFSET, slot);
        STATE.setVolatile(segment, offset + HostDescriptor.DOORBELL_THRESHOLD_OFFSET, threshold);
        STATE.setVolatile(segment, offset + HostDescriptor.DOORBELL_HOST_OFFSET, host + 1);
    }

    /** Sleeps by parking the calling (virtual) thread, to be unparked by its host's waker, instead of futex-wait. */
    public void parkInstead() {
        this.park = true;
    }

    /**
     * Sleeps until woken by {@link #ring}, or for at most {@code timeoutNanos}, unless
     * {@code hasWork} says there is work once the word is armed.
     *
     * @return true if it actually called futex-wait
     */
    public boolean sleep(BooleanSupplier hasWork, long timeoutNanos) {
        STATE.setVolatile(word, 0L, SLEEPING);
        if (hasWork.getAsBoolean()) {
            STATE.setVolatile(word, 0L, AWAKE);
            return false;
        }
        sleeps++;
        if (park) {
            LockSupport.parkNanos(timeoutNanos);
        } else {
            Futex.await(word, SLEEPING, timeoutNanos, timespec);
        }
        STATE.setVolatile(word, 0L, AWAKE);
        return true;
    }

    /**
     * Wakes the consumer if it sleeps or is about to. Call after publishing work (once per
     * burst). For consumers that are never hosted (the manager's threads); NF slots are rung through
     * {@link #ring(MemorySegment, long)}, which follows a hosted NF to its host. Costs a fence and a load while the consumer is awake; a system call only when
     * it sleeps.
     *
     * @return true if it called futex-wake
     */
    public boolean ring() {
        VarHandle.fullFence();
        if ((int) STATE.getAcquire(word, 0L) == SLEEPING && STATE.compareAndSet(word, 0L, SLEEPING, AWAKE)) {
            wakeCalls++;
            Futex.wake(word, 1);
            return true;
        }
        return false;
    }

    /**
     * {@link #ring()} for the doorbell at {@code offset} of {@code segment}, without an object:
     * what a producer that feeds many consumers (a router) calls.
     *
     * @return true if it called futex-wake
     */
    public static boolean ring(MemorySegment segment, long offset) {
        VarHandle.fullFence();
        long address = offset + STATE_OFFSET;
        if ((int) STATE.getAcquire(segment, address) == SLEEPING && STATE.compareAndSet(segment, address, SLEEPING, AWAKE)) {
            int host = (int) STATE.getAcquire(segment, offset + HostDescriptor.DOORBELL_HOST_OFFSET) - 1;
            if (host < 0) {
                Futex.wake(segment.asSlice(address, Integer.BYTES), 1);
            } else {
                wakeHosted(segment, host, (int) STATE.getAcquire(segment, offset + HostDescriptor.DOORBELL_SLOT_OFFSET));
            }
            return true;
        }
        return false;
    }

    /**
     * {@link #ring(MemorySegment, long)} for the consumer of {@code ring}, an NF slot's rx ring: a hosted consumer
     * with a wake threshold that finds fewer packets than that in {@code ring} is left asleep and deferred to its
     * host's timer (see the class comment). What routers call after each run they put in an NF's ring.
     *
     * @return true if it woke the consumer (or handed it to its host to wake) now
     */
    public static boolean ring(MemorySegment segment, long offset, MpmcRing ring) {
        VarHandle.fullFence();
        long address = offset + STATE_OFFSET;
        if ((int) STATE.getAcquire(segment, address) != SLEEPING) {
            return false;
        }
        int threshold = (int) STATE.getAcquire(segment, offset + HostDescriptor.DOORBELL_THRESHOLD_OFFSET);
        if (threshold > 1 && ring.size() < threshold) {
            int host = (int) STATE.getAcquire(segment, offset + HostDescriptor.DOORBELL_HOST_OFFSET) - 1;
            if (host >= 0 && defer(segment, host, (int) STATE.getAcquire(segment, offset + HostDescriptor.DOORBELL_SLOT_OFFSET))) {
                return false;
            }
        }
        return ring(segment, offset);
    }

    // Leaves the consumer asleep for its host's timer: its deferred bit, and the timer set (the host rung) if it was
    // not. False if the host is not one of this region's (the caller then wakes the consumer as usual).
    private static boolean defer(MemorySegment segment, int host, int slot) {
        long block = hostBlock(segment, host, slot);
        if (block < 0) {
            return false;
        }
        int slots = segment.get(JAVA_INT, RegionDescriptor.NF_SLOTS_OFFSET);
        SlotBitmap.set(segment, block + HostDescriptor.deferredOffset(slots), slot);
        long timer = block + HostDescriptor.TIMER_OFFSET;
        if ((int) STATE.getVolatile(segment, timer) == 0 && STATE.compareAndSet(segment, timer, 0, 1)) {
            ring(segment, block + HostDescriptor.DOORBELL_OFFSET);
        }
        return true;
    }

    // The consumer sleeps in a host: its bit in the host's pending bitmap, then the host's own doorbell.
    private static void wakeHosted(MemorySegment segment, int host, int slot) {
        long block = hostBlock(segment, host, slot);
        if (block < 0) {
            return; // not a host of this region: the consumer wakes on its timeout
        }
        SlotBitmap.set(segment, block + HostDescriptor.PENDING_OFFSET, slot);
        ring(segment, block + HostDescriptor.DOORBELL_OFFSET);
    }

    // The offset of host block {@code host}, from the region header alone, or -1 if it names no host or slot here.
    private static long hostBlock(MemorySegment segment, int host, int slot) {
        int hosts = segment.get(JAVA_INT, RegionDescriptor.NF_HOSTS_OFFSET);
        int slots = segment.get(JAVA_INT, RegionDescriptor.NF_SLOTS_OFFSET);
        if (host >= hosts || slot < 0 || slot >= slots) {
            return -1;
        }
        return segment.get(JAVA_LONG, RegionDescriptor.HOSTS_AREA_OFFSET)
                + (long) host * segment.get(JAVA_INT, RegionDescriptor.HOST_STRIDE_OFFSET);
    }

    /** Whether the consumer has armed the word (is asleep or about to be). */
    public boolean isSleeping() {
        return (int) STATE.getAcquire(word, 0L) == SLEEPING;
    }

    /** futex-waits made through this object (consumer side). */
    public long sleeps() {
        return sleeps;
    }

    /** futex-wakes made through this object (producer side). */
    public long wakeCalls() {
        return wakeCalls;
    }
}

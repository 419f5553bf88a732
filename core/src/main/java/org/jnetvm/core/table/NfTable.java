package org.jnetvm.core.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.msg.MessageArea;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.ring.SpscRing;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.stats.DropReason;

/**
 * The NF table of a region ({@link NfSlotDescriptor}): one slot per registered NF with its
 * state, liveness, doorbell, counters and rings. One object per process; the ring objects
 * it hands out are created once per slot and cached, so lookups allocate nothing after warm-up.
 *
 * <p>Thread-safety: the accessors read shared memory and may be called from any thread. The
 * ring objects are shared by the threads of this process: {@link MpmcRing} is safe for that,
 * an {@link SpscRing} must have one producer thread and one consumer thread (an NF's tx ring:
 * the NF's loop produces, one manager TX thread consumes).
 */
public final class NfTable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final RegionLayout layout;
    private final int slots;
    private final long slotBase;
    private final MpmcRing[] rxRings;
    private final SpscRing[] txRings;

    public NfTable(Region region) {
        this.segment = region.segment();
        this.layout = region.layout();
        this.slots = layout.nfSlots();
        this.slotBase = layout.area(AreaKind.NF_TABLE).offset();
        this.rxRings = new MpmcRing[slots];
        this.txRings = new SpscRing[slots];
    }

    public int slots() {
        return slots;
    }

    public long offset(int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IndexOutOfBoundsException("NF slot " + slot + " of " + slots);
        }
        return slotBase + (long) slot * NfSlotDescriptor.STRIDE;
    }

    public int state(int slot) {
        return (int) INT.getAcquire(segment, offset(slot) + NfSlotDescriptor.STATE_OFFSET);
    }

    /** Manager only. Release-stores the state, so that a reader seeing it sees what came before. */
    public void state(int slot, NfState state) {
        INT.setRelease(segment, offset(slot) + NfSlotDescriptor.STATE_OFFSET, state.code);
    }

    /** Manager only: CAS on the state, for transitions that may race with another manager thread. */
    public boolean compareAndSetState(int slot, NfState expected, NfState state) {
        return INT.compareAndSet(segment, offset(slot) + NfSlotDescriptor.STATE_OFFSET, expected.code, state.code);
    }

    public int serviceId(int slot) {
        return segment.get(JAVA_INT, offset(slot) + NfSlotDescriptor.SERVICE_OFFSET);
    }

    public int instanceId(int slot) {
        return segment.get(JAVA_INT, offset(slot) + NfSlotDescriptor.INSTANCE_OFFSET);
    }

    public int generation(int slot) {
        return segment.get(JAVA_INT, offset(slot) + NfSlotDescriptor.GENERATION_OFFSET);
    }

    public long pid(int slot) {
        return segment.get(JAVA_LONG, offset(slot) + NfSlotDescriptor.PID_OFFSET);
    }

    public String name(int slot) {
        return Ascii.read(segment, offset(slot) + NfSlotDescriptor.NAME_OFFSET, NfSlotDescriptor.NAME_LENGTH);
    }

    /**
     * Manager only, on registration: fills the slot's description, empties its rings and
     * liveness, and leaves it STARTING. Counters are not reset: they are cumulative per slot,
     * so that sums over all slots never go backwards.
     */
    public void claim(int slot, int serviceId, int instanceId, long pid, String name) {
        long o = offset(slot);
        segment.set(JAVA_INT, o + NfSlotDescriptor.SERVICE_OFFSET, serviceId);
        segment.set(JAVA_INT, o + NfSlotDescriptor.INSTANCE_OFFSET, instanceId);
        segment.set(JAVA_INT, o + NfSlotDescriptor.GENERATION_OFFSET, generation(slot) + 1);
        segment.set(JAVA_LONG, o + NfSlotDescriptor.PID_OFFSET, pid);
        segment.set(JAVA_LONG, o + NfSlotDescriptor.REGISTERED_AT_OFFSET, System.currentTimeMillis());
        Ascii.write(segment, o + NfSlotDescriptor.NAME_OFFSET, NfSlotDescriptor.NAME_LENGTH, name);
        LONG.setRelease(segment, o + NfSlotDescriptor.HEARTBEAT_OFFSET, System.nanoTime());
        INT.setRelease(segment, o + NfSlotDescriptor.WARM_OFFSET, 0);
        segment.set(JAVA_INT, o + NfSlotDescriptor.CPU_SHARE_OFFSET, 0);
        segment.set(JAVA_INT, o + NfSlotDescriptor.FLOW_LEASE_OFFSET, 0);
        LONG.setOpaque(segment, o + NfSlotDescriptor.COST_PS, 0L); // a gauge, not a counter: this NF's own
        Doorbell.format(segment, o + NfSlotDescriptor.DOORBELL_OFFSET);
        MpmcRing.format(segment, layout.nfRxRingOffset(slot), layout.ringCapacity(slot));
        SpscRing.format(segment, layout.nfTxRingOffset(slot), layout.ringCapacity(slot));
        MessageArea.inbox(segment, layout.area(AreaKind.MESSAGES).offset(), slots, layout.smallSlots(), slot).format();
        state(slot, NfState.STARTING);
    }

    /** The slot's rx ring: every producer that hands this NF a packet enqueues here. */
    public MpmcRing rxRing(int slot) {
        MpmcRing ring = rxRings[slot];
        if (ring == null) {
            ring = MpmcRing.attach(segment, layout.nfRxRingOffset(slot));
            rxRings[slot] = ring;
        }
        return ring;
    }

    /**
     * The slot's tx ring. Its SpscRing object caches positions, so each side (the NF, the
     * manager TX thread) must use its own NfTable's object, and a re-formatted ring needs a new
     * object: call {@link #reattachTxRing} after {@link #claim}.
     */
    public SpscRing txRing(int slot) {
        SpscRing ring = txRings[slot];
        if (ring == null) {
            ring = SpscRing.attach(segment, layout.nfTxRingOffset(slot));
            txRings[slot] = ring;
        }
        return ring;
    }

    /** Drops this process's cached tx ring object of {@code slot} (after the slot was re-claimed). */
    public void reattachTxRing(int slot) {
        txRings[slot] = null;
    }

    public long doorbellOffset(int slot) {
        return offset(slot) + NfSlotDescriptor.DOORBELL_OFFSET;
    }

    public MemorySegment segment() {
        return segment;
    }

    // --- liveness, written by the NF ---

    public void heartbeat(int slot, long nanos) {
        LONG.setOpaque(segment, offset(slot) + NfSlotDescriptor.HEARTBEAT_OFFSET, nanos);
    }

    public long heartbeat(int slot) {
        return (long) LONG.getOpaque(segment, offset(slot) + NfSlotDescriptor.HEARTBEAT_OFFSET);
    }

    /** Release-stores the loop count: everything the loop did before is visible to whoever reads it. */
    public void loopCount(int slot, long count) {
        LONG.setRelease(segment, offset(slot) + NfSlotDescriptor.LOOP_COUNT_OFFSET, count);
    }

    /** The NF, once: it has handled its first burst (or looped for a second). */
    public void warm(int slot) {
        INT.setRelease(segment, offset(slot) + NfSlotDescriptor.WARM_OFFSET, 1);
    }

    public boolean isWarm(int slot) {
        return (int) INT.getAcquire(segment, offset(slot) + NfSlotDescriptor.WARM_OFFSET) != 0;
    }

    public long loopCount(int slot) {
        return (long) LONG.getAcquire(segment, offset(slot) + NfSlotDescriptor.LOOP_COUNT_OFFSET);
    }

    public boolean sleeping(int slot) {
        return (int) INT.getAcquire(segment, doorbellOffset(slot) + Doorbell.STATE_OFFSET) == Doorbell.SLEEPING;
    }

    // --- scheduling (NFVnice) ---

    /** Manager only: the cpu share last written to the slot's cgroup (0: none). */
    public void cpuShare(int slot, int share) {
        INT.setOpaque(segment, offset(slot) + NfSlotDescriptor.CPU_SHARE_OFFSET, share);
    }

    public int cpuShare(int slot) {
        return (int) INT.getOpaque(segment, offset(slot) + NfSlotDescriptor.CPU_SHARE_OFFSET);
    }

    /** The NF: its median cost per packet, in picoseconds. */
    public void costPicos(int slot, long picos) {
        LONG.setOpaque(segment, offset(slot) + NfSlotDescriptor.COST_PS, picos);
    }

    public long costPicos(int slot) {
        return (long) LONG.getOpaque(segment, offset(slot) + NfSlotDescriptor.COST_PS);
    }

    // --- per-flow services (Flurries) ---

    /**
     * Manager only: the lease of the flow the instance in {@code slot} serves now ({@link org.jnetvm.core.flow.FlowLease}),
     * 0 once the flow has ended. Release: the NF that sees it sees what came before.
     */
    public void flowLease(int slot, int lease) {
        INT.setRelease(segment, offset(slot) + NfSlotDescriptor.FLOW_LEASE_OFFSET, lease);
    }

    public int flowLease(int slot) {
        return (int) INT.getAcquire(segment, offset(slot) + NfSlotDescriptor.FLOW_LEASE_OFFSET);
    }

    /** Any producer: {@code n} packets did not fit in the slot's rx ring. */
    public void countRefused(int slot, long n) {
        Counters.addShared(segment, offset(slot) + NfSlotDescriptor.RX_REFUSED, n);
    }

    // --- counters ---

    public long counter(int slot, int counterOffset) {
        return Counters.get(segment, offset(slot) + counterOffset);
    }

    public long drops(int slot, DropReason reason) {
        return counter(slot, NfSlotDescriptor.drop(reason));
    }

    /** Sum of every drop counter of the slot. */
    public long drops(int slot) {
        long sum = 0;
        for (DropReason reason : DropReason.values()) {
            sum += drops(slot, reason);
        }
        return sum;
    }
}

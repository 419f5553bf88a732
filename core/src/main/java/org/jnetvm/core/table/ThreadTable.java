package org.jnetvm.core.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.util.SlotBitmap;

/** Manager threads' blocks ({@link ThreadDescriptor}): liveness, drops and per-port tx counters. */
public final class ThreadTable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final RegionLayout layout;

    public ThreadTable(Region region) {
        this.segment = region.segment();
        this.layout = region.layout();
    }

    public int threadCount() {
        return layout.threadCount();
    }

    public long offset(int thread) {
        return layout.threadOffset(thread);
    }

    public boolean inUse(int thread) {
        return (int) INT.getAcquire(segment, offset(thread) + ThreadDescriptor.IN_USE_OFFSET) != 0;
    }

    public int kind(int thread) {
        return segment.get(JAVA_INT, offset(thread) + ThreadDescriptor.KIND_OFFSET);
    }

    public String name(int thread) {
        return Ascii.read(segment, offset(thread) + ThreadDescriptor.NAME_OFFSET, ThreadDescriptor.NAME_LENGTH);
    }

    /** Manager only, before the thread starts. */
    public void open(int thread, int kind, String name) {
        long base = offset(thread);
        segment.set(JAVA_INT, base + ThreadDescriptor.KIND_OFFSET, kind);
        Ascii.write(segment, base + ThreadDescriptor.NAME_OFFSET, ThreadDescriptor.NAME_LENGTH, name);
        Doorbell.format(segment, base + ThreadDescriptor.DOORBELL_OFFSET);
        SlotBitmap.clear(segment, txPendingOffset(thread), txPendingWords());
        INT.setRelease(segment, base + ThreadDescriptor.IN_USE_OFFSET, 1);
    }

    /** Offset of thread {@code thread}'s tx pending bitmap (see {@link ThreadDescriptor}). */
    public long txPendingOffset(int thread) {
        return offset(thread) + ThreadDescriptor.txPending(layout.portCount());
    }

    /** Words of a tx pending bitmap. */
    public int txPendingWords() {
        return SlotBitmap.words(layout.nfSlots());
    }

    /** Whether thread {@code thread} sleeps on its doorbell now (between loops: not in the middle of an enqueue). */
    public boolean sleeping(int thread) {
        return (int) INT.getAcquire(segment, doorbellOffset(thread) + Doorbell.STATE_OFFSET) == Doorbell.SLEEPING;
    }

    /** Offset of thread {@code thread}'s doorbell (see {@link ThreadDescriptor}). */
    public long doorbellOffset(int thread) {
        return offset(thread) + ThreadDescriptor.DOORBELL_OFFSET;
    }

    /**
     * The TX threads open now, by thread index, in the order the manager numbered them: TX
     * thread k of n drains the tx rings of the NF slots s with s % n == k.
     */
    public int[] txThreads() {
        return java.util.stream.IntStream.range(0, threadCount())
                .filter(t -> inUse(t) && kind(t) == ThreadDescriptor.KIND_TX).toArray();
    }

    /** Manager only, after the thread stopped. */
    public void close(int thread) {
        INT.setRelease(segment, offset(thread) + ThreadDescriptor.IN_USE_OFFSET, 0);
    }

    /** The thread itself, each loop: release-stores its loop count. */
    public void loopCount(int thread, long count) {
        LONG.setRelease(segment, offset(thread) + ThreadDescriptor.LOOP_COUNT_OFFSET, count);
    }

    public long loopCount(int thread) {
        return (long) LONG.getAcquire(segment, offset(thread) + ThreadDescriptor.LOOP_COUNT_OFFSET);
    }

    public long drops(int thread, DropReason reason) {
        return Counters.get(segment, offset(thread) + ThreadDescriptor.drop(reason));
    }

    public long txPackets(int thread, int port) {
        return Counters.get(segment, offset(thread) + ThreadDescriptor.portTxPackets(port));
    }

    public long txBytes(int thread, int port) {
        return Counters.get(segment, offset(thread) + ThreadDescriptor.portTxBytes(port));
    }

    /** Sum of a port's tx packets over all threads. */
    public long portTxPackets(int port) {
        long sum = 0;
        for (int t = 0; t < threadCount(); t++) {
            sum += txPackets(t, port);
        }
        return sum;
    }

    /** Sum over all threads of drops for {@code reason}. */
    public long drops(DropReason reason) {
        long sum = 0;
        for (int t = 0; t < threadCount(); t++) {
            sum += drops(t, reason);
        }
        return sum;
    }
}

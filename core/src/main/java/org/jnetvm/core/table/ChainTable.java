package org.jnetvm.core.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.util.Counters;

/**
 * Chain id → the services a packet visits ({@link ChainDescriptor}); chain 0 is the default
 * chain. Written by the manager, read by every router on every packet that moves along a chain.
 */
public final class ChainTable {
    /** The chain an RX thread gives a packet when nothing else classifies it. */
    public static final int DEFAULT_CHAIN = 0;

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final RegionLayout layout;
    private final long base;
    private final long stride;

    public ChainTable(Region region) {
        this.segment = region.segment();
        this.layout = region.layout();
        this.base = layout.area(AreaKind.CHAINS).offset();
        this.stride = layout.chainStride();
    }

    private long entry(int id) {
        if (id < 0 || id >= layout.chainCount()) {
            throw new IndexOutOfBoundsException("chain " + id + " of " + layout.chainCount());
        }
        return base + id * stride;
    }

    public int chainCount() {
        return layout.chainCount();
    }

    /** Services in chain {@code id}, or 0 for an unused id or one out of range. */
    public int length(int id) {
        if (id < 0 || id >= layout.chainCount()) {
            return 0;
        }
        return (int) INT.getAcquire(segment, entry(id) + ChainDescriptor.LENGTH_OFFSET);
    }

    /** Service id at position {@code position} of chain {@code id}; position < length. */
    public int service(int id, int position) {
        return segment.get(JAVA_INT, entry(id) + ChainDescriptor.SERVICES_OFFSET + 4L * position);
    }

    public String name(int id) {
        return Ascii.read(segment, entry(id) + ChainDescriptor.NAME_OFFSET, ChainDescriptor.NAME_LENGTH);
    }

    // --- backpressure (NFVnice) ---

    /** Whether chain {@code id} is throttled at entry; false for an id out of range. */
    public boolean throttled(int id) {
        return id >= 0 && id < layout.chainCount()
                && (int) INT.getOpaque(segment, entry(id) + ChainDescriptor.THROTTLED_OFFSET) != 0;
    }

    /** The NF slot whose full ring throttles chain {@code id}. */
    public int bottleneck(int id) {
        return (int) INT.getOpaque(segment, entry(id) + ChainDescriptor.BOTTLENECK_OFFSET);
    }

    /** Manager threads: throttles chain {@code id} because of slot {@code slot}'s ring. */
    public void throttle(int id, int slot) {
        INT.setOpaque(segment, entry(id) + ChainDescriptor.BOTTLENECK_OFFSET, slot);
        INT.setRelease(segment, entry(id) + ChainDescriptor.THROTTLED_OFFSET, 1);
    }

    /** Manager threads: admits chain {@code id}'s packets again. */
    public void admit(int id) {
        INT.setRelease(segment, entry(id) + ChainDescriptor.THROTTLED_OFFSET, 0);
    }

    /** Counts {@code n} packets of chain {@code id} dropped at entry by backpressure (any RX thread). */
    public void countBackpressure(int id, long n) {
        Counters.addShared(segment, entry(id) + ChainDescriptor.BACKPRESSURE_DROPS_OFFSET, n);
    }

    /** Counts {@code n} packets of chain {@code id} marked CE at entry (any RX thread). */
    public void countEcn(int id, long n) {
        Counters.addShared(segment, entry(id) + ChainDescriptor.ECN_MARKED_OFFSET, n);
    }

    public long backpressureDrops(int id) {
        return Counters.get(segment, entry(id) + ChainDescriptor.BACKPRESSURE_DROPS_OFFSET);
    }

    public long ecnMarked(int id) {
        return Counters.get(segment, entry(id) + ChainDescriptor.ECN_MARKED_OFFSET);
    }

    /** Manager only: sets chain {@code id} to {@code services}, publishing the length last. */
    public void set(int id, String name, int[] services) {
        if (services.length > layout.maxChainLength()) {
            throw new IllegalArgumentException("chain " + name + " has " + services.length
                    + " services; the region allows " + layout.maxChainLength() + " (raise region.maxChainLength)");
        }
        long base = entry(id);
        INT.setRelease(segment, base + ChainDescriptor.LENGTH_OFFSET, 0);
        Ascii.write(segment, base + ChainDescriptor.NAME_OFFSET, ChainDescriptor.NAME_LENGTH, name);
        for (int i = 0; i < services.length; i++) {
            segment.set(JAVA_INT, base + ChainDescriptor.SERVICES_OFFSET + 4L * i, services[i]);
        }
        segment.set(JAVA_INT, base + ChainDescriptor.VERSION_OFFSET,
                segment.get(JAVA_INT, base + ChainDescriptor.VERSION_OFFSET) + 1);
        INT.setRelease(segment, base + ChainDescriptor.LENGTH_OFFSET, services.length);
    }
}

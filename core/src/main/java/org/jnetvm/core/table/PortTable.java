package org.jnetvm.core.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.util.Counters;
import org.jnetvm.core.stats.DropReason;

/** Port descriptions and rx counters ({@link PortDescriptor}); readable from any process. */
public final class PortTable {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final RegionLayout layout;

    public PortTable(Region region) {
        this.segment = region.segment();
        this.layout = region.layout();
    }

    public int portCount() {
        return layout.portCount();
    }

    public long offset(int port) {
        return layout.portOffset(port);
    }

    public boolean inUse(int port) {
        return (int) INT.getAcquire(segment, offset(port) + PortDescriptor.IN_USE_OFFSET) != 0;
    }

    public String name(int port) {
        return Ascii.read(segment, offset(port) + PortDescriptor.NAME_OFFSET, PortDescriptor.NAME_LENGTH);
    }

    public String kind(int port) {
        return Ascii.read(segment, offset(port) + PortDescriptor.KIND_OFFSET, PortDescriptor.KIND_LENGTH);
    }

    /** Manager only, when it opens a port. */
    public void open(int port, String name, String kind) {
        long base = offset(port);
        Ascii.write(segment, base + PortDescriptor.NAME_OFFSET, PortDescriptor.NAME_LENGTH, name);
        Ascii.write(segment, base + PortDescriptor.KIND_OFFSET, PortDescriptor.KIND_LENGTH, kind);
        INT.setRelease(segment, base + PortDescriptor.IN_USE_OFFSET, 1);
    }

    public long rxPackets(int port) {
        return Counters.get(segment, offset(port) + PortDescriptor.RX_PACKETS);
    }

    public long rxBytes(int port) {
        return Counters.get(segment, offset(port) + PortDescriptor.RX_BYTES);
    }

    public long drops(int port, DropReason reason) {
        return Counters.get(segment, offset(port) + PortDescriptor.drop(reason));
    }

    /**
     * The port's RX threads: usually one, several when the port fans out over queues, so the
     * adds are atomic (once per burst).
     */
    public void countRx(int port, long packets, long bytes) {
        long base = offset(port);
        Counters.addShared(segment, base + PortDescriptor.RX_PACKETS, packets);
        Counters.addShared(segment, base + PortDescriptor.RX_BYTES, bytes);
    }

    /** The port's RX threads, as {@link #countRx}. */
    public void countDrop(int port, DropReason reason, long packets) {
        Counters.addShared(segment, offset(port) + PortDescriptor.drop(reason), packets);
    }
}

package org.jnetvm.core.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import org.jnetvm.core.util.Counters;

/**
 * Service id → live NF slots ({@link ServiceDescriptor}). Read by every producer on every
 * burst; written only by the manager's control thread, which adds an instance by writing its
 * slot and then release-storing the larger count, and removes one by moving the last slot into
 * its place and then release-storing the smaller count. A reader that races with a removal may
 * pick the removed NF for one burst; it then finds that slot not accepting and counts a drop,
 * and the reclaimer's grace period makes sure nothing is left in its ring.
 */
public final class ServiceTable {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final RegionLayout layout;
    private final long base;
    private final long stride;

    public ServiceTable(Region region) {
        this.segment = region.segment();
        this.layout = region.layout();
        this.base = layout.area(AreaKind.SERVICES).offset();
        this.stride = layout.serviceStride();
    }

    // Offset of entry id; callers pass valid ids (1..serviceCount) or 0.
    private long entry(int id) {
        if (id < 0 || id > layout.serviceCount()) {
            throw new IndexOutOfBoundsException("service id " + id + " of 1.." + layout.serviceCount());
        }
        return base + id * stride;
    }

    /** Highest service id. */
    public int maxServiceId() {
        return layout.serviceCount();
    }

    public boolean valid(int id) {
        return id >= 1 && id <= layout.serviceCount();
    }

    public int instanceCount(int id) {
        return (int) INT.getAcquire(segment, entry(id) + ServiceDescriptor.COUNT_OFFSET);
    }

    /** The NF slot of instance position {@code k} (0 ≤ k < count). */
    public int slot(int id, int k) {
        return segment.get(JAVA_INT, entry(id) + ServiceDescriptor.SLOTS_OFFSET + 4L * k);
    }

    /**
     * Which of {@code count} instances serves a flow with {@code flowHash}: Lemire's
     * multiply-shift maps the hash onto [0, count) without a division.
     */
    public static int instanceFor(int flowHash, int count) {
        return (int) (((flowHash & 0xFFFF_FFFFL) * count) >>> 32);
    }

    /**
     * The id of the defined service named {@code nameOrId}, or -1. A name made of digits is an
     * id (the config refuses all-digit service names, so the two never clash).
     */
    public int find(String nameOrId) {
        if (!nameOrId.isEmpty() && nameOrId.chars().allMatch(Character::isDigit)) {
            int id = nameOrId.length() > 9 ? -1 : Integer.parseInt(nameOrId);
            return valid(id) && defined(id) ? id : -1;
        }
        for (int id = 1; id <= maxServiceId(); id++) {
            if (defined(id) && name(id).equals(nameOrId)) {
                return id;
            }
        }
        return -1;
    }

    public boolean defined(int id) {
        return segment.get(JAVA_INT, entry(id) + ServiceDescriptor.DEFINED_OFFSET) != 0;
    }

    public String name(int id) {
        return Ascii.read(segment, entry(id) + ServiceDescriptor.NAME_OFFSET, ServiceDescriptor.NAME_LENGTH);
    }

    /** Manager only: names service {@code id}. */
    public void define(int id, String name) {
        long base = entry(id);
        Ascii.write(segment, base + ServiceDescriptor.NAME_OFFSET, ServiceDescriptor.NAME_LENGTH, name);
        INT.setRelease(segment, base + ServiceDescriptor.DEFINED_OFFSET, 1);
    }

    /** Manager only: appends {@code slot} to the service's instances. */
    public void addInstance(int id, int slot) {
        long base = entry(id);
        int count = instanceCount(id);
        if (count >= layout.maxInstances()) {
            throw new IllegalStateException("service " + id + " already has " + count
                    + " instances, the region's maximum; raise region.maxInstances");
        }
        segment.set(JAVA_INT, base + ServiceDescriptor.SLOTS_OFFSET + 4L * count, slot);
        bumpVersion(base);
        INT.setRelease(segment, base + ServiceDescriptor.COUNT_OFFSET, count + 1);
    }

    /** Manager only: removes {@code slot} from the service's instances; returns whether it was there. */
    public boolean removeInstance(int id, int slot) {
        long base = entry(id);
        int count = instanceCount(id);
        for (int k = 0; k < count; k++) {
            if (slot(id, k) == slot) {
                int last = slot(id, count - 1);
                segment.set(JAVA_INT, base + ServiceDescriptor.SLOTS_OFFSET + 4L * k, last);
                bumpVersion(base);
                INT.setRelease(segment, base + ServiceDescriptor.COUNT_OFFSET, count - 1);
                return true;
            }
        }
        return false;
    }

    /** Whether the service is per-flow: its packets go to the instance their flow was bound to at entry. */
    public boolean perFlow(int id) {
        return (int) INT.getAcquire(segment, entry(id) + ServiceDescriptor.PER_FLOW_OFFSET) != 0;
    }

    /** Manager only, before any packet of the service: makes it per-flow (or not). */
    public void perFlow(int id, boolean perFlow) {
        INT.setRelease(segment, entry(id) + ServiceDescriptor.PER_FLOW_OFFSET, perFlow ? 1 : 0);
    }

    /** A per-flow service's pool counter at {@code offset} (ServiceDescriptor's ACTIVATIONS, ENDED, POOL_FULL). */
    public long poolCounter(int id, int offset) {
        return Counters.get(segment, entry(id) + offset);
    }

    /** Manager only: adds {@code delta} to a pool counter (atomic: RX threads and the pool's ager both count). */
    public void countPool(int id, int offset, long delta) {
        Counters.addShared(segment, entry(id) + offset, delta);
    }

    /** Flows a per-flow service's instances serve now, and instances idle in its pool. */
    public int poolLive(int id) {
        return (int) INT.getOpaque(segment, entry(id) + ServiceDescriptor.LIVE_OFFSET);
    }

    public int poolIdle(int id) {
        return (int) INT.getOpaque(segment, entry(id) + ServiceDescriptor.IDLE_OFFSET);
    }

    /** Manager only (the pool's one writer of them): the live and idle gauges. */
    public void poolGauges(int id, int live, int idle) {
        INT.setOpaque(segment, entry(id) + ServiceDescriptor.LIVE_OFFSET, live);
        INT.setOpaque(segment, entry(id) + ServiceDescriptor.IDLE_OFFSET, idle);
    }

    private void bumpVersion(long base) {
        INT.setRelease(segment, base + ServiceDescriptor.VERSION_OFFSET,
                segment.get(JAVA_INT, base + ServiceDescriptor.VERSION_OFFSET) + 1);
    }
}

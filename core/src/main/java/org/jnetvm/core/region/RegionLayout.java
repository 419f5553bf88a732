package org.jnetvm.core.region;

import static org.jnetvm.core.region.RegionDescriptor.AREA_ALIGNMENT;
import static org.jnetvm.core.region.RegionDescriptor.HEADER_LENGTH;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.jnetvm.core.buffer.PacketBufferDescriptor;
import org.jnetvm.core.host.HostDescriptor;
import org.jnetvm.core.pool.PoolCacheDescriptor;
import org.jnetvm.core.ring.RingDescriptor;
import org.jnetvm.core.table.ChainDescriptor;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.PortDescriptor;
import org.jnetvm.core.table.ServiceDescriptor;
import org.jnetvm.core.table.ThreadDescriptor;
import org.jnetvm.core.util.Align;

/**
 * Where everything sits in a region: the one place that turns sizes into offsets. The
 * creator computes it from a {@link RegionSpec}; a mapper rebuilds the spec from the header
 * and computes the same numbers, so both sides agree by construction.
 *
 * <p>Per NF slot {@code s}, the NF_RINGS area holds its rx ring (MPMC, {@link #nfRxRingOffset})
 * followed by its tx ring (SPSC, {@link #nfTxRingOffset}): first the big slots' rings, of
 * {@code ringCapacity} slots, then those of the last {@code smallSlots} slots, of
 * {@code smallRingCapacity} ({@link #ringCapacity(int)} says which a slot has).
 *
 * <pre>
 *   NF_RINGS: | rx, tx of slot 0 | ... | rx, tx of slot big-1 | small rx, tx of slot big | ... |
 *             '---- nfRingsStride each ------'                '--- smallRingsStride each ---'
 *             big = nfSlots - smallSlots
 * </pre>
 *
 * <p>The FLOWS and MESSAGES areas belong to parts above the region: their lengths come from
 * their {@link AreaFormat}s ({@link #formats()}), and their owners build views on the offsets
 * this layout hands out. The region knows their place, not their contents.
 */
public record RegionLayout(RegionSpec spec, int bufferStride, int freeRingCapacity, long ringStride,
                           long cacheStride, long nfRxRingLength, long nfRingsStride, long smallRxRingLength,
                           long smallRingsStride, long serviceStride, long chainStride, long threadStride,
                           long hostStride, Map<AreaKind, Area> areas, long length) {

    /** One area: its byte range in the region. */
    public record Area(AreaKind kind, long offset, long length) {
        public long end() {
            return offset + length;
        }
    }

    /** Areas whose owners live above the region, each sized and formatted by its {@link AreaFormat}. */
    private static final AreaKind[] FORMATTED_AREAS = {AreaKind.FLOWS, AreaKind.MESSAGES};
    private static final Map<AreaKind, AreaFormat> FORMATS = loadFormats();

    private static Map<AreaKind, AreaFormat> loadFormats() {
        Map<AreaKind, AreaFormat> formats = new EnumMap<>(AreaKind.class);
        for (AreaFormat format : ServiceLoader.load(AreaFormat.class, RegionLayout.class.getClassLoader())) {
            AreaFormat earlier = formats.put(format.kind(), format);
            if (earlier != null) {
                throw new IllegalStateException("two formats for region area " + format.kind() + ": "
                        + earlier.getClass().getName() + " and " + format.getClass().getName()
                        + "; keep one in META-INF/services/" + AreaFormat.class.getName());
            }
        }
        for (AreaKind kind : FORMATTED_AREAS) {
            if (!formats.containsKey(kind)) {
                throw new IllegalStateException("no format for region area " + kind + " on the class path: "
                        + "jnetvm-core's META-INF/services/" + AreaFormat.class.getName()
                        + " is missing (was the core jar repackaged without its services files?)");
            }
        }
        return Collections.unmodifiableMap(formats);
    }

    /** The formats of the areas owned above the region, by kind; the region formats them on create. */
    public static Map<AreaKind, AreaFormat> formats() {
        return FORMATS;
    }

    public RegionLayout {
        // An EnumMap: area() is an array index, and the tables call it on hot paths.
        areas = Collections.unmodifiableMap(new EnumMap<>(areas));
    }

    /** Computes the layout the creator of {@code spec} writes. */
    public static RegionLayout of(RegionSpec spec) {
        int stride = PacketBufferDescriptor.stride(spec.headroom(), spec.dataRoom());
        int freeRingCapacity = Math.max(2, Align.nextPowerOfTwo(spec.bufferCount()));
        long ringStride = RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, spec.ringCapacity());
        long cacheStride = PoolCacheDescriptor.slotLength(spec.cacheCapacity());
        long rxLength = Align.up(RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, spec.ringCapacity()),
                Align.FALSE_SHARING_PAD);
        long nfRingsStride = Align.up(rxLength + ringStride, Align.FALSE_SHARING_PAD);
        long smallRxLength = Align.up(RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, spec.smallRingCapacity()),
                Align.FALSE_SHARING_PAD);
        long smallRingsStride = Align.up(smallRxLength
                + RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, spec.smallRingCapacity()), Align.FALSE_SHARING_PAD);
        int bigSlots = spec.nfSlots() - spec.smallSlots();
        long serviceStride = ServiceDescriptor.stride(spec.maxInstances());
        long chainStride = ChainDescriptor.stride(spec.maxChainLength());
        long threadStride = ThreadDescriptor.stride(spec.portCount(), spec.nfSlots());
        long hostStride = HostDescriptor.stride(spec.nfSlots());

        Map<AreaKind, Area> areas = new EnumMap<>(AreaKind.class);
        long offset = HEADER_LENGTH;
        offset = place(areas, AreaKind.FREE_RING, offset,
                RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, freeRingCapacity));
        offset = place(areas, AreaKind.POOL_CACHES, offset, cacheStride * spec.cacheCount());
        offset = place(areas, AreaKind.RINGS, offset, ringStride * spec.ringCount());
        offset = place(areas, AreaKind.NF_TABLE, offset, (long) NfSlotDescriptor.STRIDE * spec.nfSlots());
        offset = place(areas, AreaKind.NF_RINGS, offset,
                nfRingsStride * bigSlots + smallRingsStride * spec.smallSlots());
        offset = place(areas, AreaKind.SERVICES, offset, serviceStride * (spec.serviceCount() + 1L));
        offset = place(areas, AreaKind.CHAINS, offset, chainStride * spec.chainCount());
        offset = place(areas, AreaKind.PORTS, offset, (long) PortDescriptor.STRIDE * spec.portCount());
        offset = place(areas, AreaKind.THREADS, offset, threadStride * spec.threadCount());
        offset = place(areas, AreaKind.FLOWS, offset, FORMATS.get(AreaKind.FLOWS).length(spec));
        offset = place(areas, AreaKind.MESSAGES, offset, FORMATS.get(AreaKind.MESSAGES).length(spec));
        offset = place(areas, AreaKind.HOSTS, offset, hostStride * spec.nfHosts());
        offset = place(areas, AreaKind.BUFFERS, offset, (long) stride * spec.bufferCount());
        return new RegionLayout(spec, stride, freeRingCapacity, ringStride, cacheStride, rxLength, nfRingsStride,
                smallRxLength, smallRingsStride, serviceStride, chainStride, threadStride, hostStride, areas, offset);
    }

    private static long place(Map<AreaKind, Area> areas, AreaKind kind, long offset, long length) {
        long start = Align.up(offset, AREA_ALIGNMENT);
        areas.put(kind, new Area(kind, start, length));
        return Align.up(start + length, AREA_ALIGNMENT);
    }

    public Area area(AreaKind kind) {
        return areas.get(kind);
    }

    public int bufferCount() { return spec.bufferCount(); }
    public int headroom() { return spec.headroom(); }
    public int dataRoom() { return spec.dataRoom(); }
    public int cacheCount() { return spec.cacheCount(); }
    public int cacheCapacity() { return spec.cacheCapacity(); }
    public int ringCount() { return spec.ringCount(); }
    public int ringCapacity() { return spec.ringCapacity(); }
    public int nfSlots() { return spec.nfSlots(); }
    public int serviceCount() { return spec.serviceCount(); }
    public int maxInstances() { return spec.maxInstances(); }
    public int chainCount() { return spec.chainCount(); }
    public int maxChainLength() { return spec.maxChainLength(); }
    public int portCount() { return spec.portCount(); }
    public int threadCount() { return spec.threadCount(); }
    public int flowEntries() { return spec.flowEntries(); }
    public int flowRules() { return spec.flowRules(); }
    public int nfHosts() { return spec.nfHosts(); }
    public int smallSlots() { return spec.smallSlots(); }
    public int smallRingCapacity() { return spec.smallRingCapacity(); }

    /** The first small NF slot: slots from here on are small ({@link RegionSpec#smallSlots}). */
    public int firstSmallSlot() {
        return spec.nfSlots() - spec.smallSlots();
    }

    public boolean small(int slot) {
        return slot >= firstSmallSlot();
    }

    /** Slots of NF slot {@code slot}'s rx and tx rings. */
    public int ringCapacity(int slot) {
        return small(slot) ? spec.smallRingCapacity() : spec.ringCapacity();
    }

    /** Offset of general-purpose ring {@code i}. */
    public long ringOffset(int i) {
        return area(AreaKind.RINGS).offset() + check(i, spec.ringCount(), "ring") * ringStride;
    }

    /** Offset of pool cache slot {@code i}. */
    public long cacheOffset(int i) {
        return area(AreaKind.POOL_CACHES).offset() + check(i, spec.cacheCount(), "pool cache") * cacheStride;
    }

    /** Offset of NF slot {@code slot} in the NF table. */
    public long nfSlotOffset(int slot) {
        return area(AreaKind.NF_TABLE).offset() + check(slot, spec.nfSlots(), "NF slot") * (long) NfSlotDescriptor.STRIDE;
    }

    /** Offset of host block {@code host} in the HOSTS area. */
    public long hostOffset(int host) {
        return area(AreaKind.HOSTS).offset() + check(host, spec.nfHosts(), "NF host") * hostStride;
    }

    /** Offset of NF slot {@code slot}'s rx ring (MPMC). */
    public long nfRxRingOffset(int slot) {
        long s = check(slot, spec.nfSlots(), "NF slot");
        int big = firstSmallSlot();
        return area(AreaKind.NF_RINGS).offset()
                + (s < big ? s * nfRingsStride : big * nfRingsStride + (s - big) * smallRingsStride);
    }

    /** Offset of NF slot {@code slot}'s tx ring (SPSC). */
    public long nfTxRingOffset(int slot) {
        return nfRxRingOffset(slot) + (small(slot) ? smallRxRingLength : nfRxRingLength);
    }

    /** Offset of service {@code id}'s entry (ids 1..serviceCount; 0 is a valid, unused entry). */
    public long serviceOffset(int id) {
        return area(AreaKind.SERVICES).offset() + check(id, spec.serviceCount() + 1, "service id") * serviceStride;
    }

    /** Offset of chain {@code id}. */
    public long chainOffset(int id) {
        return area(AreaKind.CHAINS).offset() + check(id, spec.chainCount(), "chain") * chainStride;
    }

    /** Offset of port {@code port}'s block. */
    public long portOffset(int port) {
        return area(AreaKind.PORTS).offset() + check(port, spec.portCount(), "port") * (long) PortDescriptor.STRIDE;
    }

    /** Offset of manager thread {@code thread}'s block. */
    public long threadOffset(int thread) {
        return area(AreaKind.THREADS).offset() + check(thread, spec.threadCount(), "manager thread") * threadStride;
    }

    private static long check(int i, int count, String what) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(what + " " + i + " of " + count);
        }
        return i;
    }
}

package org.jnetvm.core.region;

import static org.jnetvm.core.region.RegionDescriptor.AREA_ALIGNMENT;
import static org.jnetvm.core.region.RegionDescriptor.HEADER_LENGTH;

import java.util.EnumMap;
import java.util.Map;
import org.jnetvm.core.buffer.PacketBufferDescriptor;
import org.jnetvm.core.pool.PoolCacheDescriptor;
import org.jnetvm.core.ring.RingDescriptor;
import org.jnetvm.core.util.Align;

/**
 * Where everything sits in a region: the one place that turns sizes into offsets. The
 * creator computes it from a {@link RegionSpec}; a mapper reads the same numbers back from
 * the header, so both sides agree by construction.
 */
public record RegionLayout(int bufferCount, int headroom, int dataRoom, int bufferStride,
                           int cacheCount, int cacheCapacity, int ringCount, int ringCapacity,
                           int freeRingCapacity, long ringStride, long cacheStride,
                           Map<AreaKind, Area> areas, long length) {

    /** One area: its byte range in the region. */
    public record Area(AreaKind kind, long offset, long length) {
        public long end() {
            return offset + length;
        }
    }

    public RegionLayout {
        areas = Map.copyOf(areas);
    }

    /** Computes the layout the creator of {@code spec} writes. */
    public static RegionLayout of(RegionSpec spec) {
        return of(spec.bufferCount(), spec.headroom(), spec.dataRoom(), spec.cacheCount(),
                spec.cacheCapacity(), spec.ringCount(), spec.ringCapacity());
    }

    static RegionLayout of(int bufferCount, int headroom, int dataRoom, int cacheCount,
                           int cacheCapacity, int ringCount, int ringCapacity) {
        int stride = PacketBufferDescriptor.stride(headroom, dataRoom);
        int freeRingCapacity = Math.max(2, Align.nextPowerOfTwo(bufferCount));
        long ringStride = RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, ringCapacity);
        long cacheStride = PoolCacheDescriptor.slotLength(cacheCapacity);

        Map<AreaKind, Area> areas = new EnumMap<>(AreaKind.class);
        long offset = HEADER_LENGTH;
        offset = place(areas, AreaKind.FREE_RING, offset,
                RingDescriptor.byteSize(RingDescriptor.KIND_MPMC, freeRingCapacity));
        offset = place(areas, AreaKind.POOL_CACHES, offset, cacheStride * cacheCount);
        offset = place(areas, AreaKind.RINGS, offset, ringStride * ringCount);
        offset = place(areas, AreaKind.BUFFERS, offset, (long) stride * bufferCount);
        return new RegionLayout(bufferCount, headroom, dataRoom, stride, cacheCount, cacheCapacity,
                ringCount, ringCapacity, freeRingCapacity, ringStride, cacheStride, areas, offset);
    }

    private static long place(Map<AreaKind, Area> areas, AreaKind kind, long offset, long length) {
        long start = Align.up(offset, AREA_ALIGNMENT);
        areas.put(kind, new Area(kind, start, length));
        return Align.up(start + length, AREA_ALIGNMENT);
    }

    public Area area(AreaKind kind) {
        return areas.get(kind);
    }

    /** Offset of general-purpose ring {@code i}. */
    public long ringOffset(int i) {
        if (i < 0 || i >= ringCount) {
            throw new IndexOutOfBoundsException("ring " + i + " of " + ringCount);
        }
        return area(AreaKind.RINGS).offset() + i * ringStride;
    }

    /** Offset of pool cache slot {@code i}. */
    public long cacheOffset(int i) {
        if (i < 0 || i >= cacheCount) {
            throw new IndexOutOfBoundsException("pool cache " + i + " of " + cacheCount);
        }
        return area(AreaKind.POOL_CACHES).offset() + i * cacheStride;
    }
}

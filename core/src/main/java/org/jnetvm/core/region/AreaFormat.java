package org.jnetvm.core.region;

import java.lang.foreign.MemorySegment;

/**
 * The size and initial contents of an area whose layout belongs to a part above the region
 * (the flow director's FLOWS, the MESSAGES inboxes). The region only places such an area (it
 * hands out its offset and length through {@link RegionLayout}); the part that owns the area
 * says how long it is for a spec, formats it when the region is created, and builds its own
 * views on it. So the dependencies run one way: those parts know the region, the region knows
 * none of them.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (core's
 * {@code META-INF/services/org.jnetvm.core.region.AreaFormat}), once per process, and must have
 * a public no-argument constructor. Both calls may come from any thread; they keep no state.
 */
public interface AreaFormat {
    /** The area this format describes (one format per kind). */
    AreaKind kind();

    /** Bytes the area needs for {@code spec}: the creator and every mapper must get the same number. */
    long length(RegionSpec spec);

    /**
     * Writes the area's initial contents at {@code offset} of a new, zero-filled region, while
     * only its creator has it mapped.
     */
    void format(MemorySegment segment, long offset, RegionSpec spec);
}

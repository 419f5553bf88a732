package org.jnetvm.core.flow;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.region.AreaFormat;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.RegionSpec;

/**
 * The FLOWS area's size and initial contents ({@link FlowTableDescriptor}), for the region that
 * places it; {@link FlowTable} is the view on it. Found by the region through {@link AreaFormat}'s
 * service file.
 */
public final class FlowArea implements AreaFormat {
    @Override
    public AreaKind kind() {
        return AreaKind.FLOWS;
    }

    @Override
    public long length(RegionSpec spec) {
        return FlowTableDescriptor.length(spec.flowEntries(), spec.flowRules());
    }

    /** Zero-filled is no rules and every entry EMPTY; only the sizes are recorded, for tools. */
    @Override
    public void format(MemorySegment segment, long offset, RegionSpec spec) {
        segment.set(JAVA_INT, offset + FlowTableDescriptor.ENTRY_CAPACITY_OFFSET, spec.flowEntries());
        segment.set(JAVA_INT, offset + FlowTableDescriptor.RULE_CAPACITY_OFFSET, spec.flowRules());
    }
}

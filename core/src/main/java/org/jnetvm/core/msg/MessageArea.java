package org.jnetvm.core.msg;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.region.AreaFormat;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.RegionSpec;

/**
 * The MESSAGES area's size and initial contents ({@link MessageDescriptor}), for the region that
 * places it; {@link Messages} is the view on it. Found by the region through {@link AreaFormat}'s
 * service file.
 */
public final class MessageArea implements AreaFormat {
    @Override
    public AreaKind kind() {
        return AreaKind.MESSAGES;
    }

    @Override
    public long length(RegionSpec spec) {
        return MessageDescriptor.length(spec.nfSlots(), spec.smallSlots());
    }

    /** Empties every inbox (the NF slots' and the manager's). */
    @Override
    public void format(MemorySegment segment, long offset, RegionSpec spec) {
        for (int i = 0; i <= spec.nfSlots(); i++) {
            inbox(segment, offset, spec.nfSlots(), spec.smallSlots(), i).format();
        }
    }

    /** Inbox {@code index} (an NF slot, or nfSlots for the manager's) of the MESSAGES area at {@code area}. */
    public static Inbox inbox(MemorySegment segment, long area, int nfSlots, int smallSlots, int index) {
        return new Inbox(segment, area + MessageDescriptor.inboxOffset(index, nfSlots, smallSlots),
                MessageDescriptor.capacity(index, nfSlots, smallSlots));
    }
}

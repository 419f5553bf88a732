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
        return MessageDescriptor.length(spec.nfSlots());
    }

    /** Empties every inbox (the NF slots' and the manager's). */
    @Override
    public void format(MemorySegment segment, long offset, RegionSpec spec) {
        for (int i = 0; i <= spec.nfSlots(); i++) {
            new Inbox(segment, offset + (long) i * MessageDescriptor.INBOX_STRIDE).format();
        }
    }
}

package org.jnetvm.core.route;

import org.jnetvm.core.buffer.PacketMeta;

/**
 * Who holds a buffer, as written in its metadata's owner field ({@code PacketMeta.owner}).
 * The holder stamps the next holder's id just before it hands a buffer on (into an NF's rx
 * ring), and its pool cache stamps the pool's id on a buffer once it counts it. So after an NF
 * dies, every buffer stamped with its id is in its rx ring, in its tx ring, in its hands or
 * counted by its cache (the reclaimer returns those first), and nowhere else: the reclaimer
 * finds them all with one scan of the metadata.
 */
public final class Owner {
    /** In the pool (free ring or a cache). */
    public static final int POOL = PacketMeta.OWNER_POOL;

    private Owner() {
    }

    /** Id of the NF in table slot {@code slot}. */
    public static int ofSlot(int slot) {
        return slot + 1;
    }

    /** Id of manager thread {@code thread}. */
    public static int ofThread(int thread) {
        return -(thread + 1);
    }
}

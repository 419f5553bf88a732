package org.jnetvm.core.region;

/** The areas a region holds, in the order they are laid out. Codes are stored in the header: never renumber. */
public enum AreaKind {
    /** MPMC ring of free buffer indices (see PacketPool). */
    FREE_RING(1),
    /** Per-thread pool cache slots (see PoolCacheDescriptor). */
    POOL_CACHES(2),
    /** General-purpose SPSC rings, numbered 0..ringCount-1 (the manager hands them to NFs). */
    RINGS(3),
    /** Packet buffers (see PacketBufferDescriptor). Last, so that huge pages back them whole. */
    BUFFERS(4);

    public final int code;

    AreaKind(int code) {
        this.code = code;
    }

    public static AreaKind ofCode(int code) {
        for (AreaKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }
}

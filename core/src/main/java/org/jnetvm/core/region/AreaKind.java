package org.jnetvm.core.region;

/** The areas a region holds, in the order they are laid out. Codes are stored in the header: never renumber. */
public enum AreaKind {
    /** MPMC ring of free buffer indices (see PacketPool). */
    FREE_RING(1),
    /** Per-thread pool cache slots (see PoolCacheDescriptor). */
    POOL_CACHES(2),
    /** General-purpose SPSC rings, numbered 0..ringCount-1 (the manager hands them to NFs). */
    RINGS(3),
    /** One slot per NF: state, heartbeat, doorbell, counters (see NfSlotDescriptor). */
    NF_TABLE(5),
    /** Each NF slot's rx ring (MPMC: any producer may feed an NF) and tx ring (SPSC, drained by the manager). */
    NF_RINGS(6),
    /** Service id -> live instances (see ServiceDescriptor). */
    SERVICES(7),
    /** Chain id -> services in order (see ChainDescriptor). */
    CHAINS(8),
    /** One block per port: name, kind, rx counters (see PortDescriptor). */
    PORTS(9),
    /** One block per manager data-plane thread: liveness, drops, per-port tx counters (see ThreadDescriptor). */
    THREADS(10),
    /** The flow director's rules and exact-match flow entries (see FlowTableDescriptor). */
    FLOWS(11),
    /** One message inbox per NF slot and one for the manager (see MessageDescriptor). */
    MESSAGES(12),
    /** NF hosts: per host, an owner, a doorbell and a bitmap of the NF slots producers woke (see HostDescriptor). */
    HOSTS(13),
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

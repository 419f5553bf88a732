package org.jnetvm.core.region;

/**
 * Layout of the region header: the first {@link #HEADER_LENGTH} bytes of every region
 * file, written once by the creator and validated by every process that maps the region.
 *
 * <pre>
 *   0      magic "JNETVMRG"          long     identifies a JNetVM region
 *   8      layout version            int      {@link #LAYOUT_VERSION}; bumped on any layout change
 *   12     header length             int      {@link #HEADER_LENGTH}
 *   16     region length             long     file size in bytes
 *   24     creator pid               long     process that created the region
 *   32     creator start time        long     its start, ms since the epoch (tells a reused pid)
 *   40     state                     int      {@link #STATE_CREATING} then {@link #STATE_READY}
 *   44     false-sharing pad         int      128: the padding unit every structure used
 *   48     buffer count              int      buffers in the pool
 *   52     buffer stride             int      bytes between buffers
 *   56     metadata length           int      64: bytes of PacketMeta per buffer
 *   60     headroom                  int
 *   64     data room                 int
 *   68     pool cache count          int      per-thread cache slots
 *   72     pool cache capacity       int      buffers a cache keeps (it holds up to twice that)
 *   76     ring count                int      general-purpose SPSC rings
 *   80     ring capacity             int
 *   84     area count                int      entries used in the area table
 *   88     NF slots                  int
 *   92     service count             int      service ids are 1..count
 *   96     max instances             int      per service
 *   100    chain count               int
 *   104    max chain length          int
 *   108    port count                int
 *   112    thread count              int      manager threads with counter blocks
 *   116    hop mode                  int      {@link #HOP_DIRECT} or {@link #HOP_MANAGER}: who routes what an NF handled
 *   120    flow entries              int      exact-match flow slots (a power of two)
 *   124    flow rules                int      flow director rules
 *   128    region name               64 B     UTF-8, NUL padded
 *   192    local retry               int      µs an NF retries a full next-hop ring before it drops (0: drop at once)
 *   196    backpressure low          int      % of an rx ring under which a throttled chain is admitted again
 *   200    NF hosts                  int      host blocks in the HOSTS area ({@code HostDescriptor})
 *   204    host stride               int      bytes between host blocks
 *   208    hosts area offset         long     where the HOSTS area starts: a producer that wakes a hosted NF
 *                                             finds its host's doorbell from here, without the layout
 *   216    small NF slots            int      the last this many NF slots are small (RegionSpec#smallSlots)
 *   220    small ring capacity       int      slots of each small NF slot's rx and tx ring
 *   224    (reserved up to 256)
 *   256    area table                {@link #AREA_MAX} entries of {@link #AREA_ENTRY_LENGTH} bytes:
 *            +0 kind int, +4 reserved int, +8 offset long, +16 length long, +24 reserved long
 *   ...    (reserved up to 4096)
 *   4096   areas, each starting on a 4096-byte boundary, in area-table order
 * </pre>
 */
public final class RegionDescriptor {
    /** "JNETVMRG" in ASCII, big-endian. */
    public static final long MAGIC = 0x4A4E4554564D5247L;
    /** Bump whenever any shared layout (header, ring, pool, buffer, metadata) changes. */
    public static final int LAYOUT_VERSION = 10;
    public static final int HEADER_LENGTH = 4096;
    public static final int AREA_ALIGNMENT = 4096;

    public static final int MAGIC_OFFSET = 0;
    public static final int LAYOUT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int REGION_LENGTH_OFFSET = 16;
    public static final int CREATOR_PID_OFFSET = 24;
    public static final int CREATOR_START_OFFSET = 32;
    public static final int STATE_OFFSET = 40;
    public static final int PAD_OFFSET = 44;
    public static final int BUFFER_COUNT_OFFSET = 48;
    public static final int BUFFER_STRIDE_OFFSET = 52;
    public static final int META_LENGTH_OFFSET = 56;
    public static final int HEADROOM_OFFSET = 60;
    public static final int DATA_ROOM_OFFSET = 64;
    public static final int CACHE_COUNT_OFFSET = 68;
    public static final int CACHE_CAPACITY_OFFSET = 72;
    public static final int RING_COUNT_OFFSET = 76;
    public static final int RING_CAPACITY_OFFSET = 80;
    public static final int AREA_COUNT_OFFSET = 84;
    public static final int NF_SLOTS_OFFSET = 88;
    public static final int SERVICE_COUNT_OFFSET = 92;
    public static final int MAX_INSTANCES_OFFSET = 96;
    public static final int CHAIN_COUNT_OFFSET = 100;
    public static final int MAX_CHAIN_LENGTH_OFFSET = 104;
    public static final int PORT_COUNT_OFFSET = 108;
    public static final int THREAD_COUNT_OFFSET = 112;
    public static final int HOP_MODE_OFFSET = 116;
    public static final int FLOW_ENTRIES_OFFSET = 120;
    public static final int FLOW_RULES_OFFSET = 124;
    public static final int LOCAL_RETRY_OFFSET = 192;
    public static final int BACKPRESSURE_LOW_OFFSET = 196;
    public static final int NF_HOSTS_OFFSET = 200;
    public static final int HOST_STRIDE_OFFSET = 204;
    public static final int HOSTS_AREA_OFFSET = 208;
    public static final int SMALL_SLOTS_OFFSET = 216;
    public static final int SMALL_RING_CAPACITY_OFFSET = 220;

    /** NFs hand packets straight to the next NF's rx ring. */
    public static final int HOP_DIRECT = 0;
    /** NFs put every packet in their tx ring; the manager's TX threads route them. */
    public static final int HOP_MANAGER = 1;
    public static final int NAME_OFFSET = 128;
    public static final int NAME_LENGTH = 64;
    public static final int AREA_TABLE_OFFSET = 256;
    public static final int AREA_ENTRY_LENGTH = 32;
    public static final int AREA_MAX = 32;
    public static final int AREA_KIND = 0;
    public static final int AREA_OFFSET = 8;
    public static final int AREA_LENGTH = 16;

    public static final int STATE_CREATING = 1;
    public static final int STATE_READY = 2;

    private RegionDescriptor() {
    }

    /** Offset of area-table entry {@code i} in the header. */
    public static int areaEntry(int i) {
        return AREA_TABLE_OFFSET + i * AREA_ENTRY_LENGTH;
    }
}

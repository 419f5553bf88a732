package org.jnetvm.core.region;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.jnetvm.core.region.RegionDescriptor.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.jnetvm.core.buffer.PacketBufferDescriptor;
import org.jnetvm.core.pool.PoolCacheDescriptor;
import org.jnetvm.core.ring.MpmcRing;
import org.jnetvm.core.ring.SpscRing;
import org.jnetvm.core.util.Align;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shared-memory region: one file on hugetlbfs (or /dev/shm) that holds the packet pool,
 * its free ring and caches, and the rings, mapped by the manager and by every NF process of
 * one security domain. Layout: {@link RegionDescriptor} for the header, {@link RegionLayout}
 * for the areas.
 *
 * <p>The creator ({@link #create}) writes the header, formats every area, and marks the
 * region ready last; it removes the file on {@link #close}. A mapper ({@link #map}) checks
 * the header against what this build expects and refuses anything else, naming the field.
 * A region file whose creator is gone (crashed) is detected by {@link #create} and replaced.
 *
 * <p>Thread-safety: the object is immutable after construction; close it once, from the
 * thread that owns it, after every thread using the segment has stopped.
 */
public final class Region implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Region.class);
    private static final VarHandle STATE = JAVA_INT.varHandle();
    public static final Path SHM = Path.of("/dev/shm");

    private final Path path;
    private final Arena arena;
    private final java.util.concurrent.ConcurrentHashMap<Class<?>, Object> views =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final MemorySegment segment;
    private final RegionLayout layout;
    private final String name;
    private final boolean creator;
    private final boolean hugePages;
    private volatile boolean closed;

    private Region(Path path, Arena arena, MemorySegment segment, RegionLayout layout, String name,
                   boolean creator, boolean hugePages) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.layout = layout;
        this.name = name;
        this.creator = creator;
        this.hugePages = hugePages;
    }

    /** The file name of region {@code name}. */
    public static String fileName(String name) {
        return "jnetvm-" + name + ".region";
    }

    /**
     * Creates and formats a region. With no directory in the spec, uses a hugetlbfs mount
     * when one exists with enough free pages, otherwise /dev/shm, with a logged notice.
     *
     * @throws RegionException if a live process already owns a region of that name, or the
     *                         file cannot be created or mapped
     */
    public static Region create(RegionSpec spec) {
        RegionLayout layout = RegionLayout.of(spec);
        Path dir = spec.directory();
        boolean huge = false;
        long mapLength = layout.length();
        if (dir == null) {
            Optional<HugePages> hp = HugePages.detect();
            if (hp.isPresent() && hp.get().fits(layout.length())) {
                dir = hp.get().mountPoint();
                huge = true;
                mapLength = Align.up(layout.length(), hp.get().pageSize());
            } else {
                dir = SHM;
                LOG.info("region {}: {}; using {} (ordinary pages)", spec.name(),
                        hp.map(h -> "hugetlbfs at " + h.mountPoint() + " has " + h.freePages()
                                + " free pages, too few for " + layout.length() + " bytes")
                                .orElse("no writable hugetlbfs mount"), SHM);
            }
        }
        Path path = dir.resolve(fileName(spec.name()));
        replaceIfStale(path);
        try {
            return createAt(path, spec, layout, mapLength, huge);
        } catch (RegionException e) {
            if (!huge) {
                throw e;
            }
            LOG.info("region {}: hugetlbfs mapping failed ({}); falling back to {}", spec.name(), e.getMessage(), SHM);
            Path fallback = SHM.resolve(fileName(spec.name()));
            replaceIfStale(fallback);
            return createAt(fallback, spec, layout, layout.length(), false);
        }
    }

    private static Region createAt(Path path, RegionSpec spec, RegionLayout layout, long mapLength, boolean huge) {
        Arena arena = Arena.ofShared();
        boolean ok = false;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, mapLength, arena);
            Region region = new Region(path, arena, segment, layout, spec.name(), true, huge);
            region.format(spec, mapLength);
            ok = true;
            LOG.debug("created {} ({} bytes, {} buffers)", path, mapLength, layout.bufferCount());
            return region;
        } catch (IOException | UnsupportedOperationException e) {
            throw new RegionException(path, "cannot create: " + e, e);
        } finally {
            if (!ok) {
                arena.close();
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: the creator failed anyway
                }
            }
        }
    }

    private void format(RegionSpec spec, long mapLength) {
        MemorySegment s = segment;
        s.set(JAVA_LONG, MAGIC_OFFSET, MAGIC);
        s.set(JAVA_INT, LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        s.set(JAVA_INT, HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        s.set(JAVA_LONG, REGION_LENGTH_OFFSET, mapLength);
        ProcessHandle self = ProcessHandle.current();
        s.set(JAVA_LONG, CREATOR_PID_OFFSET, self.pid());
        s.set(JAVA_LONG, CREATOR_START_OFFSET, startMillis(self));
        STATE.setRelease(s, (long) STATE_OFFSET, STATE_CREATING);
        s.set(JAVA_INT, PAD_OFFSET, Align.FALSE_SHARING_PAD);
        s.set(JAVA_INT, BUFFER_COUNT_OFFSET, layout.bufferCount());
        s.set(JAVA_INT, BUFFER_STRIDE_OFFSET, layout.bufferStride());
        s.set(JAVA_INT, META_LENGTH_OFFSET, PacketBufferDescriptor.META_LENGTH);
        s.set(JAVA_INT, HEADROOM_OFFSET, layout.headroom());
        s.set(JAVA_INT, DATA_ROOM_OFFSET, layout.dataRoom());
        s.set(JAVA_INT, CACHE_COUNT_OFFSET, layout.cacheCount());
        s.set(JAVA_INT, CACHE_CAPACITY_OFFSET, layout.cacheCapacity());
        s.set(JAVA_INT, RING_COUNT_OFFSET, layout.ringCount());
        s.set(JAVA_INT, RING_CAPACITY_OFFSET, layout.ringCapacity());
        s.set(JAVA_INT, NF_SLOTS_OFFSET, layout.nfSlots());
        s.set(JAVA_INT, SERVICE_COUNT_OFFSET, layout.serviceCount());
        s.set(JAVA_INT, MAX_INSTANCES_OFFSET, layout.maxInstances());
        s.set(JAVA_INT, CHAIN_COUNT_OFFSET, layout.chainCount());
        s.set(JAVA_INT, MAX_CHAIN_LENGTH_OFFSET, layout.maxChainLength());
        s.set(JAVA_INT, PORT_COUNT_OFFSET, layout.portCount());
        s.set(JAVA_INT, THREAD_COUNT_OFFSET, layout.threadCount());
        s.set(JAVA_INT, FLOW_ENTRIES_OFFSET, layout.flowEntries());
        s.set(JAVA_INT, FLOW_RULES_OFFSET, layout.flowRules());
        s.set(JAVA_INT, NF_HOSTS_OFFSET, layout.nfHosts());
        s.set(JAVA_INT, SMALL_SLOTS_OFFSET, layout.smallSlots());
        s.set(JAVA_INT, SMALL_RING_CAPACITY_OFFSET, layout.smallRingCapacity());
        s.set(JAVA_INT, HOST_STRIDE_OFFSET, (int) layout.hostStride());
        s.set(JAVA_LONG, HOSTS_AREA_OFFSET, layout.area(AreaKind.HOSTS).offset());
        byte[] nameBytes = spec.name().getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(nameBytes, 0, s, JAVA_BYTE, NAME_OFFSET, nameBytes.length);
        int i = 0;
        for (AreaKind kind : AreaKind.values()) {
            RegionLayout.Area area = layout.area(kind);
            long entry = areaEntry(i++);
            s.set(JAVA_INT, entry + AREA_KIND, kind.code);
            s.set(JAVA_LONG, entry + AREA_OFFSET, area.offset());
            s.set(JAVA_LONG, entry + AREA_LENGTH, area.length());
        }
        s.set(JAVA_INT, AREA_COUNT_OFFSET, i);

        // Areas: the free ring starts full (every buffer free), caches empty, rings empty.
        MpmcRing free = MpmcRing.format(s, layout.area(AreaKind.FREE_RING).offset(), layout.freeRingCapacity());
        int[] burst = new int[256];
        for (int next = 0; next < layout.bufferCount(); ) {
            int n = Math.min(burst.length, layout.bufferCount() - next);
            for (int k = 0; k < n; k++) {
                burst[k] = next + k;
            }
            if (free.enqueueBulk(burst, 0, n) != n) {
                throw new IllegalStateException("free ring refused buffers while formatting");
            }
            next += n;
        }
        for (int c = 0; c < layout.cacheCount(); c++) {
            PoolCacheDescriptor.format(s, layout.cacheOffset(c));
        }
        for (int r = 0; r < layout.ringCount(); r++) {
            SpscRing.format(s, layout.ringOffset(r), layout.ringCapacity());
        }
        // NF slots start FREE (the file is zero-filled) with formatted rings, so that a reader
        // of any slot sees a valid ring; the manager formats a slot's rings again on each reuse.
        for (int slot = 0; slot < layout.nfSlots(); slot++) {
            MpmcRing.format(s, layout.nfRxRingOffset(slot), layout.ringCapacity(slot));
            SpscRing.format(s, layout.nfTxRingOffset(slot), layout.ringCapacity(slot));
        }
        // Areas owned above the region (flows, messages) format themselves.
        for (AreaFormat format : RegionLayout.formats().values()) {
            format.format(s, layout.area(format.kind()).offset(), spec);
        }
        // Ready last, with release: a mapper that sees READY sees everything above.
        STATE.setRelease(s, (long) STATE_OFFSET, STATE_READY);
    }

    /**
     * Maps an existing region created by another process (or this one) and validates it.
     *
     * @throws RegionException naming the field that differs from what this build expects
     */
    public static Region map(Path path) {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new RegionException(path, null, "does not exist: is the manager running, and is this the right name?");
        } catch (IOException e) {
            throw new RegionException(path, "cannot read: " + e, e);
        }
        if (size < HEADER_LENGTH) {
            throw new RegionException(path, "regionLength",
                    "file is " + size + " bytes, smaller than the " + HEADER_LENGTH + "-byte header");
        }
        Arena arena = Arena.ofShared();
        boolean ok = false;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            RegionLayout layout = validate(path, segment, size);
            String name = readName(segment);
            Region region = new Region(path, arena, segment, layout, name, false,
                    !path.startsWith(SHM));
            ok = true;
            return region;
        } catch (IOException e) {
            throw new RegionException(path, "cannot map: " + e, e);
        } finally {
            if (!ok) {
                arena.close();
            }
        }
    }

    /** Maps region {@code name} from the hugetlbfs mount or /dev/shm, wherever its creator put it. */
    public static Region map(String name) {
        Optional<HugePages> hp = HugePages.detect();
        if (hp.isPresent()) {
            Path p = hp.get().mountPoint().resolve(fileName(name));
            if (Files.exists(p)) {
                return map(p);
            }
        }
        return map(SHM.resolve(fileName(name)));
    }

    private static RegionLayout validate(Path path, MemorySegment s, long size) {
        long magic = s.get(JAVA_LONG, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new RegionException(path, "magic", String.format(
                    "magic is 0x%016x, expected 0x%016x (\"JNETVMRG\"): not a JNetVM region", magic, MAGIC));
        }
        expect(path, "layoutVersion", s.get(JAVA_INT, LAYOUT_VERSION_OFFSET), LAYOUT_VERSION,
                "the region was made by a different JNetVM build; run the manager and NFs from the same build");
        expect(path, "headerLength", s.get(JAVA_INT, HEADER_LENGTH_OFFSET), HEADER_LENGTH, null);
        expect(path, "falseSharingPad", s.get(JAVA_INT, PAD_OFFSET), Align.FALSE_SHARING_PAD, null);
        expect(path, "metaLength", s.get(JAVA_INT, META_LENGTH_OFFSET), PacketBufferDescriptor.META_LENGTH, null);
        long regionLength = s.get(JAVA_LONG, REGION_LENGTH_OFFSET);
        if (regionLength != size) {
            throw new RegionException(path, "regionLength",
                    "header says " + regionLength + " bytes but the file has " + size + " (truncated or corrupted)");
        }
        int state = (int) STATE.getAcquire(s, (long) STATE_OFFSET);
        long pid = s.get(JAVA_LONG, CREATOR_PID_OFFSET);
        if (state != STATE_READY) {
            throw new RegionException(path, "state", "state is " + state + ", expected " + STATE_READY
                    + " (ready): creator pid " + pid + " has not finished creating it, or crashed while doing so");
        }
        if (!creatorAlive(s)) {
            throw new RegionException(path, "creatorPid",
                    "creator pid " + pid + " is no longer running: the region is stale; start the manager again");
        }
        RegionLayout expected;
        try {
            expected = RegionLayout.of(new RegionSpec(readName(s), path.getParent(),
                    s.get(JAVA_INT, BUFFER_COUNT_OFFSET), s.get(JAVA_INT, HEADROOM_OFFSET),
                    s.get(JAVA_INT, DATA_ROOM_OFFSET), s.get(JAVA_INT, CACHE_COUNT_OFFSET),
                    s.get(JAVA_INT, CACHE_CAPACITY_OFFSET), s.get(JAVA_INT, RING_COUNT_OFFSET),
                    s.get(JAVA_INT, RING_CAPACITY_OFFSET), s.get(JAVA_INT, NF_SLOTS_OFFSET),
                    s.get(JAVA_INT, SERVICE_COUNT_OFFSET), s.get(JAVA_INT, MAX_INSTANCES_OFFSET),
                    s.get(JAVA_INT, CHAIN_COUNT_OFFSET), s.get(JAVA_INT, MAX_CHAIN_LENGTH_OFFSET),
                    s.get(JAVA_INT, PORT_COUNT_OFFSET), s.get(JAVA_INT, THREAD_COUNT_OFFSET),
                    s.get(JAVA_INT, FLOW_ENTRIES_OFFSET), s.get(JAVA_INT, FLOW_RULES_OFFSET),
                    s.get(JAVA_INT, NF_HOSTS_OFFSET), s.get(JAVA_INT, SMALL_SLOTS_OFFSET),
                    s.get(JAVA_INT, SMALL_RING_CAPACITY_OFFSET)));
        } catch (IllegalArgumentException e) {
            throw new RegionException(path, "sizes", "header sizes are invalid: " + e.getMessage());
        }
        expect(path, "bufferStride", s.get(JAVA_INT, BUFFER_STRIDE_OFFSET), expected.bufferStride(), null);
        // Producers find a hosted NF's host from these two without the layout: they must be what the layout says.
        expect(path, "hostStride", s.get(JAVA_INT, HOST_STRIDE_OFFSET), expected.hostStride(), null);
        expect(path, "hostsAreaOffset", s.get(JAVA_LONG, HOSTS_AREA_OFFSET), expected.area(AreaKind.HOSTS).offset(), null);
        int areaCount = s.get(JAVA_INT, AREA_COUNT_OFFSET);
        expect(path, "areaCount", areaCount, AreaKind.values().length, null);
        Map<AreaKind, RegionLayout.Area> seen = new EnumMap<>(AreaKind.class);
        for (int i = 0; i < areaCount; i++) {
            long entry = areaEntry(i);
            int code = s.get(JAVA_INT, entry + AREA_KIND);
            AreaKind kind = AreaKind.ofCode(code);
            if (kind == null || seen.containsKey(kind)) {
                throw new RegionException(path, "areaTable[" + i + "].kind",
                        "area " + i + " has kind " + code + ", unknown or repeated");
            }
            RegionLayout.Area want = expected.area(kind);
            long offset = s.get(JAVA_LONG, entry + AREA_OFFSET);
            long length = s.get(JAVA_LONG, entry + AREA_LENGTH);
            if (offset != want.offset() || length != want.length() || offset + length > size) {
                throw new RegionException(path, "areaTable[" + kind + "]", String.format(
                        "area %s is at offset %d length %d, expected offset %d length %d within %d bytes",
                        kind, offset, length, want.offset(), want.length(), size));
            }
            seen.put(kind, want);
        }
        if (expected.length() > size) {
            throw new RegionException(path, "regionLength",
                    "areas need " + expected.length() + " bytes but the file has " + size);
        }
        return expected;
    }

    private static void expect(Path path, String field, long found, long expected, String hint) {
        if (found != expected) {
            throw new RegionException(path, field, field + " is " + found + ", expected " + expected
                    + (hint == null ? " (layout mismatch or corrupted header)" : ": " + hint));
        }
    }

    private static String readName(MemorySegment s) {
        byte[] bytes = new byte[NAME_LENGTH];
        MemorySegment.copy(s, JAVA_BYTE, NAME_OFFSET, bytes, 0, NAME_LENGTH);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static boolean creatorAlive(MemorySegment s) {
        return processAlive(s.get(JAVA_LONG, CREATOR_PID_OFFSET), s.get(JAVA_LONG, CREATOR_START_OFFSET));
    }

    /** Whether process {@code pid} runs and started at {@code startMillis} (so is not a reused pid). */
    public static boolean processAlive(long pid, long startMillis) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive()
                && (startMillis == 0 || startMillis(handle.get()) == startMillis);
    }

    /**
     * If a region file exists at {@code path}: refuse when its creator still runs, else
     * remove it (it was left by a creator that crashed) and say so.
     */
    private static void replaceIfStale(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        String why;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
            channel.read(header, 0);
            header.flip();
            if (header.remaining() >= 40 && header.getLong(MAGIC_OFFSET) == MAGIC) {
                long pid = header.getLong(CREATOR_PID_OFFSET);
                long start = header.getLong(CREATOR_START_OFFSET);
                if (processAlive(pid, start)) {
                    throw new RegionException(path, "creatorPid", "already in use by running process " + pid
                            + "; stop it, or give this region another name");
                }
                why = "its creator, pid " + pid + ", is no longer running";
            } else {
                why = "it is not a valid region (no JNetVM magic)";
            }
        } catch (IOException e) {
            why = "it cannot be read (" + e.getMessage() + ")";
        }
        LOG.warn("region file {} is stale: {}; replacing it", path, why);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new RegionException(path, "cannot remove stale region: " + e, e);
        }
    }

    /** {@link RegionDescriptor#HOP_DIRECT} or {@link RegionDescriptor#HOP_MANAGER}, as the manager set it. */
    public int hopMode() {
        return (int) STATE.getAcquire(segment, (long) HOP_MODE_OFFSET);
    }

    /** The manager only, before NFs register. */
    public void hopMode(int mode) {
        if (mode != HOP_DIRECT && mode != HOP_MANAGER) {
            throw new IllegalArgumentException("hop mode " + mode + " is neither direct (0) nor manager (1)");
        }
        STATE.setRelease(segment, (long) HOP_MODE_OFFSET, mode);
    }

    /** How long (µs) an NF retries a full next-hop ring before dropping, as the manager set it. */
    public int localRetryMicros() {
        return (int) STATE.getAcquire(segment, (long) RegionDescriptor.LOCAL_RETRY_OFFSET);
    }

    /** The manager only, before NFs register. */
    public void localRetryMicros(int micros) {
        if (micros < 0 || micros > 10_000) {
            throw new IllegalArgumentException("local retry " + micros + " µs is out of range 0..10000");
        }
        STATE.setRelease(segment, (long) RegionDescriptor.LOCAL_RETRY_OFFSET, micros);
    }

    /** The low watermark (% of a ring) of backpressure, as the manager set it. */
    public int backpressureLowPercent() {
        return (int) STATE.getAcquire(segment, (long) RegionDescriptor.BACKPRESSURE_LOW_OFFSET);
    }

    /** The manager only, before NFs register. */
    public void backpressureLowPercent(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("low watermark " + percent + "% is out of range 1..100");
        }
        STATE.setRelease(segment, (long) RegionDescriptor.BACKPRESSURE_LOW_OFFSET, percent);
    }

    public MemorySegment segment() {
        return segment;
    }

    /**
     * The one instance of a view of this region that every thread of the process may share, made by {@code make}
     * on first use: for views with no state of their own but caches of immutable flyweights (the NF table, the
     * messages), which an NF host of 10,000 NFs would otherwise hold 10,000 times (each caches one ring or inbox
     * per NF slot).
     */
    public <T> T shared(Class<T> type, java.util.function.Function<Region, T> make) {
        return type.cast(views.computeIfAbsent(type, k -> make.apply(this)));
    }

    public RegionLayout layout() {
        return layout;
    }

    public Path path() {
        return path;
    }

    public String name() {
        return name;
    }

    public boolean isCreator() {
        return creator;
    }

    /** Whether the region lives on hugetlbfs. */
    public boolean hugePages() {
        return hugePages;
    }

    /** Pid of the process that created the region. */
    public long creatorPid() {
        return segment.get(JAVA_LONG, CREATOR_PID_OFFSET);
    }

    /** Attaches to general-purpose SPSC ring {@code i}. */
    public SpscRing ring(int i) {
        return SpscRing.attach(segment, layout.ringOffset(i));
    }

    /**
     * Unmaps the region; the creator also removes the file. Every thread that uses the
     * segment must have stopped: accesses after close fail with IllegalStateException.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        if (creator) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("could not remove region file {}: {}", path, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "Region[" + name + " at " + path + ", " + segment.byteSize() + " bytes"
                + (hugePages ? ", huge pages" : "") + (creator ? ", creator" : "") + "]";
    }
}

package org.jnetvm.manager.port;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.stats.DropReason;

/**
 * Receives the frames of a classic (libpcap) capture file: both byte orders, microsecond and nanosecond timestamps,
 * link type 1 (Ethernet) only. The file is memory-mapped once (a {@link MemorySegment} in the port's own arena) and
 * each frame is copied from the mapping into a pool buffer; nothing is allocated per packet.
 *
 * <p>Pace: {@link Pace#RECORDED} emits each frame when as much time has passed since the first as the capture
 * recorded; {@link Pace#RATE} emits {@code rate} frames per second (token bucket); {@link Pace#MAX} as fast as the
 * pool allows. With {@code loop} the file starts over at its end (and the recorded pace with it). A frame larger than
 * the pool's data room is counted as {@link DropReason#MALFORMED} and skipped; a truncated last record is counted the
 * same way and ends the file. Transmitting to this port frees the packets.
 */
public final class PcapInPort implements Port {
    /** How fast the frames of the file are emitted. */
    public enum Pace { RECORDED, RATE, MAX }

    static final int GLOBAL_HEADER = 24;
    static final int RECORD_HEADER = 16;
    static final int LINKTYPE_ETHERNET = PcapWriter.LINKTYPE_ETHERNET;
    static final int MAGIC_MICROS = PcapWriter.MAGIC_MICROS;
    static final int MAGIC_NANOS = PcapWriter.MAGIC_NANOS;

    private final String name;
    private final Pace pace;
    private final long rate;
    private final boolean loop;
    private final MemorySegment region;
    private final PacketMeta meta;
    private final int dataRoom;
    private final ReceivedFrames rxFrames;
    private final Arena arena;
    private final MemorySegment file;
    private final ValueLayout.OfInt intLayout;
    private final long fracToNanos;
    private long end;
    private long position = GLOBAL_HEADER;
    private long firstStamp = -1;
    private long startNanos;
    private double tokens;
    private long lastNanos;
    private boolean anyFrame;
    private long emitted;
    private long skipped;

    /**
     * Opens and maps {@code path} and checks its global header.
     *
     * @throws AfPacketPort.PortException if the file cannot be read or is not an Ethernet classic pcap, naming the
     *                                    port, the file and the offending value
     */
    public PcapInPort(String name, int portId, Path path, Pace pace, long rate, boolean loop,
                      MemorySegment region, PacketMeta meta, int dataRoom) {
        this.name = name;
        this.rxFrames = new ReceivedFrames(portId);
        this.pace = pace;
        this.rate = rate;
        this.loop = loop;
        this.region = region;
        this.meta = meta;
        this.dataRoom = dataRoom;
        if (pace == Pace.RATE && rate <= 0) {
            throw new AfPacketPort.PortException(name, "pace rate needs a rate above 0 packets per second");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            this.file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw new AfPacketPort.PortException(name, "cannot read pcap file " + path + ": " + e);
        }
        this.arena = arena;
        this.end = file.byteSize();
        if (end < GLOBAL_HEADER) {
            arena.close();
            throw new AfPacketPort.PortException(name, "pcap file " + path + " is " + end
                    + " bytes, shorter than the 24-byte pcap global header; is it truncated?");
        }
        int magic = file.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        ByteOrder order;
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            magic = Integer.reverseBytes(magic);
        } else {
            arena.close();
            throw new AfPacketPort.PortException(name, "pcap file " + path + " has magic number 0x"
                    + Integer.toHexString(Integer.reverseBytes(magic)) + " (as stored), not a classic pcap"
                    + " (a1b2c3d4 or a1b23c4d, either byte order); pcapng is not read, convert it with"
                    + " `editcap -F pcap`");
        }
        this.intLayout = JAVA_INT_UNALIGNED.withOrder(order);
        this.fracToNanos = magic == MAGIC_NANOS ? 1 : 1000;
        int linktype = file.get(intLayout, 20) & 0x0FFF_FFFF; // the top bits may carry FCS information
        if (linktype != LINKTYPE_ETHERNET) {
            arena.close();
            throw new AfPacketPort.PortException(name, "pcap file " + path + " has link type " + linktype
                    + ", not 1 (Ethernet); only Ethernet captures can be read");
        }
        this.lastNanos = System.nanoTime();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "pcap_in";
    }

    /** Frames emitted so far. */
    public long emitted() {
        return emitted;
    }

    /** Records skipped so far: too large for a buffer, or truncated. */
    public long skipped() {
        return skipped;
    }

    /** Whether the file has no more frames to give (never with loop, unless it holds none). */
    public boolean finished() {
        return position >= end && (!loop || !anyFrame);
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        if (position >= end && !rewind()) {
            return 0;
        }
        int want = max;
        long now = System.nanoTime();
        if (pace == Pace.RATE) {
            tokens = Math.min(tokens + (now - lastNanos) * (rate / 1e9), max);
            lastNanos = now;
            want = (int) tokens;
        } else if (pace == Pace.RECORDED && !due(position, now)) {
            return 0;
        }
        if (want <= 0) {
            return 0;
        }
        int got = router.alloc(dst, 0, want);
        if (got == 0) {
            return 0;
        }
        int used = 0;
        int bad = 0;
        boolean rewound = false;
        while (used < got) {
            if (position >= end) {
                if (rewound || !rewind()) {
                    break;
                }
                rewound = true;
            }
            long at = position;
            if (end - at < RECORD_HEADER) {
                bad += truncated(at);
                continue;
            }
            int caplen = file.get(intLayout, at + 8);
            if (caplen < 0 || caplen > end - at - RECORD_HEADER) {
                bad += truncated(at);
                continue;
            }
            if (pace == Pace.RECORDED && !due(at, now)) {
                break;
            }
            position = at + RECORD_HEADER + caplen;
            if (caplen > dataRoom || caplen == 0) {
                bad++;
                continue;
            }
            PacketMeta m = meta.wrap(dst[used]);
            long data = m.dataAddress();
            MemorySegment.copy(file, at + RECORD_HEADER, region, data, caplen);
            rxFrames.describe(m, region, data, caplen);
            anyFrame = true;
            used++;
        }
        if (used < got) {
            router.release(dst, used, got - used);
        }
        if (bad > 0) {
            router.countDrops(DropReason.MALFORMED, bad);
            skipped += bad;
        }
        if (pace == Pace.RATE) {
            tokens -= used;
        }
        emitted += used;
        return used;
    }

    /** Counts the truncated record at {@code at} and makes it the end of the file; returns 1. */
    private int truncated(long at) {
        end = at;
        return 1;
    }

    /** Whether the record at {@code at} is due at {@code now} under the recorded pace. */
    private boolean due(long at, long now) {
        if (end - at < RECORD_HEADER) {
            return true; // let receive count the truncated record
        }
        long stamp = (file.get(intLayout, at) & 0xFFFF_FFFFL) * 1_000_000_000L
                + (file.get(intLayout, at + 4) & 0xFFFF_FFFFL) * fracToNanos;
        if (firstStamp < 0) {
            firstStamp = stamp;
            startNanos = now;
            return true;
        }
        return stamp - firstStamp <= now - startNanos;
    }

    /** Starts the file over if looping and it has frames; false if it is done. */
    private boolean rewind() {
        if (!loop || !anyFrame) {
            return false;
        }
        position = GLOBAL_HEADER;
        firstStamp = -1;
        return true;
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        router.release(indices, offset, count);
        return count;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}

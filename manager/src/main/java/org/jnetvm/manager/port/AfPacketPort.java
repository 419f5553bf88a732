package org.jnetvm.manager.port;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.PortTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port on a Linux network interface through an AF_PACKET socket with memory-mapped rings, all
 * through the Foreign Function &amp; Memory API: a TPACKET_V2 receive ring and a TPACKET_V2
 * transmit ring, fixed-size frame slots each, both in one mmap.
 *
 * <p>Receive walks the slots the kernel has handed to user space (status TP_STATUS_USER) and
 * copies each frame into a pool buffer; no system call and no allocation per packet. Transmit
 * copies each frame into a free ring slot and kicks the kernel with one
 * {@code sendto(fd, NULL, 0, MSG_DONTWAIT)} per burst. {@link #pollFd()} lets an idle RX thread
 * sleep in poll(2) until a frame arrives.
 *
 * <p>Why V2 and not V3: a TPACKET_V3 block reaches user space only when it is full or its retire
 * timer (1 ms at least) fires, so a frame of sparse or latency-bound traffic (TCP's ACKs) waits
 * up to a millisecond per port; with V2 each frame is visible as soon as it is written. Struct
 * offsets are those of {@code <linux/if_packet.h>} on x86-64; see docs/afpacket-notes.md.
 */
public final class AfPacketPort implements Port {
    private static final Logger LOG = LoggerFactory.getLogger(AfPacketPort.class);

    // <sys/socket.h>, <linux/if_ether.h>, <linux/if_packet.h>, <sys/mman.h>, <errno.h> (x86-64)
    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final short ETH_P_ALL_BE = (short) 0x0300; // htons(ETH_P_ALL = 0x0003)
    private static final int SOL_PACKET = 263;
    private static final int PACKET_ADD_MEMBERSHIP = 1;
    private static final int PACKET_RX_RING = 5;
    private static final int PACKET_VERSION = 10;
    private static final int PACKET_TX_RING = 13;
    private static final int PACKET_IGNORE_OUTGOING = 23;
    private static final int PACKET_STATISTICS = 6;
    private static final int PACKET_FANOUT = 18;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final int PACKET_FANOUT_HASH = 0;
    private static final int PACKET_MR_PROMISC = 1;
    private static final int TPACKET_V2 = 1;
    private static final int PACKET_OUTGOING = 4;
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_SHARED = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EPERM = 1;
    private static final int ENXIO = 6;
    private static final int EACCES = 13;
    private static final int ENODEV = 19;

    // tp_status values
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    /** The frame's L4 checksum is still to be computed (the sender offloaded it). */
    private static final int TP_STATUS_CSUMNOTREADY = 8;
    private static final int TP_STATUS_AVAILABLE = 0;
    private static final int TP_STATUS_SEND_REQUEST = 1;
    private static final int TP_STATUS_WRONG_FORMAT = 4;

    /*
     * One frame slot of either ring (TPACKET_V2, x86-64):
     *
     *   0      tp_status u32     TP_STATUS_KERNEL / _USER (rx), _AVAILABLE / _SEND_REQUEST (tx)
     *   4      tp_len u32        frame length on the wire
     *   8      tp_snaplen u32    bytes in the slot (rx: less than tp_len when the slot was too small)
     *   12     tp_mac u16        offset of the frame from the slot start (rx)
     *   14     tp_net u16, 16 tp_sec, 20 tp_nsec, 24 vlan tci/tpid, 28 padding
     *   32     struct sockaddr_ll (rx): sll_pkttype u8 at 32 + 10
     *   32     frame data (tx, without PACKET_TX_HAS_OFF: tp_hdrlen 52 - sizeof(sockaddr_ll) 20)
     *
     * Slots never cross a block; block i holds slots [i * perBlock, (i + 1) * perBlock).
     */
    private static final long H2_STATUS = 0;
    private static final long H2_LEN = 4;
    private static final long H2_SNAPLEN = 8;
    private static final long H2_MAC = 12;
    private static final long H2_SLL_PKTTYPE = 32 + 10;
    private static final int TX_DATA_OFFSET = 32;
    /** Where the kernel puts a received frame in its slot: TPACKET_ALIGN(52 + 16) - 14 = 66; we round up. */
    private static final int RX_FRAME_HEADROOM = 96;

    /** Receive ring: blocks of 1 MiB, as many as make about {@link #RX_FRAME_TARGET} slots. */
    public static final int RX_BLOCK_SIZE = 1 << 20;
    public static final int RX_FRAME_TARGET = 4096;
    /** Transmit ring geometry: 8 blocks of 128 KiB, slots sized to the data room. */
    public static final int TX_BLOCK_SIZE = 1 << 17;
    public static final int TX_BLOCK_COUNT = 8;

    private static final VarHandle INT = JAVA_INT.varHandle();

    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle CLOSE;
    private static final MethodHandle IF_NAMETOINDEX;
    private static final MethodHandle SENDTO;
    private static final MethodHandle GETSOCKOPT;
    private static final long ERRNO_OFFSET;

    static {
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SOCKET = linker.downcallHandle(lookup.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
        SETSOCKOPT = linker.downcallHandle(lookup.find("setsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
        BIND = linker.downcallHandle(lookup.find("bind").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
        MMAP = linker.downcallHandle(lookup.find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        MUNMAP = linker.downcallHandle(lookup.find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        CLOSE = linker.downcallHandle(lookup.find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        IF_NAMETOINDEX = linker.downcallHandle(lookup.find("if_nametoindex").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS), errno);
        SENDTO = linker.downcallHandle(lookup.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
        GETSOCKOPT = linker.downcallHandle(lookup.find("getsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        ERRNO_OFFSET = Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    }

    private final String name;
    private final String iface;
    private final MemorySegment region;
    private final PacketMeta meta;
    private final int dataRoom;
    private final ReceivedFrames rxFrames;
    private final int fd;
    private final MemorySegment ring; // rx blocks, then tx blocks
    private final long rxSize;
    private final int rxFrameSize;
    private final int rxFramesPerBlock;
    private final int rxFrameCount;
    private final int txFrameSize;
    private final int txFramesPerBlock;
    private final int txFrameCount;
    private final MemorySegment txState; // errno capture of the TX thread's sendto
    private final Arena arena = Arena.ofShared();
    private final PacketMeta txMeta; // one view for all TX threads (transmit holds the monitor)

    // RX thread only
    private int rxNext; // the next slot to read
    private long received;
    private long oversized;
    private long oversizedPublished;
    private long kernelDropsPublished;

    // TX (under this object's monitor: any TX thread may transmit)
    private int txNext;
    private long transmitted;
    private long txWrongFormat;

    private boolean closed;

    // kernel statistics, summed (PACKET_STATISTICS resets on each read); under the monitor
    private final MemorySegment statsBuffer; // struct tpacket_stats (+ V3's third field) + its socklen_t
    private long kernelPackets;
    private long kernelDrops;
    private long kernelFreezes;

    /**
     * Opens the socket, sets up and maps both rings, binds to {@code iface} and turns on
     * promiscuous mode.
     *
     * @param segment the region's segment (buffers are offsets in it)
     * @param meta    a metadata view of the pool, owned by this port (used by the RX thread)
     * @param dataRoom the pool's data room: frames longer than this are dropped as oversized
     * @throws PortException naming the port and what to do when the interface is missing or the
     *                       process lacks CAP_NET_RAW, or any other step fails
     */
    public AfPacketPort(String name, String iface, int portId, MemorySegment segment, PacketMeta meta, int dataRoom) {
        this(name, iface, portId, segment, meta, dataRoom, 0);
    }

    /**
     * As above, and with {@code fanoutGroup} &gt; 0 joins that PACKET_FANOUT group in hash mode: the
     * kernel spreads the interface's frames over the group's sockets by flow, so each of several
     * RX threads reads its own socket and a flow stays on one of them.
     */
    public AfPacketPort(String name, String iface, int portId, MemorySegment segment, PacketMeta meta, int dataRoom,
                        int fanoutGroup) {
        this.name = name;
        this.iface = iface;
        this.rxFrames = new ReceivedFrames(portId);
        this.region = segment;
        this.meta = meta;
        this.dataRoom = dataRoom;
        this.txMeta = meta.duplicate();
        this.txState = arena.allocate(Linker.Option.captureStateLayout());
        this.statsBuffer = arena.allocate(16, 4);
        int txFrame = Integer.highestOneBit(dataRoom + TX_DATA_OFFSET - 1) << 1; // power of two >= room + header
        this.txFrameSize = Math.max(2048, txFrame);
        int txBlock = Math.max(TX_BLOCK_SIZE, txFrameSize);
        this.txFramesPerBlock = txBlock / txFrameSize;
        this.txFrameCount = txFramesPerBlock * TX_BLOCK_COUNT;
        if (dataRoom > RX_BLOCK_SIZE - RX_FRAME_HEADROOM) {
            throw new PortException(name, "data room " + dataRoom + " does not fit an AF_PACKET ring block of "
                    + RX_BLOCK_SIZE + " bytes; lower region.dataRoom");
        }
        this.rxFrameSize = (dataRoom + RX_FRAME_HEADROOM + 15) & ~15; // TPACKET_ALIGNMENT
        this.rxFramesPerBlock = RX_BLOCK_SIZE / rxFrameSize;
        int rxBlocks = Math.max(2, (RX_FRAME_TARGET + rxFramesPerBlock - 1) / rxFramesPerBlock);
        this.rxFrameCount = rxFramesPerBlock * rxBlocks;
        int socket = -1;
        MemorySegment mapped = null;
        long rx = (long) RX_BLOCK_SIZE * rxBlocks;
        long tx = (long) txBlock * TX_BLOCK_COUNT;
        try (Arena open = Arena.ofConfined()) {
            MemorySegment state = open.allocate(Linker.Option.captureStateLayout());
            int ifindex = ifIndex(open, state);
            socket = (int) SOCKET.invokeExact(state, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, (int) ETH_P_ALL_BE);
            if (socket < 0) {
                int e = errno(state);
                if (e == EPERM || e == EACCES) {
                    throw new PortException(name, "opening an AF_PACKET socket on " + iface
                            + " was refused (errno " + e + "): the port needs CAP_NET_RAW; run as root or grant"
                            + " the capability (setcap cap_net_raw+ep on the java binary)");
                }
                throw new PortException(name, "socket(AF_PACKET) failed: errno " + e);
            }
            MemorySegment one = open.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, TPACKET_V2);
            setsockopt(socket, PACKET_VERSION, one, 4, "PACKET_VERSION TPACKET_V2", state);
            one.set(JAVA_INT, 0, 1);
            // Our own transmissions are not received back (Linux >= 4.20); RX also skips them by type.
            int rc = (int) SETSOCKOPT.invokeExact(state, socket, SOL_PACKET, PACKET_IGNORE_OUTGOING, one, 4);
            // Frames we send go straight to the driver, past the qdisc layer (as DPDK's af_packet
            // driver does): a forwarder's frames already left a queue, ours. Best effort (Linux >= 3.14).
            rc = (int) SETSOCKOPT.invokeExact(state, socket, SOL_PACKET, PACKET_QDISC_BYPASS, one, 4);

            MemorySegment req = open.allocate(16, 4); // struct tpacket_req: four u32
            req.set(JAVA_INT, 0, RX_BLOCK_SIZE);
            req.set(JAVA_INT, 4, rxBlocks);
            req.set(JAVA_INT, 8, rxFrameSize);
            req.set(JAVA_INT, 12, rxFrameCount);
            setsockopt(socket, PACKET_RX_RING, req, 16, "PACKET_RX_RING", state);
            req.set(JAVA_INT, 0, txBlock);
            req.set(JAVA_INT, 4, TX_BLOCK_COUNT);
            req.set(JAVA_INT, 8, txFrameSize);
            req.set(JAVA_INT, 12, txFrameCount);
            setsockopt(socket, PACKET_TX_RING, req, 16, "PACKET_TX_RING", state);

            MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, rx + tx, PROT_READ_WRITE,
                    MAP_SHARED, socket, 0L);
            if (addr.address() == -1L) {
                throw new PortException(name, "mmap of the packet rings (" + (rx + tx) + " bytes) failed: errno "
                        + errno(state) + "; check the locked-memory limit (ulimit -l)");
            }
            mapped = addr.reinterpret(rx + tx);

            MemorySegment sll = open.allocate(20, 4); // struct sockaddr_ll
            sll.set(JAVA_SHORT, 0, (short) AF_PACKET);
            sll.set(JAVA_SHORT, 2, ETH_P_ALL_BE);
            sll.set(JAVA_INT, 4, ifindex);
            rc = (int) BIND.invokeExact(state, socket, sll, 20);
            if (rc != 0) {
                int e = errno(state);
                throw new PortException(name, "bind to interface " + iface + " failed: errno " + e
                        + (e == ENODEV || e == ENXIO ? " (the interface went away or is down)" : ""));
            }
            MemorySegment mreq = open.allocate(16, 4); // struct packet_mreq
            mreq.set(JAVA_INT, 0, ifindex);
            mreq.set(JAVA_SHORT, 4, (short) PACKET_MR_PROMISC);
            setsockopt(socket, PACKET_ADD_MEMBERSHIP, mreq, 16, "PACKET_ADD_MEMBERSHIP promiscuous", state);
            if (fanoutGroup > 0) {
                one.set(JAVA_INT, 0, (fanoutGroup & 0xFFFF) | PACKET_FANOUT_HASH << 16);
                setsockopt(socket, PACKET_FANOUT, one, 4, "PACKET_FANOUT group " + fanoutGroup, state);
            }
        } catch (PortException e) {
            cleanup(socket, mapped);
            arena.close();
            throw e;
        } catch (Throwable t) {
            cleanup(socket, mapped);
            arena.close();
            throw new PortException(name, "opening AF_PACKET on " + iface + " failed: " + t);
        }
        this.fd = socket;
        this.ring = mapped;
        this.rxSize = rx;
    }

    private int ifIndex(Arena open, MemorySegment state) throws Throwable {
        int index = (int) IF_NAMETOINDEX.invokeExact(state, open.allocateFrom(iface));
        if (index == 0) {
            throw new PortException(name, "no such interface '" + iface + "'; `ip link` shows "
                    + String.join(", ", interfaces()) + "; fix ports[].interface or create the interface");
        }
        return index;
    }

    private static java.util.List<String> interfaces() {
        try (var names = java.nio.file.Files.list(java.nio.file.Path.of("/sys/class/net"))) {
            return names.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            return java.util.List.of("(cannot list /sys/class/net)");
        }
    }

    private void setsockopt(int socket, int option, MemorySegment value, int length, String what,
                            MemorySegment state) throws Throwable {
        int rc = (int) SETSOCKOPT.invokeExact(state, socket, SOL_PACKET, option, value, length);
        if (rc != 0) {
            int e = errno(state);
            throw new PortException(name, "setsockopt " + what + " on " + iface + " failed: errno " + e
                    + (e == EPERM || e == EACCES ? "; the port needs CAP_NET_RAW: run as root" : ""));
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }

    private static void cleanup(int socket, MemorySegment mapped) {
        try {
            if (mapped != null) {
                int ignored = (int) MUNMAP.invokeExact(mapped, mapped.byteSize());
            }
            if (socket >= 0) {
                int ignored = (int) CLOSE.invokeExact(socket);
            }
        } catch (Throwable ignored) {
            // closing on an error path: nothing more to do
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "af_packet";
    }

    /** The Linux interface this port is bound to. */
    public String interfaceName() {
        return iface;
    }

    /** Frames received into pool buffers so far (RX thread's count). */
    public long received() {
        return received;
    }

    /** Frames dropped because they were longer than the data room (or truncated by the ring). */
    public long oversized() {
        return oversized;
    }

    /** Frames placed in the transmit ring so far. */
    public synchronized long transmitted() {
        return transmitted;
    }

    /** Transmit slots the kernel refused as malformed (TP_STATUS_WRONG_FORMAT). */
    public synchronized long txWrongFormat() {
        return txWrongFormat;
    }

    /**
     * The kernel's counts for this socket since it opened: frames it saw, frames it dropped
     * (ring full or frozen: the reader fell behind), and times the ring froze. One
     * getsockopt(PACKET_STATISTICS) per call: for stats readers, not the packet path.
     *
     * @return {packets, drops, freezes}
     */
    public synchronized long[] kernelStatistics() {
        if (!closed) {
            // V2: struct tpacket_stats { unsigned int tp_packets, tp_drops; }; room for V3's third
            // field (tp_freeze_q_cnt), zeroed because the kernel writes only 8 bytes; then socklen_t.
            statsBuffer.set(JAVA_INT, 8, 0);
            statsBuffer.set(JAVA_INT, 12, 12);
            try {
                int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_PACKET, PACKET_STATISTICS, statsBuffer,
                        statsBuffer.asSlice(12, 4));
                if (rc == 0) {
                    kernelPackets += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, 0));
                    kernelDrops += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, 4));
                    kernelFreezes += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, 8));
                }
            } catch (Throwable t) {
                throw new IllegalStateException("getsockopt PACKET_STATISTICS on port " + name + " failed", t);
            }
        }
        return new long[] {kernelPackets, kernelDrops, kernelFreezes};
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        int ready = readySlots(max);
        if (ready == 0) {
            return 0;
        }
        int got = router.alloc(dst, 0, ready);
        if (got == 0) {
            return 0; // pool exhausted: the frames wait in the ring (the kernel drops once it is full)
        }
        int used = 0;
        int tooLong = 0;
        for (int k = 0; k < got; k++) {
            long slot = rxSlot(rxNext);
            int snap = ring.get(JAVA_INT, slot + H2_SNAPLEN);
            int length = ring.get(JAVA_INT, slot + H2_LEN);
            int mac = ring.get(JAVA_SHORT, slot + H2_MAC) & 0xFFFF;
            int frameStatus = ring.get(JAVA_INT, slot + H2_STATUS);
            int type = ring.get(JAVA_BYTE, slot + H2_SLL_PKTTYPE);
            if (type != PACKET_OUTGOING) {
                if (length > dataRoom || snap < length) {
                    tooLong++;
                } else {
                    int index = dst[used];
                    PacketMeta m = meta.wrap(index);
                    long data = m.dataAddress();
                    MemorySegment.copy(ring, slot + mac, region, data, snap);
                    rxFrames.describe(m, region, data, snap, (frameStatus & TP_STATUS_CSUMNOTREADY) != 0);
                    used++;
                }
            }
            INT.setRelease(ring, slot + H2_STATUS, TP_STATUS_KERNEL); // the slot goes back to the kernel
            rxNext = rxNext + 1 == rxFrameCount ? 0 : rxNext + 1;
        }
        if (used < got) {
            router.release(dst, used, got - used);
        }
        if (tooLong > 0) {
            if (oversized == 0) {
                warnOversized();
            }
            oversized += tooLong;
        }
        received += used;
        return used;
    }

    // How many slots from rxNext on (at most max) the kernel has handed over, in order.
    private int readySlots(int max) {
        int ready = 0;
        int i = rxNext;
        while (ready < max && ((int) INT.getAcquire(ring, rxSlot(i) + H2_STATUS) & TP_STATUS_USER) != 0) {
            ready++;
            i = i + 1 == rxFrameCount ? 0 : i + 1;
        }
        return ready;
    }

    private long rxSlot(int i) {
        int block = i / rxFramesPerBlock;
        return (long) block * RX_BLOCK_SIZE + (long) (i - block * rxFramesPerBlock) * rxFrameSize;
    }

    /** The socket: readable (poll POLLIN) when the receive ring holds a frame not yet read. */
    @Override
    public int pollFd() {
        return fd;
    }

    /** Once per port, on the first frame too long for a buffer: the usual cause is an offload. */
    private void warnOversized() {
        LOG.warn("port {}: a frame on {} is longer than the data room of {} bytes and is dropped (counted as"
                + " oversized). On a veth or tap this is the sender's segmentation offload: turn it off on the"
                + " sending end (ethtool -K IF tso off gso off) and receive offload here (ethtool -K {} gro off),"
                + " or raise region.dataRoom for jumbo frames", name, iface, dataRoom, iface);
    }

    @Override
    public void publishCounters(PortTable table, int port) {
        if (oversized != oversizedPublished) {
            table.countDrop(port, DropReason.OVERSIZED, oversized - oversizedPublished);
            oversizedPublished = oversized;
        }
        long kernelDrops = kernelStatistics()[1];
        if (kernelDrops != kernelDropsPublished) {
            table.countDrop(port, DropReason.KERNEL_DROP, kernelDrops - kernelDropsPublished);
            kernelDropsPublished = kernelDrops;
        }
    }

    @Override
    public synchronized int transmit(int[] indices, int offset, int count, Router router) {
        if (closed) {
            return 0;
        }
        int sent = 0;
        int refused = 0;
        PacketMeta m = txMeta;
        for (; sent < count; sent++) {
            long slot = txSlot(txNext);
            int status = (int) INT.getAcquire(ring, slot + H2_STATUS);
            if (status != TP_STATUS_AVAILABLE) {
                if (status == TP_STATUS_WRONG_FORMAT) {
                    txWrongFormat++;
                } else {
                    break; // ring full: the kernel has not sent this slot yet
                }
            }
            m.wrap(indices[offset + sent]);
            int length = m.dataLength();
            if (length > txFrameSize - TX_DATA_OFFSET || length <= 0) {
                refused++; // cannot happen for a pool buffer; counted rather than sent
                continue;
            }
            MemorySegment.copy(region, m.dataAddress(), ring, slot + TX_DATA_OFFSET, length);
            ring.set(JAVA_INT, slot + H2_LEN, length);
            ring.set(JAVA_INT, slot + H2_SNAPLEN, length);
            INT.setRelease(ring, slot + H2_STATUS, TP_STATUS_SEND_REQUEST);
            txNext = txNext + 1 == txFrameCount ? 0 : txNext + 1;
        }
        if (sent > 0) {
            kick();
            router.release(indices, offset, sent);
            transmitted += sent - refused;
        }
        if (refused > 0) {
            txWrongFormat += refused;
        }
        return sent;
    }


    private long txSlot(int i) {
        int block = i / txFramesPerBlock;
        int within = i - block * txFramesPerBlock;
        return rxSize + (long) block * (txFramesPerBlock * txFrameSize) + (long) within * txFrameSize;
    }

    private void kick() {
        try {
            long ignored = (long) SENDTO.invokeExact(txState, fd, MemorySegment.NULL, 0L, MSG_DONTWAIT,
                    MemorySegment.NULL, 0);
            // EAGAIN/ENOBUFS: the slots stay SEND_REQUEST and go with the next kick.
        } catch (Throwable t) {
            throw new IllegalStateException("sendto on AF_PACKET port " + name + " failed", t);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cleanup(fd, ring);
        arena.close();
    }

    /** A port that cannot open: the message names the port and what to do. */
    public static final class PortException extends RuntimeException {
        public PortException(String port, String message) {
            super("port " + port + ": " + message);
        }
    }
}

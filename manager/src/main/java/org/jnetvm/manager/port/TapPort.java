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
import java.nio.charset.StandardCharsets;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.manager.port.AfPacketPort.PortException;

/**
 * A port on a Linux TAP device, through the Foreign Function &amp; Memory API: opens
 * {@code /dev/net/tun} non-blocking, creates the TAP device (or attaches to it when it exists) with
 * {@code ioctl(TUNSETIFF, IFF_TAP | IFF_NO_PI)} and brings its link up. What the host (or a
 * container's) stack sends into the device arrives at this port as Ethernet frames; what this port
 * transmits enters that stack as if it came off a wire. This is how a host stack is wired into a
 * chain.
 *
 * <p>TAP has no memory-mapped ring: each frame costs one {@code read(2)} on receive and one
 * {@code write(2)} on transmit, and a receive poll that finds nothing costs one {@code read} that
 * returns {@code EAGAIN}. The port is for connecting a stack, not for speed; use
 * {@link AfPacketPort} for throughput. A frame is read into a scratch buffer and copied into a
 * pool buffer so that a frame longer than the data room is counted and dropped rather than
 * silently truncated.
 *
 * <p>The device this port created goes away when the port closes (it is not made persistent); a
 * device that existed before (created persistent with {@code ip tuntap add}) stays.
 */
public final class TapPort implements Port {
    // <fcntl.h>, <linux/if_tun.h>, <net/if.h>, <sys/socket.h>, <errno.h> (x86-64)
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCGIFFLAGS = 0x8913L;
    private static final long SIOCSIFFLAGS = 0x8914L;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_UP = 0x1;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IFREQ_SIZE = 40;
    private static final int IFREQ_FLAGS = 16;
    private static final int IFNAMSIZ = 16;
    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int ENXIO = 6;
    private static final int EAGAIN = 11;
    private static final int EACCES = 13;
    private static final int EBUSY = 16;
    private static final int ENODEV = 19;
    private static final int EINVAL = 22;

    private static final MethodHandle OPEN;
    private static final MethodHandle IOCTL;
    private static final MethodHandle SOCKET;
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle CLOSE;
    private static final long ERRNO_OFFSET;

    static {
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        OPEN = linker.downcallHandle(lookup.find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno);
        IOCTL = linker.downcallHandle(lookup.find("ioctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), errno,
                Linker.Option.firstVariadicArg(2));
        SOCKET = linker.downcallHandle(lookup.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
        READ = linker.downcallHandle(lookup.find("read").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        WRITE = linker.downcallHandle(lookup.find("write").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        CLOSE = linker.downcallHandle(lookup.find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        ERRNO_OFFSET = Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    }

    /** Scratch size: larger than any frame a TAP without a vnet header hands out (MTU at most 64 KiB). */
    private static final int SCRATCH = 65_536 + 64;

    private final String name;
    private final String device;
    private final MemorySegment region;
    private final PacketMeta meta;
    private final PacketMeta txMeta; // one view for all TX threads (transmit holds the monitor)
    private final int dataRoom;
    private final ReceivedFrames rxFrames;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch;
    private final MemorySegment rxState;
    private final MemorySegment txState;
    private final int fd;

    // RX thread only
    private long received;
    private long oversized;
    private long rxErrors;

    // TX, under this object's monitor
    private long transmitted;
    private long txErrors;
    private volatile boolean closed;

    /**
     * Opens {@code /dev/net/tun}, creates or attaches the TAP device {@code device} and brings its
     * link up.
     *
     * @param segment  the region's segment (buffers are offsets in it)
     * @param meta     a metadata view of the pool, owned by this port (used by the RX thread)
     * @param dataRoom the pool's data room: frames longer than this are dropped as malformed
     * @throws PortException naming the port and what to do when /dev/net/tun is missing, the
     *                       process lacks CAP_NET_ADMIN, the name is not a TAP device's, or any
     *                       other step fails
     */
    public TapPort(String name, String device, int portId, MemorySegment segment, PacketMeta meta, int dataRoom) {
        this.name = name;
        this.device = device;
        this.rxFrames = new ReceivedFrames(portId);
        this.region = segment;
        this.meta = meta;
        this.txMeta = meta.duplicate();
        this.dataRoom = dataRoom;
        byte[] bytes = device.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ || device.contains("/") || device.contains("%")
                || device.equals(".") || device.equals("..") || device.chars().anyMatch(Character::isWhitespace)) {
            arena.close();
            throw new PortException(name, "'" + device + "' is not a Linux interface name (1 to 15 bytes, no '/',"
                    + " '%' or whitespace); fix ports[].interface");
        }
        this.scratch = arena.allocate(SCRATCH, 64);
        this.rxState = arena.allocate(Linker.Option.captureStateLayout());
        this.txState = arena.allocate(Linker.Option.captureStateLayout());
        int tun = -1;
        try (Arena open = Arena.ofConfined()) {
            MemorySegment state = open.allocate(Linker.Option.captureStateLayout());
            tun = (int) OPEN.invokeExact(state, open.allocateFrom("/dev/net/tun"), O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (tun < 0) {
                int e = errno(state);
                if (e == ENOENT || e == ENODEV || e == ENXIO) {
                    throw new PortException(name, "/dev/net/tun is missing (errno " + e + "); load the tun module"
                            + " (modprobe tun) or, in a container, pass the device (--device /dev/net/tun)");
                }
                if (e == EPERM || e == EACCES) {
                    throw new PortException(name, "opening /dev/net/tun was refused (errno " + e + "); the port"
                            + " needs CAP_NET_ADMIN and access to the device: run as root");
                }
                throw new PortException(name, "opening /dev/net/tun failed: errno " + e);
            }
            MemorySegment ifr = open.allocate(IFREQ_SIZE, 8);
            MemorySegment.copy(bytes, 0, ifr, JAVA_BYTE, 0, bytes.length);
            ifr.set(JAVA_SHORT, IFREQ_FLAGS, (short) (IFF_TAP | IFF_NO_PI));
            int rc = (int) IOCTL.invokeExact(state, tun, TUNSETIFF, ifr);
            if (rc != 0) {
                int e = errno(state);
                throw new PortException(name, switch (e) {
                    case EPERM, EACCES -> "creating or attaching TAP device " + device + " was refused (errno " + e
                            + "); the port needs CAP_NET_ADMIN (or a persistent device owned by this user):"
                            + " run as root";
                    case EINVAL -> "interface " + device + " exists and is not a TAP device without packet"
                            + " information (errno " + e + "); pick another name in ports[].interface or remove"
                            + " it (ip link del " + device + ")";
                    case EBUSY -> "TAP device " + device + " is already attached by another process (errno " + e
                            + "); stop that process or pick another name in ports[].interface";
                    default -> "ioctl TUNSETIFF for TAP device " + device + " failed: errno " + e;
                });
            }
            linkUp(open, state, ifr);
        } catch (PortException e) {
            close(tun);
            arena.close();
            throw e;
        } catch (Throwable t) {
            close(tun);
            arena.close();
            throw new PortException(name, "opening TAP device " + device + " failed: " + t);
        }
        this.fd = tun;
    }

    /** SIOCGIFFLAGS then SIOCSIFFLAGS with IFF_UP, on a throwaway AF_INET datagram socket. */
    private void linkUp(Arena open, MemorySegment state, MemorySegment ifr) throws Throwable {
        int sock = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
            throw new PortException(name, "socket(AF_INET) to bring " + device + " up failed: errno " + errno(state));
        }
        try {
            MemorySegment req = open.allocate(IFREQ_SIZE, 8);
            MemorySegment.copy(ifr, 0, req, 0, IFNAMSIZ); // the name TUNSETIFF returned
            int rc = (int) IOCTL.invokeExact(state, sock, SIOCGIFFLAGS, req);
            if (rc != 0) {
                throw new PortException(name, "reading the flags of " + device + " (SIOCGIFFLAGS) failed: errno "
                        + errno(state));
            }
            short flags = req.get(JAVA_SHORT, IFREQ_FLAGS);
            if ((flags & IFF_UP) == 0) {
                req.set(JAVA_SHORT, IFREQ_FLAGS, (short) (flags | IFF_UP));
                rc = (int) IOCTL.invokeExact(state, sock, SIOCSIFFLAGS, req);
                if (rc != 0) {
                    int e = errno(state);
                    throw new PortException(name, "bringing " + device + " up (SIOCSIFFLAGS) failed: errno " + e
                            + (e == EPERM || e == EACCES ? "; the port needs CAP_NET_ADMIN: run as root" : ""));
                }
            }
        } finally {
            close(sock);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }

    private static void close(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // closing on an error path: nothing more to do
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "tap";
    }

    /** The TAP device this port reads and writes. */
    public String interfaceName() {
        return device;
    }

    /** Frames received into pool buffers so far (RX thread's count). */
    public long received() {
        return received;
    }

    /** Frames dropped because they were longer than the data room. */
    public long oversized() {
        return oversized;
    }

    /** read(2) calls that failed with an error other than EAGAIN (RX thread's count). */
    public long rxErrors() {
        return rxErrors;
    }

    /** Frames written to the device so far. */
    public synchronized long transmitted() {
        return transmitted;
    }

    /** Frames write(2) refused (dropped, their buffers released). */
    public synchronized long txErrors() {
        return txErrors;
    }

    /**
     * Reads frames until the device has none ({@code EAGAIN}) or the burst is full: one
     * {@code read(2)} per frame. Buffers are allocated for the rest of the burst once the first
     * frame is there, and the ones not used are released.
     */
    /** The TAP device's descriptor: readable when the host stack has sent a frame into it. */
    @Override
    public int pollFd() {
        return fd;
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        if (closed || max <= 0) {
            return 0;
        }
        int n = 0;
        int have = 0; // buffers allocated into dst[0 .. have)
        int tooLong = 0;
        try {
            while (n < max) {
                long length = (long) READ.invokeExact(rxState, fd, scratch, (long) SCRATCH);
                if (length < 0) {
                    int e = errno(rxState);
                    if (e != EAGAIN) {
                        rxErrors++;
                    }
                    break;
                }
                if (length == 0) {
                    break;
                }
                if (length > dataRoom) {
                    tooLong++;
                    continue;
                }
                if (n == have) {
                    int got = router.alloc(dst, have, max - have);
                    if (got == 0) {
                        router.countDrops(DropReason.POOL_EMPTY, 1);
                        break; // pool exhausted: this frame is lost, the rest wait in the device queue
                    }
                    have += got;
                }
                int index = dst[n];
                PacketMeta m = meta.wrap(index);
                long data = m.dataAddress();
                int len = (int) length;
                MemorySegment.copy(scratch, 0, region, data, len);
                rxFrames.describe(m, region, data, len);
                n++;
            }
        } catch (Throwable t) {
            throw new IllegalStateException("read on TAP port " + name + " failed", t);
        } finally {
            if (have > n) {
                router.release(dst, n, have - n);
            }
        }
        if (tooLong > 0) {
            router.countDrops(DropReason.MALFORMED, tooLong);
            oversized += tooLong;
        }
        received += n;
        return n;
    }

    /**
     * Writes each frame to the device with one {@code write(2)} and releases all the buffers; a
     * frame the device refuses is counted in {@link #txErrors()} and dropped.
     */
    @Override
    public synchronized int transmit(int[] indices, int offset, int count, Router router) {
        if (closed) {
            return 0;
        }
        PacketMeta m = txMeta;
        int ok = 0;
        try {
            for (int i = 0; i < count; i++) {
                m.wrap(indices[offset + i]);
                int length = m.dataLength();
                if (length <= 0) {
                    txErrors++;
                    continue;
                }
                long written = (long) WRITE.invokeExact(txState, fd, region.asSlice(m.dataAddress(), length),
                        (long) length);
                if (written == length) {
                    ok++;
                } else {
                    txErrors++;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("write on TAP port " + name + " failed", t);
        }
        router.release(indices, offset, count);
        transmitted += ok;
        return count;
    }

    /** Closes the device's file descriptor; a device this port created goes away with it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        close(fd);
        arena.close();
    }
}

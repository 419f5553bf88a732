package org.jnetvm.core.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * poll(2) on a fixed set of file descriptors through the Foreign Function &amp; Memory API: an
 * idle RX thread sleeps in the kernel until one of its sockets is readable, instead of spinning
 * (which takes the CPU from the programs whose traffic it forwards) or parking for a fixed time
 * (which delays the first frame of the next burst). Called only when the thread found no work,
 * never per packet. One instance per thread.
 *
 * <pre>
 *   struct pollfd { int fd @0; short events @4; short revents @6; }   8 bytes, one per descriptor
 * </pre>
 */
public final class Poll implements AutoCloseable {
    private static final short POLLIN = 0x1;
    private static final long POLLFD_BYTES = 8;
    private static final MethodHandle POLL;

    static {
        Linker linker = Linker.nativeLinker();
        POLL = linker.downcallHandle(linker.defaultLookup().find("poll").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds;
    private final int count;

    /** @param fileDescriptors the descriptors to wait on for POLLIN; at least one */
    public Poll(int[] fileDescriptors) {
        if (fileDescriptors.length == 0) {
            throw new IllegalArgumentException("poll needs at least one file descriptor");
        }
        this.count = fileDescriptors.length;
        this.fds = arena.allocate(POLLFD_BYTES * count, 8);
        for (int i = 0; i < count; i++) {
            fds.set(JAVA_INT, i * POLLFD_BYTES, fileDescriptors[i]);
            fds.set(JAVA_SHORT, i * POLLFD_BYTES + 4, POLLIN);
        }
    }

    /**
     * Sleeps until a descriptor is readable or {@code timeoutMillis} passed.
     *
     * @return how many descriptors are ready, 0 on timeout, -1 on error (a signal, a closed descriptor):
     *         the caller simply polls its ports again
     */
    public int await(int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(fds, (long) count, timeoutMillis);
        } catch (Throwable t) {
            throw new IllegalStateException("poll(2) failed", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}

package org.jnetvm.core.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Pins the calling thread to one CPU with sched_setaffinity(2), called through FFM: data-plane
 * threads stay on their core (warm caches, no migrations). Only the calling thread is
 * affected (pid 0 means "this thread" to the kernel).
 */
public final class Affinity {
    private static final int MASK_BYTES = 128; // 1024 CPUs
    private static final MethodHandle SCHED_SETAFFINITY;
    private static final MethodHandle SCHED_GETCPU;

    static {
        Linker linker = Linker.nativeLinker();
        // int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask)
        SCHED_SETAFFINITY = linker.downcallHandle(linker.defaultLookup().find("sched_setaffinity").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));
        // int sched_getcpu(void)
        SCHED_GETCPU = linker.downcallHandle(linker.defaultLookup().find("sched_getcpu").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
    }

    private Affinity() {
    }

    /**
     * Pins the calling thread to {@code cpu}.
     *
     * @throws IllegalArgumentException when the CPU does not exist or is not allowed (errno named)
     */
    public static void pin(int cpu) {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("CPU " + cpu + " is out of range 0.." + (MASK_BYTES * 8 - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) SCHED_SETAFFINITY.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc != 0) {
                int errno = state.get(JAVA_INT, Linker.Option.captureStateLayout().byteOffset(
                        MemoryLayout.PathElement.groupElement("errno")));
                throw new IllegalArgumentException("cannot pin this thread to CPU " + cpu + ": sched_setaffinity errno "
                        + errno + (errno == 22 ? " (EINVAL: no such CPU online, or outside this process's cpuset)" : ""));
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity failed: " + t, t);
        }
    }

    /** The CPU the calling thread runs on now. */
    public static int currentCpu() {
        try {
            return (int) SCHED_GETCPU.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getcpu failed: " + t, t);
        }
    }
}

package org.jnetvm.core.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * futex(2) through the Foreign Function & Memory API: sleep on a 32-bit word in shared
 * memory until another process wakes it. Non-private futexes, so waiter and waker may be in
 * different processes that map the same file (they key on the file page, not the address).
 *
 * <p>Only the sleep and wake paths of the data plane call this, never the per-packet path.
 */
public final class Futex {
    private static final long SYS_FUTEX = 202; // x86-64
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;

    private static final MethodHandle SYSCALL;

    static {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            throw new ExceptionInInitializerError("futex: only x86-64 Linux is supported, this is "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        Linker linker = Linker.nativeLinker();
        SYSCALL = linker.downcallHandle(
                linker.defaultLookup().find("syscall").orElseThrow(),
                // long syscall(long number, int *uaddr, int op, int val, const struct timespec *t, int *uaddr2, int val3)
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(1));
    }

    private Futex() {
    }

    /**
     * A timeout argument for {@link #await}: a {@code struct timespec} allocated once per
     * waiter (in {@code arena}) and rewritten before each wait.
     */
    public static MemorySegment newTimespec(Arena arena) {
        return arena.allocate(16, 8);
    }

    /**
     * Sleeps while the word at {@code word} (a 4-byte slice of shared memory) holds
     * {@code expected}, for at most {@code timeoutNanos}. Returns at once if it already holds
     * something else. Spurious returns are possible: callers re-check their condition.
     *
     * @return 0 when woken, -1 when it returned for another reason (value changed, timeout, signal)
     */
    public static int await(MemorySegment word, int expected, long timeoutNanos, MemorySegment timespec) {
        timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        try {
            return (int) (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAIT, expected, timespec,
                    MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    /** Wakes at most {@code count} sleepers on {@code word}; returns how many were woken. */
    public static int wake(MemorySegment word, int count) {
        try {
            return (int) (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAKE, count, MemorySegment.NULL,
                    MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }
}

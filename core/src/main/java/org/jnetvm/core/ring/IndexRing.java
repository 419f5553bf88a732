package org.jnetvm.core.ring;

/**
 * A bounded FIFO of 32-bit buffer indices in shared memory: how ownership of a packet
 * buffer moves from one thread or process to another.
 *
 * <p>Operations come in DPDK's two flavours and both return how many entries moved:
 * <em>bulk</em> moves all {@code count} entries or none (returns {@code count} or 0);
 * <em>burst</em> moves as many as fit or are there (0..count). None of them allocates,
 * locks or makes a system call. Which threads may call which side depends on the
 * implementation ({@link SpscRing}: one producer and one consumer; {@link MpmcRing}: any).
 */
public interface IndexRing {

    /** Number of slots; a power of two. */
    int capacity();

    /** Enqueues all of {@code src[offset .. offset+count)} or nothing; returns count or 0. */
    int enqueueBulk(int[] src, int offset, int count);

    /** Enqueues as many of {@code src[offset .. offset+count)} as fit, in order; returns how many. */
    int enqueueBurst(int[] src, int offset, int count);

    /** Dequeues exactly {@code count} entries into {@code dst[offset ..]} or none; returns count or 0. */
    int dequeueBulk(int[] dst, int offset, int count);

    /** Dequeues up to {@code count} entries into {@code dst[offset ..]}; returns how many. */
    int dequeueBurst(int[] dst, int offset, int count);

    /**
     * Entries in the ring as seen from the calling thread: exact when no other thread is
     * moving entries, a snapshot otherwise. For statistics and audits, not for control flow.
     */
    int size();
}

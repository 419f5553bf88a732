package org.jnetvm.core.region;

import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolCache;
import org.jnetvm.core.ring.SpscRing;

/**
 * One side of the two-process ring test: sends {@code count} freshly allocated buffers,
 * stamped with increasing sequence numbers, through {@code out}, and receives {@code count}
 * buffers through {@code in}, checking that their stamps arrive in order with none lost or
 * repeated, then frees them. Both sides run the same code, so each process is producer of
 * one ring and consumer of the other.
 */
final class RingPairExchange {
    private static final int BURST = 32;

    record Result(long sent, long received, String error) {
    }

    static Result run(PacketPool pool, SpscRing out, SpscRing in, int sideTag, int peerTag, long count, long deadlineNanos) {
        PacketMeta meta = pool.newMeta();
        int[] pending = new int[BURST];
        int pendingCount = 0;
        int pendingStart = 0;
        int[] received = new int[BURST];
        long sent = 0;
        long got = 0;
        int nextStamp = 0;
        int expectedStamp = 0;
        try (PoolCache cache = pool.newCache()) {
            while ((sent < count || got < count) && System.nanoTime() < deadlineNanos) {
                if (pendingCount == 0 && sent < count) {
                    int n = (int) Math.min(BURST, count - sent);
                    if (cache.alloc(pending, 0, n) == n) {
                        for (int i = 0; i < n; i++) {
                            meta.wrap(pending[i]).owner(sideTag).flowLease(nextStamp++);
                        }
                        pendingCount = n;
                        pendingStart = 0;
                    }
                }
                if (pendingCount > 0) {
                    int n = out.enqueueBurst(pending, pendingStart, pendingCount);
                    pendingStart += n;
                    pendingCount -= n;
                    sent += n;
                }
                int n = in.dequeueBurst(received, 0, BURST);
                for (int i = 0; i < n; i++) {
                    meta.wrap(received[i]);
                    if (meta.owner() != peerTag || meta.flowLease() != expectedStamp) {
                        return new Result(sent, got, "buffer " + received[i] + " carries owner " + meta.owner()
                                + " stamp " + meta.flowLease() + ", expected owner " + peerTag + " stamp " + expectedStamp);
                    }
                    expectedStamp++;
                }
                got += n;
                if (n > 0) {
                    cache.free(received, 0, n);
                }
            }
        }
        String error = sent == count && got == count ? null
                : "timed out after sending " + sent + " and receiving " + got + " of " + count;
        return new Result(sent, got, error);
    }

    private RingPairExchange() {
    }
}

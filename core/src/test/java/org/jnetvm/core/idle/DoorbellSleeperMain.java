package org.jnetvm.core.idle;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.jnetvm.core.ring.SpscRing;

/**
 * Child process of {@link DoorbellTest}: consumes {@code count} indices from the shared
 * ring, polling while they come and sleeping on the doorbell when the ring stays empty.
 * Prints {@code OK received sleeps} or {@code FAIL ...}.
 */
public final class DoorbellSleeperMain {
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = SharedFile.map(path, arena);
            SpscRing ring = SpscRing.attach(s, SharedFile.RING_OFFSET);
            Doorbell doorbell = new Doorbell(s, SharedFile.DOORBELL_OFFSET);
            int[] burst = new int[32];
            long received = 0;
            int expected = 0;
            int emptyPolls = 0;
            while (received < count && System.nanoTime() < deadline) {
                int n = ring.dequeueBurst(burst, 0, burst.length);
                for (int i = 0; i < n; i++) {
                    if (burst[i] != expected++) {
                        System.out.println("FAIL got " + burst[i] + " expected " + (expected - 1));
                        System.exit(1);
                    }
                }
                received += n;
                if (n > 0) {
                    emptyPolls = 0;
                } else if (++emptyPolls > 20_000) {
                    doorbell.sleep(() -> ring.size() > 0, 2_000_000_000L);
                    emptyPolls = 0;
                } else {
                    Thread.onSpinWait();
                }
            }
            System.out.println(received == count ? "OK " + received + " " + doorbell.sleeps() : "FAIL timed out at " + received);
        }
    }

    private DoorbellSleeperMain() {
    }
}

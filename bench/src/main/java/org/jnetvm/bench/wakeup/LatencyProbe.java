package org.jnetvm.bench.wakeup;

import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;

/**
 * The last NF of a benchmark's chain, in the bench's own JVM: records how long each packet has been inside JNetVM
 * (now minus the time its RX thread took it from its port, {@code PacketMeta#timestamp}) and sends it back out of
 * the port it came in by. Recording is HdrHistogram's {@link Recorder}: wait-free and allocation-free on the NF's
 * thread, read in intervals from the bench's.
 */
public final class LatencyProbe implements NetworkFunction {
    /** The probe the manager made last (the bench runs one at a time). */
    public static final AtomicReference<LatencyProbe> LAST = new AtomicReference<>();

    private final Recorder recorder = new Recorder(10_000_000_000L, 3);

    @Override
    public void init(NfContext context) {
        LAST.set(this);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long now = System.nanoTime();
        for (int i = 0; i < burst.size(); i++) {
            var meta = burst.meta(i);
            recorder.recordValue(Math.max(0, now - meta.timestamp()));
            burst.out(i, meta.inputPort());
        }
    }

    /** What was recorded since the last call (the first call: since the start). */
    public Histogram interval() {
        return recorder.getIntervalHistogram();
    }
}

package org.jnetvm.nfs;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints an NF's report every interval from a daemon thread of its own, so the NF's loop
 * thread never scans, sorts, formats or prints: the report reads the NF's counters with
 * opaque loads ({@link NfCounters}, {@link FlowTable}). Started in the NF's {@code init},
 * closed in its {@code stop}, which then prints the final report on the loop thread itself.
 */
final class PeriodicReport implements AutoCloseable {
    private final Thread thread;

    private PeriodicReport(Thread thread) {
        this.thread = thread;
    }

    /** Prints {@code report.get()} to {@code out} every {@code seconds} (none when seconds <= 0). */
    static PeriodicReport start(String name, double seconds, PrintStream out, Supplier<String> report) {
        if (seconds <= 0) {
            return new PeriodicReport(null);
        }
        long nanos = (long) (seconds * 1e9);
        Thread t = Thread.ofPlatform().daemon(true).name(name + "-report").start(() -> {
            long next = System.nanoTime() + nanos;
            while (!Thread.currentThread().isInterrupted()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += nanos;
                out.println(report.get());
            }
        });
        return new PeriodicReport(t);
    }

    /** Stops the reporting thread and waits for it (at most a second). */
    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

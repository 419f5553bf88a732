package org.jnetvm.nfs;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs an NF's periodic side work (printing a report, watching a config file) every interval
 * on a daemon thread of its own, so the NF's loop thread never scans, formats, prints or makes a
 * system call for it: reports read the NF's counters with opaque loads ({@link NfCounters},
 * {@link FlowTable#read}), and what the task hands back to the loop goes through a volatile
 * field. Started in the NF's {@code init}, closed in its {@code stop}.
 */
final class PeriodicTask implements AutoCloseable {
    private final Thread thread;

    private PeriodicTask(Thread thread) {
        this.thread = thread;
    }

    /** Runs {@code task} every {@code seconds} on a thread named {@code name} (never when seconds <= 0). */
    static PeriodicTask start(String name, double seconds, Runnable task) {
        if (seconds <= 0) {
            return new PeriodicTask(null);
        }
        long nanos = (long) (seconds * 1e9);
        Thread t = Thread.ofPlatform().daemon(true).name(name).start(() -> {
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
                task.run();
            }
        });
        return new PeriodicTask(t);
    }

    /** Prints {@code report.get()} to {@code out} every {@code seconds}, on a thread named {@code nf}-report. */
    static PeriodicTask report(String nf, double seconds, PrintStream out, Supplier<String> report) {
        return start(nf + "-report", seconds, () -> out.println(report.get()));
    }

    /** Stops the thread and waits for it (at most a second). */
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

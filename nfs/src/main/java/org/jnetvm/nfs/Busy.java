package org.jnetvm.nfs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.jnetvm.core.msg.Message;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Spends a set CPU time on every packet, then passes it on: an NF of known cost, for the scheduler's tests and
 * benchmarks (NFVnice's evaluation uses NFs of 120, 270 and 550 cycles a packet the same way).
 *
 * <p>The time is the thread's CPU time ({@code CLOCK_THREAD_CPUTIME_ID}), not wall time: a descheduled NF does not
 * count time it did not run, which is what makes cpu shares visible in its throughput. A burst of n packets spins
 * in chunks of a few hundred nanoseconds until its thread has used n × work more CPU time; reading that clock is a
 * system call, one per chunk, which is part of the time spent (this NF exists to spend it). A calibrated loop
 * without the clock was tried first: the JIT's tiers made its cost vary threefold from one run to the next.
 *
 * <p>A message of type {@link #SET_WORK} whose payload is a number of nanoseconds changes the cost while it runs.
 */
@Command(name = "busy", description = "Spends --work nanoseconds of CPU on every packet, then passes it on.")
public final class Busy implements NetworkFunction {
    /** Message type that sets the work per packet; payload: nanoseconds in ASCII. */
    public static final int SET_WORK = 1;
    private static final int CHUNK = 64;

    @Option(names = "--work", defaultValue = "200", paramLabel = "NANOS",
            description = "CPU nanoseconds spent on each packet, 0..1000000 (default ${DEFAULT-VALUE}).")
    long work;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long sink;

    public Busy() {
    }

    public Busy(long workNanos) {
        this.work = workNanos;
    }

    @Override
    public void init(NfContext context) {
        if (work < 0 || work > 1_000_000) {
            throw new IllegalArgumentException("--work " + work + " is out of range 0..1000000 ns");
        }
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot read a thread's CPU time");
        }
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long budget = work * burst.size();
        if (budget == 0) {
            return;
        }
        long end = threads.getCurrentThreadCpuTime() + budget;
        long x = sink;
        do {
            for (int i = 0; i < CHUNK; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L; // dependent multiply-adds: no shortcut
            }
        } while (threads.getCurrentThreadCpuTime() < end);
        sink = x;
    }

    @Override
    public void onMessage(Message message, NfContext context) {
        if (message.type() != SET_WORK) {
            return;
        }
        try {
            long nanos = Long.parseLong(message.payloadString().trim());
            if (nanos >= 0 && nanos <= 1_000_000) {
                work = nanos;
            }
        } catch (NumberFormatException ignored) {
            // not a number: the work stays as it is
        }
    }

    @Override
    public void stop(NfContext context) {
        if (sink == 42) { // keeps the JIT from removing the loop; practically never true
            System.out.print("");
        }
    }
}

package org.jnetvm.core.idle;

import java.util.function.BooleanSupplier;

/**
 * Poll, then sleep on a {@link Doorbell}: how an NF waits for packets without burning a core
 * (Flurries' hybrid polling). While polls keep finding work it never sleeps and makes no
 * system call. After {@link #pollBudget()} empty polls in a row it arms its doorbell and
 * futex-waits until a producer rings it (or the heartbeat timeout passes).
 *
 * <h2>Adapting the polling period</h2>
 * A sleep costs two system calls and a wake-up latency (~10-20 µs here). If the sleep it took
 * was short (woken within {@link #SHORT_SLEEP_NANOS}), polling a little longer would have
 * caught the packet without any of that: the budget doubles. If the sleep was long (over
 * {@link #LONG_SLEEP_NANOS}), traffic really stopped and the polls before it were wasted CPU:
 * the budget halves. So a steady trickle of packets keeps the NF polling, and silence puts it
 * to sleep quickly (Open vSwitch's pmd-sleep and Snabb's breaths adapt the same way).
 *
 * <p>Polls after the first {@link #SPINS} yield the CPU, so that on a machine with fewer
 * cores than NFs a polling NF hands its core to one that has work.
 *
 * <h2>Hosted NFs</h2>
 * An NF of an NF host ({@link #hosted}) is one of hundreds or thousands of virtual threads on a
 * few carriers: a poll it makes after its ring went empty is a yield that puts every other NF of
 * the host behind it, and a sleep costs a park and an unpark, not system calls. So it polls
 * {@link #HOSTED_POLLS} times and sleeps, with no adapting (polling longer after short sleeps,
 * right for an NF with a core of its own, made a host of 100 NFs at 50 kpps burn 1.7 cores in
 * yields: {@code bench wakeup}).
 *
 * <p>Woken by its timeout rather than by a producer, it looks round once and sleeps again without
 * polling: 10,000 hosted NFs waking each 10 s for nothing made a thousand wake-ups a second, eight
 * yields each, 13 % of a core.
 *
 * <p>Not thread-safe: one NF loop owns it.
 */
public final class HybridIdle {
    public static final int SPINS = 64;
    public static final int MIN_BUDGET = 128;
    public static final int MAX_BUDGET = 1 << 16;
    public static final long SHORT_SLEEP_NANOS = 50_000;
    public static final long LONG_SLEEP_NANOS = 1_000_000;

    private final Doorbell doorbell;
    private final BooleanSupplier hasWork;
    private final long sleepTimeoutNanos;
    /** Empty polls, each a yield, before a hosted NF sleeps. */
    public static final int HOSTED_POLLS = 8;

    private final int spins;
    private final boolean adapts;
    private int budget;
    private int emptyPolls;
    private long sleeps;

    /**
     * @param hasWork           whether the ring has packets (checked after arming the doorbell)
     * @param sleepTimeoutNanos longest sleep, so that the loop can beat its heartbeat
     */
    public HybridIdle(Doorbell doorbell, BooleanSupplier hasWork, long sleepTimeoutNanos) {
        this(doorbell, hasWork, sleepTimeoutNanos, SPINS, 1024, true);
    }

    private HybridIdle(Doorbell doorbell, BooleanSupplier hasWork, long sleepTimeoutNanos, int spins, int budget,
                       boolean adapts) {
        this.doorbell = doorbell;
        this.hasWork = hasWork;
        this.sleepTimeoutNanos = sleepTimeoutNanos;
        this.spins = spins;
        this.budget = budget;
        this.adapts = adapts;
    }

    /** The idle of an NF in an NF host: {@link #HOSTED_POLLS} yields, then sleep; no spinning, no adapting. */
    public static HybridIdle hosted(Doorbell doorbell, BooleanSupplier hasWork, long sleepTimeoutNanos) {
        return new HybridIdle(doorbell, hasWork, sleepTimeoutNanos, 0, HOSTED_POLLS, false);
    }

    /**
     * Call after every poll with how much it found.
     *
     * @return true if it slept
     */
    public boolean idle(int work) {
        if (work > 0) {
            emptyPolls = 0;
            return false;
        }
        if (++emptyPolls <= spins) {
            Thread.onSpinWait();
            return false;
        }
        if (emptyPolls < budget) {
            Thread.yield();
            return false;
        }
        emptyPolls = 0;
        long start = System.nanoTime();
        if (!doorbell.sleep(hasWork, sleepTimeoutNanos)) {
            return false;
        }
        sleeps++;
        long slept = System.nanoTime() - start;
        if (adapts) {
            adapt(slept);
        }
        if (slept >= sleepTimeoutNanos) {
            emptyPolls = budget - 1; // its timeout woke it, not a producer: one look round, then back to sleep
        }
        return true;
    }

    // The policy, apart from the clock: short sleeps double the budget, long ones halve it.
    void adapt(long sleptNanos) {
        if (sleptNanos < SHORT_SLEEP_NANOS) {
            budget = Math.min(budget << 1, MAX_BUDGET);
        } else if (sleptNanos > LONG_SLEEP_NANOS) {
            budget = Math.max(budget >> 1, MIN_BUDGET);
        }
    }

    /** Empty polls before the next sleep. */
    public int pollBudget() {
        return budget;
    }

    public long sleeps() {
        return sleeps;
    }
}

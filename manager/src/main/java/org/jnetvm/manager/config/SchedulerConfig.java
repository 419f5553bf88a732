package org.jnetvm.manager.config;

/**
 * NFVnice's scheduling ({@code scheduler:}): CPU shares in proportion to each NF's load times its cost, written to
 * its cgroup, and chain-aware backpressure.
 *
 * @param shares        {@code auto} (shares where a writable cpu controller exists, else a log line and none),
 *                      {@code required} (refuse to start without one) or {@code disabled}
 * @param periodMs      how often shares are computed and written, 1..1000 ms
 * @param backpressure  drop (or ECN-mark) at chain entry the packets of a chain whose NF is overloaded
 * @param highWatermark % of an NF's rx ring above which the chains that feed it are throttled
 * @param lowWatermark  % under which they are admitted again
 * @param ecn           mark ECN-capable packets CE instead of dropping them
 * @param localRetryUs  how long an NF retries a full next hop before it drops, 0..10000 µs (0: at once)
 */
public record SchedulerConfig(SharesMode shares, int periodMs, boolean backpressure, int highWatermark,
                              int lowWatermark, boolean ecn, int localRetryUs) {

    /** Whether the manager writes cpu shares. Not on/off: YAML would read those as booleans. */
    public enum SharesMode implements ConfigWord {
        /** Where the cpu controller can be written; otherwise one log line, and none. */
        AUTO,
        /** A writable cpu controller or no start. */
        REQUIRED,
        /** Never. */
        DISABLED
    }

    /** What an absent {@code scheduler:} key, or an absent key inside it, means. */
    static final SchedulerConfig DEFAULTS = new SchedulerConfig(SharesMode.AUTO, 10, true, 80, 60, false, 20);

    /** This config without backpressure (benchmarks and tests that measure raw ring behaviour). */
    public SchedulerConfig withoutBackpressure() {
        return new SchedulerConfig(shares, periodMs, false, highWatermark, lowWatermark, ecn, localRetryUs);
    }
}

package org.jnetvm.core.flow;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.jnetvm.core.flow.FlowTableDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.util.Align;

/**
 * The flow director's table in shared memory ({@link FlowTableDescriptor}): rules, and an
 * exact-match cache of flows (open addressing, linear probing from the flow hash's home slot,
 * at most {@link FlowTableDescriptor#MAX_PROBE} slots).
 *
 * <h2>Who writes what</h2>
 * <ul>
 *   <li>Rules: the manager only (one thread at a time), under a seqlock: the version goes odd,
 *       the rules are written, the version goes even with release. Readers decode the rules
 *       only when the version they last saw changed, and retry if it moved while they read.</li>
 *   <li>Entries: any process: RX threads insert the result of the rules for a new flow, NFs and
 *       the manager steer a flow, the manager ages flows out. Each entry's state word is a
 *       seqlock and a lock in one: a writer CASes it from EMPTY, FREE or LIVE to BUSY (version
 *       + 1), writes the fields, and release-stores LIVE or FREE. A reader loads the state with
 *       acquire, reads the fields, and re-reads the state after a load fence; if it changed the
 *       read is void (the packet takes the rules, as on a miss). No reader ever waits on a writer.</li>
 *   <li>A writer that died holding BUSY is recovered by the ager: an entry BUSY with the same
 *       state on two consecutive passes is freed.</li>
 * </ul>
 * Inserts walk the whole probe window first (to find the flow's entry if it exists), then CAS
 * the first free slot they saw; two inserters of one flow meet on that slot and the loser
 * finds the winner's entry. FREE slots (aged entries) are reused, never turned back to EMPTY,
 * so probe chains never break under a concurrent reader.
 *
 * <p>Nothing here allocates except {@link #rules()} and the manager-side methods.
 */
public final class FlowTable {
    /** What {@link #lookup} returns when the flow has no (current) entry. No target is -1. */
    public static final int MISS = -1;

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    /** A writer holds an entry BUSY for a dozen stores; longer only if it was descheduled: spin, then yield. */
    private static final int BUSY_SPINS = 256;
    private static final int BUSY_YIELDS = 10_000;
    /**
     * Walks of the probe window a write may take when other writers keep changing the flow's slot:
     * the first ones after a spin, the rest after a yield. Backing off matters: a writer that
     * rewrites one flow in a loop owns the cache line and wins every race against one that only
     * spins (CI saw a thousand losses in a row on two cores), so the loser gives up its core and
     * lands in a gap between the other's writes.
     */
    private static final int LOST_RACE_SPINS = 64;
    private static final int MAX_ATTEMPTS = LOST_RACE_SPINS + 10_000;

    private final MemorySegment segment;
    private final long base;
    private final long entries;
    private final int capacity;
    private final int mask;
    private final int ruleCapacity;
    private int[] busySeen; // manager's ager only

    /** A view on {@code region}'s FLOWS area (formatted by {@link FlowArea} when the region was made). */
    public FlowTable(Region region) {
        this(region.segment(), region.layout().area(AreaKind.FLOWS).offset(), region.layout().flowEntries(),
                region.layout().flowRules());
    }

    /**
     * A table of {@code capacity} entries and no rules in memory of its own (zeroed: every entry EMPTY), for one
     * process's threads: the manager's table of per-flow bindings ({@code PerFlowPools}).
     */
    public static FlowTable allocate(java.lang.foreign.Arena arena, int capacity) {
        MemorySegment segment = arena.allocate(FlowTableDescriptor.length(capacity, 0), Align.CACHE_LINE);
        segment.set(JAVA_INT, ENTRY_CAPACITY_OFFSET, capacity);
        return new FlowTable(segment, 0, capacity, 0);
    }

    private FlowTable(MemorySegment segment, long base, int capacity, int ruleCapacity) {
        this.segment = segment;
        this.base = base;
        this.capacity = capacity;
        this.ruleCapacity = ruleCapacity;
        this.mask = capacity - 1;
        this.entries = base + entriesOffset(ruleCapacity);
        if (!Align.isPowerOfTwo(capacity)) {
            throw new IllegalStateException("flow entries " + capacity + " is not a power of two");
        }
    }

    public int entryCapacity() {
        return capacity;
    }

    public int ruleCapacity() {
        return ruleCapacity;
    }

    // ---------------------------------------------------------------- rules

    /** Even; changes whenever the rules do. Acquire: what it publishes is visible after. */
    public int rulesVersion() {
        return (int) INT.getAcquire(segment, base + RULES_VERSION_OFFSET);
    }

    public int ruleCount() {
        return (int) INT.getAcquire(segment, base + RULE_COUNT_OFFSET);
    }

    /**
     * Manager only, one thread at a time: replaces the rules with {@code sorted} (highest
     * priority first; the caller has checked them). Entries derived from the old rules become
     * stale and are recomputed on their flow's next packet.
     */
    public void writeRules(FlowRule[] sorted) {
        if (sorted.length > ruleCapacity) {
            throw new FlowRuleException("rules", "the flow table holds " + ruleCapacity + " rules; "
                    + sorted.length + " asked (raise flows.maxRules in the config)");
        }
        int version = (int) INT.getAcquire(segment, base + RULES_VERSION_OFFSET);
        INT.setVolatile(segment, base + RULES_VERSION_OFFSET, version + 1); // odd: readers retry
        for (int i = 0; i < sorted.length; i++) {
            FlowRule r = sorted[i];
            long at = base + HEADER_LENGTH + (long) i * RULE_STRIDE;
            segment.set(JAVA_INT, at + RULE_ID, r.id());
            segment.set(JAVA_INT, at + RULE_PRIORITY, r.priority());
            segment.set(JAVA_INT, at + RULE_TARGET, r.target());
            segment.set(JAVA_INT, at + RULE_FAMILY, r.family());
            segment.set(JAVA_INT, at + RULE_PROTOCOL, r.protocol());
            segment.set(JAVA_INT, at + RULE_SRC_LENGTH, r.srcLength());
            segment.set(JAVA_INT, at + RULE_DST_LENGTH, r.dstLength());
            segment.set(JAVA_SHORT, at + RULE_SRC_PORT_LOW, (short) r.srcPortLow());
            segment.set(JAVA_SHORT, at + RULE_SRC_PORT_HIGH, (short) r.srcPortHigh());
            segment.set(JAVA_SHORT, at + RULE_DST_PORT_LOW, (short) r.dstPortLow());
            segment.set(JAVA_SHORT, at + RULE_DST_PORT_HIGH, (short) r.dstPortHigh());
            segment.set(JAVA_LONG, at + RULE_SRC_HI, r.srcHi());
            segment.set(JAVA_LONG, at + RULE_SRC_LO, r.srcLo());
            segment.set(JAVA_LONG, at + RULE_DST_HI, r.dstHi());
            segment.set(JAVA_LONG, at + RULE_DST_LO, r.dstLo());
        }
        segment.set(JAVA_INT, base + RULE_COUNT_OFFSET, sorted.length);
        INT.setRelease(segment, base + RULES_VERSION_OFFSET, version + 2);
    }

    /**
     * Decodes the rules (allocates: call when {@link #rulesVersion} changed), or null if the
     * manager was rewriting them; the caller keeps its old copy and tries on its next miss.
     */
    public FlowRule[] rules() {
        int version = rulesVersion();
        if ((version & 1) != 0) {
            return null;
        }
        int count = Math.min(segment.get(JAVA_INT, base + RULE_COUNT_OFFSET), ruleCapacity);
        FlowRule[] rules = new FlowRule[count];
        try {
            for (int i = 0; i < count; i++) {
                long at = base + HEADER_LENGTH + (long) i * RULE_STRIDE;
                rules[i] = new FlowRule(segment.get(JAVA_INT, at + RULE_ID), segment.get(JAVA_INT, at + RULE_PRIORITY),
                        segment.get(JAVA_INT, at + RULE_FAMILY), segment.get(JAVA_INT, at + RULE_PROTOCOL),
                        segment.get(JAVA_LONG, at + RULE_SRC_HI), segment.get(JAVA_LONG, at + RULE_SRC_LO),
                        segment.get(JAVA_INT, at + RULE_SRC_LENGTH),
                        segment.get(JAVA_LONG, at + RULE_DST_HI), segment.get(JAVA_LONG, at + RULE_DST_LO),
                        segment.get(JAVA_INT, at + RULE_DST_LENGTH),
                        segment.get(JAVA_SHORT, at + RULE_SRC_PORT_LOW) & 0xFFFF,
                        segment.get(JAVA_SHORT, at + RULE_SRC_PORT_HIGH) & 0xFFFF,
                        segment.get(JAVA_SHORT, at + RULE_DST_PORT_LOW) & 0xFFFF,
                        segment.get(JAVA_SHORT, at + RULE_DST_PORT_HIGH) & 0xFFFF,
                        segment.get(JAVA_INT, at + RULE_TARGET));
            }
        } catch (IllegalArgumentException torn) {
            return null; // read while the manager rewrote them: the version check below says so too
        }
        VarHandle.loadLoadFence();
        return rulesVersion() == version ? rules : null;
    }

    // ---------------------------------------------------------------- entries

    /** {@code ms} milliseconds in ticks, at least one: idle timeouts against {@link #lastSeen}. */
    public static long ticks(long ms) {
        return Math.max(1, (ms * 1_000_000L) >> TICK_SHIFT);
    }

    /** The current tick for {@link #lookup} and friends (about 1 ms; vDSO clock, no system call). */
    public static long tick() {
        return System.nanoTime() >> TICK_SHIFT;
    }

    /**
     * The target of {@code t}'s entry, or {@link #MISS} if it has none, or one derived from
     * rules other than {@code rulesVersion}, or one being rewritten right now. Marks the entry
     * seen at {@code tick}. Any thread, any process; no allocation, no wait.
     */
    public int lookup(FiveTuple t, int hash, int rulesVersion, long tick) {
        long found = probe(t, hash, tick, rulesVersion, false);
        return found < 0 ? MISS : (int) found;
    }

    /**
     * {@code t}'s live entry as {@code index << 32 | target}, whatever its origin, or -1 if it has none or one being
     * rewritten right now. Marks the entry seen at {@code tick}. Any thread, any process; no allocation, no wait.
     */
    public long find(FiveTuple t, int hash, long tick) {
        return probe(t, hash, tick, 0, true);
    }

    // The flow's entry as index << 32 | target, its target and origin read under the entry's seqlock; -1 if none, if
    // being rewritten, or (unless anyOrigin) derived from other rules than rulesVersion.
    private long probe(FiveTuple t, int hash, long tick, int rulesVersion, boolean anyOrigin) {
        long key = keyWord(t);
        int i = hash & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
            long e = entries + (long) i * ENTRY_STRIDE;
            int state = (int) INT.getAcquire(segment, e + ENTRY_STATE);
            int status = state & STATUS_MASK;
            if (status == STATUS_EMPTY) {
                return -1;
            }
            if (status != STATUS_LIVE || segment.get(JAVA_INT, e + ENTRY_HASH) != hash) {
                continue;
            }
            boolean same = sameKey(e, key, t);
            int target = segment.get(JAVA_INT, e + ENTRY_TARGET);
            int origin = segment.get(JAVA_INT, e + ENTRY_ORIGIN);
            VarHandle.loadLoadFence();
            if ((int) INT.getVolatile(segment, e + ENTRY_STATE) != state) {
                return -1; // rewritten under us
            }
            if (!same) {
                continue;
            }
            if (segment.get(JAVA_LONG, e + ENTRY_LAST_SEEN) != tick) {
                LONG.setOpaque(segment, e + ENTRY_LAST_SEEN, tick); // at most once per tick per flow
            }
            if (!anyOrigin && origin != ORIGIN_STEERED && origin != rulesVersion) {
                return -1;
            }
            return (long) i << 32 | (target & 0xFFFF_FFFFL);
        }
        return -1;
    }

    /**
     * Writes {@code t}'s entry: inserts it, or, if the flow has one, rewrites it when
     * {@code overwrite} is set or the entry came from other rules than {@code origin}. Returns
     * the slot, or -1 if no slot within {@link FlowTableDescriptor#MAX_PROBE} of the home slot is
     * free (counted as full). Any thread, any process; no allocation.
     *
     * @param origin the rules version the target was derived from, or {@link FlowTableDescriptor#ORIGIN_STEERED}
     */
    public int put(FiveTuple t, int hash, int target, int origin, boolean overwrite, long tick) {
        long written = write(t, hash, target, origin, overwrite, tick);
        return written < 0 ? -1 : (int) (written >>> 32);
    }

    /**
     * Inserts {@code t}'s entry with {@code target} (steered: never stale) unless the flow has one. Returns the
     * flow's entry as {@code index << 32 | target}, the target being the one already there if another writer
     * inserted the flow first, or -1 if there is no room (counted as full). Any thread; no allocation.
     */
    public long putIfAbsent(FiveTuple t, int hash, int target, long tick) {
        return write(t, hash, target, ORIGIN_STEERED, false, tick);
    }

    private long write(FiveTuple t, int hash, int target, int origin, boolean overwrite, long tick) {
        long key = keyWord(t);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (attempt > LOST_RACE_SPINS) {
                Thread.yield(); // lost many races for this flow's slot in a row: let the other writer finish
            } else if (attempt > 0) {
                Thread.onSpinWait(); // lost a race for this flow's slot to another writer: look again
            }
            int free = -1;
            int freeState = 0;
            int i = hash & mask;
            int result = Integer.MIN_VALUE;
            for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
                long e = entries + (long) i * ENTRY_STRIDE;
                int state = waitNotBusy(e);
                int status = state & STATUS_MASK;
                if (status == STATUS_EMPTY || status == STATUS_FREE) {
                    if (free < 0) {
                        free = i;
                        freeState = state;
                    }
                    if (status == STATUS_EMPTY) {
                        break;
                    }
                    continue;
                }
                if (status != STATUS_LIVE || segment.get(JAVA_INT, e + ENTRY_HASH) != hash) {
                    continue;
                }
                boolean same = sameKey(e, key, t);
                int oldOrigin = segment.get(JAVA_INT, e + ENTRY_ORIGIN);
                int oldTarget = segment.get(JAVA_INT, e + ENTRY_TARGET);
                VarHandle.loadLoadFence();
                if ((int) INT.getVolatile(segment, e + ENTRY_STATE) != state) {
                    result = Integer.MAX_VALUE; // changed under us: start again
                    break;
                }
                if (!same) {
                    continue;
                }
                if (!overwrite && (oldOrigin == ORIGIN_STEERED || oldOrigin == origin)) {
                    return (long) i << 32 | (oldTarget & 0xFFFF_FFFFL); // already there
                }
                if (!INT.compareAndSet(segment, e + ENTRY_STATE, state, busy(state))) {
                    result = Integer.MAX_VALUE;
                    break;
                }
                segment.set(JAVA_INT, e + ENTRY_TARGET, target);
                segment.set(JAVA_INT, e + ENTRY_ORIGIN, origin);
                segment.set(JAVA_LONG, e + ENTRY_LAST_SEEN, tick);
                INT.setRelease(segment, e + ENTRY_STATE, next(state, STATUS_LIVE));
                return (long) i << 32 | (target & 0xFFFF_FFFFL);
            }
            if (result == Integer.MAX_VALUE) {
                continue;
            }
            if (free < 0) {
                add(FULL_OFFSET, 1);
                return -1;
            }
            long e = entries + (long) free * ENTRY_STRIDE;
            if (!INT.compareAndSet(segment, e + ENTRY_STATE, freeState, busy(freeState))) {
                continue; // another writer took it: look again (it may be this flow's entry now)
            }
            segment.set(JAVA_INT, e + ENTRY_HASH, hash);
            segment.set(JAVA_INT, e + ENTRY_TARGET, target);
            segment.set(JAVA_INT, e + ENTRY_ORIGIN, origin);
            segment.set(JAVA_LONG, e + ENTRY_KEY, key);
            segment.set(JAVA_LONG, e + ENTRY_SRC_HI, t.srcHi());
            segment.set(JAVA_LONG, e + ENTRY_SRC_LO, t.srcLo());
            segment.set(JAVA_LONG, e + ENTRY_DST_HI, t.dstHi());
            segment.set(JAVA_LONG, e + ENTRY_DST_LO, t.dstLo());
            segment.set(JAVA_LONG, e + ENTRY_LAST_SEEN, tick);
            INT.setRelease(segment, e + ENTRY_STATE, next(freeState, STATUS_LIVE));
            add(LIVE_OFFSET, 1);
            add(INSERTED_OFFSET, 1);
            return (long) free << 32 | (target & 0xFFFF_FFFFL);
        }
        add(FULL_OFFSET, 1); // ten thousand lost races in a row (a writer storm on one flow): give up, as no room
        return -1;
    }

    /**
     * Steers {@code t} for the rest of the flow: its packets get {@code target} at entry, whatever
     * the rules say. Returns false if the table had no room (counted as full). Any thread, any process.
     */
    public boolean steer(FiveTuple t, int hash, int target) {
        if (put(t, hash, target, ORIGIN_STEERED, true, tick()) < 0) {
            return false;
        }
        add(STEERED_OFFSET, 1);
        return true;
    }

    /** When entry {@code index} was last seen, in {@link #tick} units. */
    public long lastSeen(int index) {
        return (long) LONG.getOpaque(segment, entries + (long) index * ENTRY_STRIDE + ENTRY_LAST_SEEN);
    }

    /**
     * Frees entry {@code index} if it is live with {@code target} (counted as aged): for the owner of entries that
     * ends them itself, one thread. Returns false if the entry holds something else now.
     */
    public boolean free(int index, int target) {
        long e = entries + (long) index * ENTRY_STRIDE;
        int state = (int) INT.getAcquire(segment, e + ENTRY_STATE);
        if ((state & STATUS_MASK) != STATUS_LIVE || segment.get(JAVA_INT, e + ENTRY_TARGET) != target
                || !INT.compareAndSet(segment, e + ENTRY_STATE, state, next(state, STATUS_FREE))) {
            return false;
        }
        add(LIVE_OFFSET, -1);
        add(AGED_OFFSET, 1);
        return true;
    }

    /**
     * Manager only, one thread: frees every entry not seen for {@code idleTicks} ticks, and any
     * entry a dead writer left BUSY since the previous pass. Returns the entries aged out.
     */
    public int age(long tick, long idleTicks) {
        if (busySeen == null) {
            busySeen = new int[capacity];
        }
        int aged = 0;
        for (int i = 0; i < capacity; i++) {
            long e = entries + (long) i * ENTRY_STRIDE;
            int state = (int) INT.getAcquire(segment, e + ENTRY_STATE);
            int status = state & STATUS_MASK;
            if (status == STATUS_BUSY) {
                // Whether the dead writer was inserting or rewriting is unknown: live may stay one too high.
                if (busySeen[i] == state) {
                    INT.compareAndSet(segment, e + ENTRY_STATE, state, next(state, STATUS_FREE));
                }
                busySeen[i] = state;
                continue;
            }
            busySeen[i] = 0;
            if (status == STATUS_LIVE && tick - (long) LONG.getOpaque(segment, e + ENTRY_LAST_SEEN) > idleTicks
                    && INT.compareAndSet(segment, e + ENTRY_STATE, state, next(state, STATUS_FREE))) {
                aged++;
            }
        }
        if (aged > 0) {
            add(LIVE_OFFSET, -aged);
            add(AGED_OFFSET, aged);
        }
        return aged;
    }

    /** Manager only: frees every entry (rules stay). Returns how many were live. */
    public int clearEntries() {
        return (int) Math.min(Integer.MAX_VALUE, age(Long.MAX_VALUE / 2, -1));
    }

    public long live() { return (long) LONG.getVolatile(segment, base + LIVE_OFFSET); }
    public long inserted() { return (long) LONG.getVolatile(segment, base + INSERTED_OFFSET); }
    public long aged() { return (long) LONG.getVolatile(segment, base + AGED_OFFSET); }
    public long full() { return (long) LONG.getVolatile(segment, base + FULL_OFFSET); }
    public long steered() { return (long) LONG.getVolatile(segment, base + STEERED_OFFSET); }

    /** True if the director has anything to say: rules or entries. RX threads check it once per burst. */
    public boolean active() {
        return (int) INT.getOpaque(segment, base + RULE_COUNT_OFFSET) > 0
                || (long) LONG.getOpaque(segment, base + LIVE_OFFSET) > 0;
    }

    private int waitNotBusy(long e) {
        int state = (int) INT.getAcquire(segment, e + ENTRY_STATE);
        for (int spin = 0; (state & STATUS_MASK) == STATUS_BUSY && spin < BUSY_SPINS + BUSY_YIELDS; spin++) {
            if (spin < BUSY_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // writers only: the other writer lost its core mid-write
            }
            state = (int) INT.getAcquire(segment, e + ENTRY_STATE);
        }
        // Still BUSY: a writer that died mid-write; treated as taken until the ager frees it.
        return state;
    }

    private boolean sameKey(long e, long key, FiveTuple t) {
        return segment.get(JAVA_LONG, e + ENTRY_KEY) == key
                && segment.get(JAVA_LONG, e + ENTRY_SRC_LO) == t.srcLo()
                && segment.get(JAVA_LONG, e + ENTRY_DST_LO) == t.dstLo()
                && segment.get(JAVA_LONG, e + ENTRY_SRC_HI) == t.srcHi()
                && segment.get(JAVA_LONG, e + ENTRY_DST_HI) == t.dstHi();
    }

    private void add(int offset, long delta) {
        LONG.getAndAdd(segment, base + offset, delta);
    }

    static long keyWord(FiveTuple t) {
        return (t.family() & 0xFF) | (long) (t.protocol() & 0xFF) << 8 | (long) t.srcPort() << 32
                | (long) t.dstPort() << 48;
    }

    private static int busy(int state) {
        return next(state, STATUS_BUSY);
    }

    private static int next(int state, int status) {
        return ((state >>> 2) + 1) << 2 | status;
    }
}

package org.jnetvm.core.flow;

import org.jnetvm.core.util.Align;

/**
 * Layout of the region's FLOWS area: the flow director's rules and its exact-match cache of
 * flows. {@link FlowTable} is the only code that reads or writes it.
 *
 * <pre>
 *   header (256 B)
 *   0    rules version   int    seqlock: odd while the manager rewrites the rules, +2 per change
 *   4    rule count      int    rules in use, sorted by priority (highest first)
 *   8    entry capacity  int    a power of two (copied from the region header, for tools)
 *   12   rule capacity   int
 *   16   (reserved up to 128)
 *   128  live entries    long   counters: atomic adds by whoever inserts or ages an entry
 *   136  inserted        long      (rare events: once per flow, never per packet)
 *   144  aged            long
 *   152  full            long   inserts refused: no free slot within MAX_PROBE of the home slot
 *   160  steered         long   entries written by NFs or the manager (not derived from rules)
 *   168  (reserved up to 256)
 *
 *   rules: ruleCapacity x 128 B, at 256
 *   +0 id int | +4 priority int | +8 target int | +12 family int (0 any, 4, 6)
 *   +16 protocol int (-1 any) | +20 src prefix length int | +24 dst prefix length int
 *   +28 src port low u16 | +30 src port high u16 | +32 dst port low u16 | +34 dst port high u16
 *   +40 src hi long | +48 src lo long | +56 dst hi long | +64 dst lo long | (reserved up to 128)
 *
 *   entries: entryCapacity x 64 B (one cache line each), at {@link #entriesOffset}
 *   +0  state int: version &lt;&lt; 2 | status (EMPTY 0, BUSY 1, LIVE 2, FREE 3)
 *   +4  flow hash int | +8 target int | +12 origin int (rules version it came from, or STEERED)
 *   +16 key word long: family | protocol &lt;&lt; 8 | src port &lt;&lt; 32 | dst port &lt;&lt; 48
 *   +24 src hi long | +32 src lo long | +40 dst hi long | +48 dst lo long
 *   +56 last seen long: System.nanoTime() &gt;&gt; {@link #TICK_SHIFT} (about 1 ms units)
 * </pre>
 */
public final class FlowTableDescriptor {
    public static final int RULES_VERSION_OFFSET = 0;
    public static final int RULE_COUNT_OFFSET = 4;
    public static final int ENTRY_CAPACITY_OFFSET = 8;
    public static final int RULE_CAPACITY_OFFSET = 12;
    public static final int LIVE_OFFSET = 128;
    public static final int INSERTED_OFFSET = 136;
    public static final int AGED_OFFSET = 144;
    public static final int FULL_OFFSET = 152;
    public static final int STEERED_OFFSET = 160;
    public static final int HEADER_LENGTH = 256;

    public static final int RULE_STRIDE = 128;
    public static final int RULE_ID = 0;
    public static final int RULE_PRIORITY = 4;
    public static final int RULE_TARGET = 8;
    public static final int RULE_FAMILY = 12;
    public static final int RULE_PROTOCOL = 16;
    public static final int RULE_SRC_LENGTH = 20;
    public static final int RULE_DST_LENGTH = 24;
    public static final int RULE_SRC_PORT_LOW = 28;
    public static final int RULE_SRC_PORT_HIGH = 30;
    public static final int RULE_DST_PORT_LOW = 32;
    public static final int RULE_DST_PORT_HIGH = 34;
    public static final int RULE_SRC_HI = 40;
    public static final int RULE_SRC_LO = 48;
    public static final int RULE_DST_HI = 56;
    public static final int RULE_DST_LO = 64;

    public static final int ENTRY_STRIDE = 64;
    public static final int ENTRY_STATE = 0;
    public static final int ENTRY_HASH = 4;
    public static final int ENTRY_TARGET = 8;
    public static final int ENTRY_ORIGIN = 12;
    public static final int ENTRY_KEY = 16;
    public static final int ENTRY_SRC_HI = 24;
    public static final int ENTRY_SRC_LO = 32;
    public static final int ENTRY_DST_HI = 40;
    public static final int ENTRY_DST_LO = 48;
    public static final int ENTRY_LAST_SEEN = 56;

    public static final int STATUS_EMPTY = 0;
    public static final int STATUS_BUSY = 1;
    public static final int STATUS_LIVE = 2;
    public static final int STATUS_FREE = 3;
    public static final int STATUS_MASK = 3;

    /** Origin of an entry an NF or the manager wrote: never stale when the rules change. */
    public static final int ORIGIN_STEERED = -1;
    /** Slots an insert or lookup examines from the flow's home slot: bounds the work per packet. */
    public static final int MAX_PROBE = 32;
    /** last seen = nanoTime &gt;&gt; 20: a tick of 1.048576 ms. */
    public static final int TICK_SHIFT = 20;

    private FlowTableDescriptor() {
    }

    public static long entriesOffset(int ruleCapacity) {
        return Align.up(HEADER_LENGTH + (long) ruleCapacity * RULE_STRIDE, Align.FALSE_SHARING_PAD);
    }

    public static long length(int entryCapacity, int ruleCapacity) {
        return entriesOffset(ruleCapacity) + (long) entryCapacity * ENTRY_STRIDE;
    }
}

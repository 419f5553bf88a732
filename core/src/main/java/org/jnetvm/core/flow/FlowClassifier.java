package org.jnetvm.core.flow;

import java.lang.foreign.MemorySegment;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.PacketParser;

/**
 * One RX thread's view of the flow director: for each packet, the target of its flow's
 * exact-match entry (one hash probe); on a miss, the first rule that matches (highest priority
 * first), cached as an entry so the flow's next packets take the probe; else
 * {@link FlowTarget#DEFAULT}.
 *
 * <p>Per burst ({@link #beginBurst}): one check that the director has rules or entries at all
 * (if not, the caller skips it and stamps the default chain, as before the director existed),
 * the clock, and the rules version (the rules are decoded again only when it changed). Per
 * packet: a parse of the headers to get the 5-tuple, and the probe. No allocation (except a
 * rules decode when they changed), no lock, no system call.
 *
 * <p>Not thread-safe: one per RX thread.
 */
public final class FlowClassifier {
    private final FlowTable table;
    private final MemorySegment segment;
    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();
    private FlowRule[] rules = new FlowRule[0];
    private int rulesVersion = -1;
    private long tick;

    public FlowClassifier(FlowTable table, MemorySegment segment) {
        this.table = table;
        this.segment = segment;
    }

    /** Call once per burst; false means the director is empty and every packet takes the default chain. */
    public boolean beginBurst() {
        if (!table.active()) {
            return false;
        }
        tick = FlowTable.tick();
        int version = table.rulesVersion();
        if (version != rulesVersion) {
            FlowRule[] decoded = table.rules();
            if (decoded != null) {
                rules = decoded;
                rulesVersion = version;
            }
        }
        return true;
    }

    /** The {@link FlowTarget} of the packet {@code m} is wrapped on. */
    public int classify(PacketMeta m) {
        boolean hashed = (m.flags() & PacketMeta.FLAG_HASH_VALID) != 0;
        if (!parse(m)) {
            return ruleTarget(); // not IP: only catch-all rules apply, and there is no flow to cache
        }
        if (!hashed) {
            return ruleTarget();
        }
        int hash = m.flowHash();
        int target = table.lookup(tuple, hash, rulesVersion, tick);
        if (target != FlowTable.MISS) {
            return target;
        }
        target = ruleTarget();
        // With rules being rewritten (rulesVersion stale), the entry would be stale at once: still
        // written, it is recomputed on the next packet. Full: counted by the table; the packet goes on.
        table.put(tuple, hash, target, rulesVersion, false, tick);
        return target;
    }

    /**
     * Parses the headers of the packet {@code m} is wrapped on into {@link #tuple()} (what {@link #classify} does
     * first); false if it is not IP with ports or ICMP, and the tuple is cleared.
     */
    public boolean parse(PacketMeta m) {
        if (parser.parse(segment, m.dataAddress(), m.dataLength()) != PacketParser.OK || !tuple.extract(parser)) {
            tuple.clear();
            return false;
        }
        return true;
    }

    /** The TCP flags byte of the last packet parsed (FIN 0x01, SYN 0x02, RST 0x04, ...), 0 if it was not TCP. */
    public int tcpFlags() {
        if (tuple.protocol() != PacketParser.PROTO_TCP || parser.l4Kind() != org.jnetvm.core.packet.L4Kind.TCP) {
            return 0;
        }
        return segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, parser.l4Offset() + 13) & 0xFF;
    }

    /** The last tuple {@link #classify} or {@link #parse} extracted (for tests and logs). */
    public FiveTuple tuple() {
        return tuple;
    }

    private int ruleTarget() {
        FlowRule[] r = rules;
        for (int i = 0; i < r.length; i++) {
            if (r[i].matches(tuple)) {
                return r[i].target();
            }
        }
        return FlowTarget.DEFAULT;
    }
}

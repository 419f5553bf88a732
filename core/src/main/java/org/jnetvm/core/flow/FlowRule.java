package org.jnetvm.core.flow;

import org.jnetvm.core.packet.FiveTuple;

/**
 * One flow director rule: a 5-tuple pattern with wildcards, a priority and a target. A field is
 * a wildcard when it matches everything: family 0, protocol -1, prefix length 0, port range
 * 0..65535. Addresses are kept as {@link FiveTuple} keeps them (IPv4 in the low word).
 *
 * <p>Immutable; the manager builds them (the config, its API, REST) and {@link FlowTable} copies
 * them into shared memory. {@link #matches} is the one matching routine (RX threads call it on
 * the first packet of a flow, through the table's decoded copy).
 *
 * @param id        the manager's id for the rule (1..), 0 before it is added
 * @param priority  higher first; equal priorities must not overlap (see {@link #overlaps})
 * @param target    a {@link FlowTarget}
 */
public record FlowRule(int id, int priority, int family, int protocol,
                       long srcHi, long srcLo, int srcLength, long dstHi, long dstLo, int dstLength,
                       int srcPortLow, int srcPortHigh, int dstPortLow, int dstPortHigh, int target) {

    public static final int ANY_PROTOCOL = -1;

    public FlowRule {
        require(family == 0 || family == FiveTuple.FAMILY_IPV4 || family == FiveTuple.FAMILY_IPV6, "family",
                "family " + family + " is not 0 (any), 4 or 6");
        require(protocol >= ANY_PROTOCOL && protocol <= 255, "protocol", "protocol " + protocol + " is not 0..255 or any");
        int bits = family == FiveTuple.FAMILY_IPV6 ? 128 : 32;
        require(srcLength >= 0 && srcLength <= bits && (family != 0 || srcLength == 0), "src",
                "source prefix length " + srcLength + " is invalid" + (family == 0 ? " (an address needs a family)" : " (0.." + bits + ")"));
        require(dstLength >= 0 && dstLength <= bits && (family != 0 || dstLength == 0), "dst",
                "destination prefix length " + dstLength + " is invalid" + (family == 0 ? " (an address needs a family)" : " (0.." + bits + ")"));
        require(ports(srcPortLow, srcPortHigh), "srcPort", "source ports " + srcPortLow + "-" + srcPortHigh
                + " are not a range in 0..65535");
        require(ports(dstPortLow, dstPortHigh), "dstPort", "destination ports " + dstPortLow + "-" + dstPortHigh
                + " are not a range in 0..65535");
        require(hostBitsZero(family, srcHi, srcLo, srcLength), "src", "source prefix has bits set beyond its length "
                + srcLength);
        require(hostBitsZero(family, dstHi, dstLo, dstLength), "dst", "destination prefix has bits set beyond its length "
                + dstLength);
    }

    /** A rule that matches every flow; narrow it with the withers. */
    public static FlowRule any(int priority, int target) {
        return new FlowRule(0, priority, 0, ANY_PROTOCOL, 0, 0, 0, 0, 0, 0, 0, 65535, 0, 65535, target);
    }

    public FlowRule withId(int newId) {
        return new FlowRule(newId, priority, family, protocol, srcHi, srcLo, srcLength, dstHi, dstLo, dstLength,
                srcPortLow, srcPortHigh, dstPortLow, dstPortHigh, target);
    }

    /** True if {@code t} is one of the flows this rule describes. No allocation. */
    public boolean matches(FiveTuple t) {
        if (family != 0 && t.family() != family) {
            return false;
        }
        if (protocol != ANY_PROTOCOL && t.protocol() != protocol) {
            return false;
        }
        return inPrefix(t.srcHi(), t.srcLo(), srcHi, srcLo, srcLength, family)
                && inPrefix(t.dstHi(), t.dstLo(), dstHi, dstLo, dstLength, family)
                && t.srcPort() >= srcPortLow && t.srcPort() <= srcPortHigh
                && t.dstPort() >= dstPortLow && t.dstPort() <= dstPortHigh;
    }

    /** True if some flow matches both rules (so with equal priorities the order between them would be arbitrary). */
    public boolean overlaps(FlowRule o) {
        if (family != 0 && o.family != 0 && family != o.family) {
            return false;
        }
        if (protocol != ANY_PROTOCOL && o.protocol != ANY_PROTOCOL && protocol != o.protocol) {
            return false;
        }
        int fam = family != 0 ? family : o.family;
        return prefixesMeet(srcHi, srcLo, srcLength, o.srcHi, o.srcLo, o.srcLength, fam)
                && prefixesMeet(dstHi, dstLo, dstLength, o.dstHi, o.dstLo, o.dstLength, fam)
                && srcPortLow <= o.srcPortHigh && o.srcPortLow <= srcPortHigh
                && dstPortLow <= o.dstPortHigh && o.dstPortLow <= dstPortHigh;
    }

    /** Same pattern (everything but id, priority and target). */
    public boolean samePattern(FlowRule o) {
        return family == o.family && protocol == o.protocol && srcHi == o.srcHi && srcLo == o.srcLo
                && srcLength == o.srcLength && dstHi == o.dstHi && dstLo == o.dstLo && dstLength == o.dstLength
                && srcPortLow == o.srcPortLow && srcPortHigh == o.srcPortHigh
                && dstPortLow == o.dstPortLow && dstPortHigh == o.dstPortHigh;
    }

    private static boolean prefixesMeet(long aHi, long aLo, int aLen, long bHi, long bLo, int bLen, int family) {
        int len = Math.min(aLen, bLen);
        return inPrefix(aHi, aLo, bHi & maskHi(family, len), bLo & maskLo(family, len), len, family);
    }

    private static boolean inPrefix(long hi, long lo, long pHi, long pLo, int length, int family) {
        if (length == 0) {
            return true;
        }
        return (hi & maskHi(family, length)) == pHi && (lo & maskLo(family, length)) == pLo;
    }

    private static long maskHi(int family, int length) {
        if (family != FiveTuple.FAMILY_IPV6 || length == 0) {
            return 0;
        }
        return length >= 64 ? -1L : -1L << (64 - length);
    }

    private static long maskLo(int family, int length) {
        if (length == 0) {
            return 0;
        }
        if (family == FiveTuple.FAMILY_IPV6) {
            return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        }
        return (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
    }

    private static boolean hostBitsZero(int family, long hi, long lo, int length) {
        if (family == 0) {
            return hi == 0 && lo == 0;
        }
        if (family == FiveTuple.FAMILY_IPV4 && (hi != 0 || (lo >>> 32) != 0)) {
            return false;
        }
        return (hi & ~maskHi(family, length)) == 0 && (lo & ~maskLo(family, length)) == 0;
    }

    private static boolean ports(int low, int high) {
        return low >= 0 && high <= 65535 && low <= high;
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new FlowRuleException(field, message);
        }
    }
}

package org.jnetvm.nfs;

import org.jnetvm.core.packet.FiveTuple;

/**
 * A 5-tuple as the five key words of a {@link FlowTable}: {@code [0]} family, protocol and
 * ports, {@code [1..4]} source and destination address (IPv4 in the low 32 bits of the second
 * word of each, as {@link FiveTuple} keeps them). Shared by the NFs that keep per-flow state.
 */
final class FlowKey {
    static final int WORDS = 5;

    private FlowKey() {
    }

    /** Writes {@code t} into {@code key[0..5)}. */
    static void pack(FiveTuple t, long[] key) {
        key[0] = (long) t.family() << 40 | (long) t.protocol() << 32 | (long) t.srcPort() << 16 | t.dstPort();
        key[1] = t.srcHi();
        key[2] = t.srcLo();
        key[3] = t.dstHi();
        key[4] = t.dstLo();
    }

    /** Writes an IPv4 tuple (addresses as network-order ints) into {@code key[0..5)}. */
    static void packIpv4(int protocol, int src, int srcPort, int dst, int dstPort, long[] key) {
        key[0] = (long) FiveTuple.FAMILY_IPV4 << 40 | (long) protocol << 32 | (long) srcPort << 16 | dstPort;
        key[1] = 0;
        key[2] = Integer.toUnsignedLong(src);
        key[3] = 0;
        key[4] = Integer.toUnsignedLong(dst);
    }

    /** For reports: {@code proto src:port -> dst:port} from key words starting at {@code key[from]}. */
    static String format(long[] key, int from) {
        int family = (int) (key[from] >>> 40) & 0xFF;
        int protocol = (int) (key[from] >>> 32) & 0xFF;
        int sport = (int) (key[from] >>> 16) & 0xFFFF;
        int dport = (int) key[from] & 0xFFFF;
        String src = Addresses.format(family, key[from + 1], key[from + 2]);
        String dst = Addresses.format(family, key[from + 3], key[from + 4]);
        boolean v6 = family == FiveTuple.FAMILY_IPV6;
        return protocolName(protocol) + " " + (v6 ? "[" + src + "]" : src) + ":" + sport + " -> "
                + (v6 ? "[" + dst + "]" : dst) + ":" + dport;
    }

    static String protocolName(int protocol) {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> "proto " + protocol;
        };
    }
}

package org.jnetvm.core.packet;

/**
 * Why {@link PacketParser#parse} refused a frame. The parser returns {@link #code()} (never 0,
 * which is {@link PacketParser#OK}); a data-plane caller counts the frame in a drop counter
 * indexed by that code and turns it back into a name with {@link #name(int)} only when
 * reporting. Each reason names the header that was wrong, so a counter tells an operator
 * which layer of which sender to look at.
 *
 * <p>Convention: {@code TRUNCATED_*} means the frame ends before the fixed part of that header;
 * {@code BAD_*} means a field of the header holds a value that cannot be right (wrong version,
 * a length shorter than the header or longer than the frame).
 */
public enum MalformedReason {
    /** Fewer than 14 bytes: no room for destination, source and EtherType. */
    TRUNCATED_ETHERNET,
    /** An 802.1Q / 802.1ad TPID with fewer than 4 bytes after it. */
    TRUNCATED_VLAN,
    /** EtherType IPv4 but fewer than 20 bytes, or fewer than IHL*4 bytes, remain. */
    TRUNCATED_IPV4,
    /** EtherType IPv4 but the version nibble is not 4. */
    BAD_IPV4_VERSION,
    /** IHL below 5 (a header shorter than 20 bytes). */
    BAD_IPV4_IHL,
    /** Total length shorter than the header or longer than the frame. */
    BAD_IPV4_TOTAL_LENGTH,
    /** EtherType IPv6 but fewer than 40 bytes remain. */
    TRUNCATED_IPV6,
    /** EtherType IPv6 but the version nibble is not 6. */
    BAD_IPV6_VERSION,
    /** 40 + payload length is longer than the frame. */
    BAD_IPV6_PAYLOAD_LENGTH,
    /** An IPv6 extension header runs past the end of the IPv6 payload. */
    TRUNCATED_IPV6_EXT,
    /** Fewer than 20 bytes of TCP header. */
    TRUNCATED_TCP,
    /** TCP data offset below 5 or pointing past the end of the IP payload. */
    BAD_TCP_DATA_OFFSET,
    /** Fewer than 8 bytes of UDP header. */
    TRUNCATED_UDP,
    /** UDP length below 8 or longer than the IP payload. */
    BAD_UDP_LENGTH,
    /** Fewer than 8 bytes of ICMP / ICMPv6 message. */
    TRUNCATED_ICMP,
    /** ARP shorter than its fixed part plus the addresses its hlen/plen announce. */
    TRUNCATED_ARP;

    // values() clones the array on every call; the data plane must not allocate.
    private static final MalformedReason[] BY_ORDINAL = values();

    /** The non-zero code {@link PacketParser#parse} returns for this reason. */
    public int code() {
        return ordinal() + 1;
    }

    /**
     * The reason for a parse result code, or {@code null} for {@link PacketParser#OK} and for
     * codes no reason has.
     */
    public static MalformedReason of(int code) {
        return code >= 1 && code <= BY_ORDINAL.length ? BY_ORDINAL[code - 1] : null;
    }

    /** Human name of a parse result code: "OK", a reason's name, or "UNKNOWN(code)". */
    public static String name(int code) {
        if (code == PacketParser.OK) {
            return "OK";
        }
        MalformedReason r = of(code);
        return r != null ? r.name() : "UNKNOWN(" + code + ")";
    }

    /** Number of reasons; a drop-counter array of size {@code count() + 1} is indexed by code. */
    public static int count() {
        return BY_ORDINAL.length;
    }
}

package org.jnetvm.core.packet;

/**
 * What follows the Ethernet/VLAN headers of a frame, as found by {@link PacketParser}.
 * NF code switches on it to pick the view to wrap.
 */
public enum L3Kind {
    /** Not parsed (the frame was malformed before L3). */
    NONE,
    /** EtherType 0x0800. */
    IPV4,
    /** EtherType 0x86DD. */
    IPV6,
    /** EtherType 0x0806. */
    ARP,
    /** Any other EtherType; not an error, the parser just does not look inside. */
    OTHER
}

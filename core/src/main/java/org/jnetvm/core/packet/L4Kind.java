package org.jnetvm.core.packet;

/**
 * What the parser found after the IP header (and IPv6 extension headers).
 * NF code switches on it to pick the L4 view to wrap.
 */
public enum L4Kind {
    /** No L4: not IP, or the frame was malformed before L4. */
    NONE,
    /** Protocol 6. */
    TCP,
    /** Protocol 17. */
    UDP,
    /** Protocol 1. */
    ICMP,
    /** Protocol 58. */
    ICMPV6,
    /** A non-first fragment: the L4 header is in another frame; payload is the fragment data. */
    FRAGMENT,
    /** Any other protocol, including ESP (50) and No Next Header (59): not an error. */
    OTHER
}

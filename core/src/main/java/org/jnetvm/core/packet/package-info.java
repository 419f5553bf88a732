/**
 * Packet parsing, flyweight header views, checksums and flow hashing over frames in shared
 * memory.
 *
 * <h2>Views</h2>
 * A frame is a range {@code [offset, offset + length)} of a {@link java.lang.foreign.MemorySegment}
 * (a buffer slot in the shared-memory pool). {@link org.jnetvm.core.packet.PacketParser#parse}
 * walks its headers once — Ethernet, up to two 802.1Q/802.1ad tags, IPv4 (with options),
 * IPv6 (with Hop-by-Hop, Routing, Fragment, Destination Options and AH skipped; ESP and No
 * Next Header end the walk), ARP, TCP, UDP, ICMP, ICMPv6 — and records where each header
 * starts. The views ({@link org.jnetvm.core.packet.EthernetView}, {@code VlanView},
 * {@code ArpView}, {@code Ipv4View}, {@code Ipv6View}, {@code TcpView}, {@code UdpView},
 * {@code IcmpView}) are flyweights: an object holding only a segment and an offset, re-pointed
 * with {@code wrap(...)} at each packet, whose getters and setters read and write the packet
 * bytes in network byte order. Offsets are always absolute within the segment.
 *
 * <pre>{@code
 * PacketParser parser = new PacketParser();      // per thread, created once
 * Ipv4View ip = new Ipv4View();
 * for (each packet in the burst) {
 *     int rc = parser.parse(seg, off, len);
 *     if (rc != PacketParser.OK) { drops[rc]++; continue; }   // counted, never thrown
 *     if (parser.l3Kind() == L3Kind.IPV4) {
 *         ip.wrap(parser).ttlUpdatingChecksum(ip.ttl() - 1);
 *     }
 *     meta.flowHash(FlowHash.SYMMETRIC.hash(parser));
 * }
 * }</pre>
 *
 * <h2>No allocation</h2>
 * Nothing in the per-packet path allocates, locks or throws: the parser, views and
 * {@link org.jnetvm.core.packet.FiveTuple} are reused per thread, results are primitives or
 * enum constants, {@link org.jnetvm.core.packet.Checksums} is static, and
 * {@link org.jnetvm.core.packet.FlowHash} is immutable with its Toeplitz tables built once.
 * No slice is ever created per packet. {@code toString()} methods are for logs and tests only.
 *
 * <h2>Malformed frames</h2>
 * The parser checks every length before it reads, so it never reads outside the frame and
 * never throws for bad bytes. A frame it cannot make sense of gets a non-zero result code,
 * one per {@link org.jnetvm.core.packet.MalformedReason} ({@code TRUNCATED_*}: the frame ends
 * inside a header; {@code BAD_*}: a field is impossible), which the caller counts in a named
 * drop counter ({@code MalformedReason.name(code)}) and drops. Unknown EtherTypes and IP
 * protocols are not malformed: they parse OK as {@link org.jnetvm.core.packet.L3Kind#OTHER}
 * / {@link org.jnetvm.core.packet.L4Kind#OTHER}. A non-first IP fragment is OK with L4 kind
 * {@link org.jnetvm.core.packet.L4Kind#FRAGMENT}, since its L4 header is in another frame.
 * Views and checksums trust the offsets the parser accepted; wrapping them anywhere else is
 * a programming error that the segment's bounds check turns into an exception.
 */
package org.jnetvm.core.packet;

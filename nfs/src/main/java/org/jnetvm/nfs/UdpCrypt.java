package org.jnetvm.nfs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.Ipv4View;
import org.jnetvm.core.packet.Ipv6View;
import org.jnetvm.core.packet.L3Kind;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.packet.UdpView;
import org.jnetvm.nf.PacketBurst;

/**
 * Encrypts and decrypts UDP payloads in place for {@code aes_encrypt} and {@code aes_decrypt}
 * ({@link AesCtr}), with the per-packet IV carried in the packet.
 *
 * <p>Why an explicit IV: CTR mode is only safe if no (key, counter) pair is ever used twice.
 * An IV derived from the packet (5-tuple and IPv4 id) repeats: the id is 16 bits, so it wraps
 * every 65536 packets of a flow, and many stacks send 0 in datagrams with DF set. So the
 * encryptor puts an 8-byte IV in front of the payload (as ESP does, RFC 3686): a 64-bit counter
 * that starts at a random value when the NF starts and goes up by one per packet. Two runs with
 * the same key collide only if their random starts fall within the packets they send of each
 * other (about n/2^64 for n packets); change the key long before that matters.
 *
 * <p>Moving 8 bytes: encrypting moves the headers (Ethernet, VLAN tags, IP, UDP: tens of bytes)
 * 8 bytes into the buffer's headroom instead of moving the payload, and decrypting moves them
 * back; the IPv4 total length or IPv6 payload length and the UDP length change by 8 (IPv4 header
 * checksum patched incrementally), and the UDP checksum, which covers the payload, is computed
 * again (a checksum of 0 over IPv4, "none", stays 0). A datagram grows by 8 bytes on the wire:
 * leave that much room under the path's MTU.
 */
final class UdpCrypt {
    /** What happened to a packet: the index of its counter in the NF's counters. */
    static final int DONE = 0;
    static final int PASSED = 1;
    static final int FRAGMENT = 2;
    static final int NO_HEADROOM = 3;
    static final int TOO_LONG = 4;
    static final int TOO_SHORT = 5;
    /** Counter names after the first ("encrypted" or "decrypted"), in the order of the codes above. */
    static final String[] OUTCOMES = {"passed", "fragment", "no_headroom", "too_long", "too_short"};
    static final int IV_LENGTH = 8;
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final AesCtr aes;
    private final int portLo;
    private final int portHi;
    private final PacketParser parser = new PacketParser();
    private final Ipv4View ip4 = new Ipv4View();
    private final Ipv6View ip6 = new Ipv6View();
    private final UdpView udp = new UdpView();

    UdpCrypt(byte[] key, int maxPayload, int portLo, int portHi) {
        this.aes = new AesCtr(key, maxPayload);
        this.portLo = portLo;
        this.portHi = portHi;
    }

    /**
     * Parses packet {@code i}: DONE when it is a whole UDP datagram whose source or destination
     * port is chosen, FRAGMENT for any fragment of a UDP datagram (one fragment cannot be
     * encrypted or decrypted alone), else PASSED.
     */
    private int classify(PacketBurst burst, int i) {
        if (burst.parse(i, parser) != PacketParser.OK || parser.ipProtocol() != PacketParser.PROTO_UDP) {
            return PASSED;
        }
        if (parser.isFragment()) {
            return FRAGMENT;
        }
        udp.wrap(parser);
        int sp = udp.srcPort();
        int dp = udp.dstPort();
        return sp >= portLo && sp <= portHi || dp >= portLo && dp <= portHi ? DONE : PASSED;
    }

    /** Encrypts packet {@code i}'s UDP payload under {@code iv}, which it writes in front of the payload. */
    int encrypt(PacketBurst burst, int i, long iv) {
        int kind = classify(burst, i);
        if (kind != DONE) {
            return kind;
        }
        PacketMeta m = burst.meta(i);
        int length = parser.payloadLength();
        if (m.dataOffset() < IV_LENGTH) {
            return NO_HEADROOM;
        }
        if (length > aes.maxLength()) {
            return TOO_LONG;
        }
        MemorySegment seg = burst.segment();
        long start = m.dataAddress();
        long payload = parser.payloadOffset();
        aes.apply(seg, payload, length, iv);
        // Headers 8 bytes down into the headroom; the IV goes into the gap before the payload.
        MemorySegment.copy(seg, start, seg, start - IV_LENGTH, payload - start);
        seg.set(LONG_BE, payload - IV_LENGTH, iv);
        m.dataOffset(m.dataOffset() - IV_LENGTH).dataLength(m.dataLength() + IV_LENGTH);
        resize(seg, IV_LENGTH);
        return DONE;
    }

    /** Decrypts packet {@code i}'s UDP payload with the IV in front of it, and takes the IV out. */
    int decrypt(PacketBurst burst, int i) {
        int kind = classify(burst, i);
        if (kind != DONE) {
            return kind;
        }
        int length = parser.payloadLength();
        if (length < IV_LENGTH) {
            return TOO_SHORT;
        }
        if (length - IV_LENGTH > aes.maxLength()) {
            return TOO_LONG;
        }
        PacketMeta m = burst.meta(i);
        MemorySegment seg = burst.segment();
        long start = m.dataAddress();
        long payload = parser.payloadOffset();
        long iv = seg.get(LONG_BE, payload);
        aes.apply(seg, payload + IV_LENGTH, length - IV_LENGTH, iv);
        MemorySegment.copy(seg, start, seg, start + IV_LENGTH, payload - start);
        m.dataOffset(m.dataOffset() + IV_LENGTH).dataLength(m.dataLength() - IV_LENGTH);
        resize(seg, -IV_LENGTH);
        return DONE;
    }

    // After the headers moved by -delta: every length that covers the payload changes by delta,
    // and the UDP checksum is computed again over the new payload. The parser's offsets are those
    // from before the move.
    private void resize(MemorySegment seg, int delta) {
        long l3 = parser.l3Offset() - delta;
        long l4 = parser.l4Offset() - delta;
        boolean ipv6 = parser.l3Kind() == L3Kind.IPV6;
        if (ipv6) {
            ip6.wrap(seg, l3, Ipv6View.HEADER_LENGTH);
            ip6.payloadLength(ip6.payloadLength() + delta);
        } else {
            ip4.wrap(seg, l3, Ipv4View.MIN_HEADER_LENGTH);
            int old = ip4.totalLength();
            ip4.totalLength(old + delta);
            ip4.checksum(Checksums.incremental16(ip4.checksum(), old, old + delta));
        }
        udp.wrap(seg, l4, UdpView.HEADER_LENGTH);
        int udpLength = udp.udpLength() + delta;
        udp.udpLength(udpLength);
        if (udp.checksum() != 0 || ipv6) {
            udp.checksum(Checksums.l4(seg, ipv6, l3, PacketParser.PROTO_UDP, l4, udpLength));
        }
    }

    /** For help texts and reports. */
    static String describe(int portLo, int portHi) {
        return portLo == 0 && portHi == 65535 ? "any port" : String.format(Locale.ROOT, "ports %d-%d", portLo, portHi);
    }
}

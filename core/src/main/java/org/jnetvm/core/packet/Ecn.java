package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Explicit Congestion Notification (RFC 3168) on a raw Ethernet frame: the two low bits of the
 * IPv4 TOS byte or of the IPv6 traffic class. Backpressure marks an ECN-capable packet
 * Congestion Experienced instead of dropping it, so a TCP sender slows down without a loss.
 *
 * <p>Reads only as far as it must (Ethernet, up to two VLAN tags, the IP header's first bytes),
 * allocates nothing, and keeps the IPv4 header checksum right (RFC 1624 incremental update).
 */
public final class Ecn {
    /** Not ECN-capable transport. */
    public static final int NOT_ECT = 0;
    /** Congestion Experienced. */
    public static final int CE = 3;

    private Ecn() {
    }

    /**
     * Marks the frame of {@code length} bytes at {@code frame} CE if it is an ECN-capable IPv4 or
     * IPv6 packet. Returns true if the packet now carries CE (marked here or before), false if it
     * is not ECN-capable or not IP (the caller drops it instead).
     */
    public static boolean markCongested(MemorySegment seg, long frame, int length) {
        long pos = frame + 12;
        long end = frame + length;
        if (pos + 2 > end) {
            return false;
        }
        int type = Net.u16(seg, pos);
        for (int tags = 0; (type == PacketParser.TPID_8021Q || type == PacketParser.TPID_8021AD)
                && tags < PacketParser.MAX_VLANS; tags++) {
            pos += 4;
            if (pos + 2 > end) {
                return false;
            }
            type = Net.u16(seg, pos);
        }
        long ip = pos + 2;
        if (type == PacketParser.ETHERTYPE_IPV4) {
            if (ip + 20 > end || Net.u8(seg, ip) >> 4 != 4) {
                return false;
            }
            int firstWord = Net.u16(seg, ip); // version, IHL, TOS: the 16-bit word the checksum covers
            int ecn = firstWord & 3;
            if (ecn == NOT_ECT) {
                return false;
            }
            if (ecn != CE) {
                int marked = firstWord | CE;
                Net.put16(seg, ip, marked);
                Net.put16(seg, ip + 10, Checksums.incremental16(Net.u16(seg, ip + 10), firstWord, marked));
            }
            return true;
        }
        if (type == PacketParser.ETHERTYPE_IPV6) {
            if (ip + 40 > end || Net.u8(seg, ip) >> 4 != 6) {
                return false;
            }
            int second = Net.u8(seg, ip + 1); // traffic class low nibble in its high nibble: ECN is bits 5..4
            int ecn = (second >> 4) & 3;
            if (ecn == NOT_ECT) {
                return false;
            }
            Net.put8(seg, ip + 1, second | (CE << 4));
            return true;
        }
        return false;
    }
}

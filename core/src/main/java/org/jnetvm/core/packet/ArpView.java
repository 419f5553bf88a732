package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ARP packet for Ethernet/IPv4 (hlen 6, plen 4; check with
 * {@link #isEthernetIpv4()}). Used by NFs that answer or snoop ARP (a proxy-ARP NF, the
 * manager's port code). Wrap at {@link PacketParser#l3Offset()}; one per thread.
 */
public final class ArpView extends HeaderView {
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    /** Points this view at the ARP packet at {@code offset}; returns this. */
    public ArpView wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at the L3 header of the frame the parser last parsed. */
    public ArpView wrap(PacketParser p) {
        return wrap(p.segment(), p.l3Offset(), p.l3Length());
    }

    public int hardwareType() {
        return Net.u16(seg, off);
    }

    public int protocolType() {
        return Net.u16(seg, off + 2);
    }

    public int hardwareLength() {
        return Net.u8(seg, off + 4);
    }

    public int protocolLength() {
        return Net.u8(seg, off + 5);
    }

    /** True for the only layout the address getters below understand. */
    public boolean isEthernetIpv4() {
        return len >= 28 && hardwareType() == 1 && protocolType() == PacketParser.ETHERTYPE_IPV4
                && hardwareLength() == 6 && protocolLength() == 4;
    }

    public int op() {
        return Net.u16(seg, off + 6);
    }

    public void op(int op) {
        Net.put16(seg, off + 6, op);
    }

    public long senderMac() {
        return Net.mac(seg, off + 8);
    }

    public void senderMac(long mac) {
        Net.putMac(seg, off + 8, mac);
    }

    public int senderIp() {
        return Net.i32(seg, off + 14);
    }

    public void senderIp(int ip) {
        Net.put32(seg, off + 14, ip);
    }

    public long targetMac() {
        return Net.mac(seg, off + 18);
    }

    public void targetMac(long mac) {
        Net.putMac(seg, off + 18, mac);
    }

    public int targetIp() {
        return Net.i32(seg, off + 24);
    }

    public void targetIp(int ip) {
        Net.put32(seg, off + 24, ip);
    }
}

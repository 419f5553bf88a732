package org.jnetvm.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over one 802.1Q / 802.1ad tag: the TPID and TCI (priority, drop-eligible, VLAN
 * ID) and the type that follows. Wrap it at the TPID, i.e. {@code parser.vlanOffset(i) - 2}
 * or with {@link #wrap(PacketParser, int)}. Used by NFs that retag or route by VLAN; one per
 * thread, re-wrapped per packet.
 */
public final class VlanView extends HeaderView {

    /** Points this view at the tag whose TPID is at {@code offset}; returns this. */
    public VlanView wrap(MemorySegment seg, long offset, int length) {
        point(seg, offset, length);
        return this;
    }

    /** Points this view at tag {@code i} (0 = outermost) of the frame the parser last parsed. */
    public VlanView wrap(PacketParser p, int i) {
        return wrap(p.segment(), p.vlanOffset(i) - 2, 4);
    }

    /** 0x8100 (802.1Q) or 0x88A8 (802.1ad S-tag). */
    public int tpid() {
        return Net.u16(seg, off);
    }

    public void tpid(int tpid) {
        Net.put16(seg, off, tpid);
    }

    public int tci() {
        return Net.u16(seg, off + 2);
    }

    public void tci(int tci) {
        Net.put16(seg, off + 2, tci);
    }

    /** 12-bit VLAN ID. */
    public int vlanId() {
        return tci() & 0x0FFF;
    }

    /** Sets the VLAN ID, keeping priority and DEI. */
    public void vlanId(int id) {
        tci((tci() & 0xF000) | (id & 0x0FFF));
    }

    /** 3-bit priority code point. */
    public int priority() {
        return tci() >>> 13;
    }

    public void priority(int pcp) {
        tci((tci() & 0x1FFF) | ((pcp & 7) << 13));
    }

    /** Drop-eligible indicator. */
    public boolean dei() {
        return (tci() & 0x1000) != 0;
    }

    /** Type after this tag: the next TPID or the EtherType. */
    public int innerType() {
        return Net.u16(seg, off + 4);
    }

    public void innerType(int type) {
        Net.put16(seg, off + 4, type);
    }
}

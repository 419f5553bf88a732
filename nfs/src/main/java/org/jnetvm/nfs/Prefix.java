package org.jnetvm.nfs;

import org.jnetvm.core.packet.FiveTuple;

/**
 * An IPv4 or IPv6 address prefix (CIDR), in the form {@link FiveTuple} keeps addresses: two
 * longs, IPv4 in the low 32 bits of {@code lo}. Immutable; parsed once from a rule file or an
 * option by {@link Addresses#prefix}.
 *
 * @param family {@link FiveTuple#FAMILY_IPV4} or {@link FiveTuple#FAMILY_IPV6}
 * @param length prefix bits, 0..32 or 0..128
 */
record Prefix(int family, long hi, long lo, int length) {

    /** High 64 bits of the mask (IPv6). */
    long maskHi() {
        return family == FiveTuple.FAMILY_IPV6 ? mask64(length) : 0;
    }

    /** Low 64 bits of the mask (IPv4: the low 32 bits). */
    long maskLo() {
        if (family == FiveTuple.FAMILY_IPV4) {
            return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
        }
        return mask64(Math.max(0, length - 64));
    }

    private static long mask64(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    /** Whether the address {@code (hi, lo)} of family {@code family} lies in this prefix. */
    boolean contains(int family, long hi, long lo) {
        return family == this.family && (hi & maskHi()) == this.hi && (lo & maskLo()) == this.lo;
    }

    /** An IPv4 prefix's address as a network-order int. */
    int ipv4() {
        return (int) lo;
    }

    @Override
    public String toString() {
        return Addresses.format(family, hi, lo) + "/" + length;
    }
}

package org.jnetvm.nfs;

import java.net.Inet6Address;
import java.util.Locale;
import org.jnetvm.core.packet.FiveTuple;

/**
 * Parses the addresses, prefixes, MACs and ports the NFs' files and options hold, with
 * messages that say what is wrong with the value (the caller adds where it was). Never on the
 * data path.
 */
final class Addresses {
    private Addresses() {
    }

    /** A dotted-quad IPv4 address as a network-order int (10.0.0.1 is 0x0A000001). */
    static int ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (four numbers 0-255 with dots,"
                    + " e.g. 10.0.0.1)");
        }
        int ip = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: '" + part
                        + "' is not a number 0-255");
            }
            int v = Integer.parseInt(part);
            if (v > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: " + v + " is over 255");
            }
            ip = ip << 8 | v;
        }
        return ip;
    }

    /**
     * A prefix: {@code 10.0.0.0/8}, {@code fd00::/8}, or a bare address ({@code /32} or
     * {@code /128}). Bits set beyond the prefix length are refused (a typo more often than not).
     */
    static Prefix prefix(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean v6 = address.indexOf(':') >= 0;
        int max = v6 ? 128 : 32;
        int length = max;
        if (slash >= 0) {
            String bits = text.substring(slash + 1);
            if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(bits) > max) {
                throw new IllegalArgumentException("'" + text + "': prefix length '" + bits + "' is not a number 0-"
                        + max);
            }
            length = Integer.parseInt(bits);
        }
        Prefix p;
        if (v6) {
            long[] a = ipv6(address);
            p = new Prefix(FiveTuple.FAMILY_IPV6, a[0], a[1], length);
        } else {
            p = new Prefix(FiveTuple.FAMILY_IPV4, 0, Integer.toUnsignedLong(ipv4(address)), length);
        }
        if ((p.hi() & ~p.maskHi()) != 0 || (p.lo() & ~p.maskLo()) != 0) {
            Prefix base = new Prefix(p.family(), p.hi() & p.maskHi(), p.lo() & p.maskLo(), length);
            throw new IllegalArgumentException("'" + text + "' has bits set beyond its /" + length + " prefix; write "
                    + base);
        }
        return p;
    }

    /** An IPv6 address literal as {high, low} 64 bits. */
    static long[] ipv6(String text) {
        Inet6Address a;
        try {
            // ofLiteral never resolves names (no DNS), unlike InetAddress.getByName.
            a = (Inet6Address) Inet6Address.ofLiteral(text);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address (e.g. fd00::1)");
        }
        byte[] b = a.getAddress();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xFF);
            lo = lo << 8 | (b[i + 8] & 0xFF);
        }
        return new long[] {hi, lo};
    }

    /** A MAC address {@code 02:00:00:00:00:01} (or with dashes) as the low 48 bits of a long. */
    static long mac(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex bytes with colons, e.g."
                    + " 02:00:00:00:00:01)");
        }
        long mac = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2 || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address: '" + part
                        + "' is not a hex byte");
            }
            mac = mac << 8 | Integer.parseInt(part, 16);
        }
        return mac;
    }

    /** {lo, hi} of a port {@code 80}, a range {@code 1000-2000}, or {@code any} (0-65535). */
    static int[] portRange(String text) {
        if (text.equals("any")) {
            return new int[] {0, 65535};
        }
        int dash = text.indexOf('-');
        int lo = port(dash < 0 ? text : text.substring(0, dash), text);
        int hi = dash < 0 ? lo : port(text.substring(dash + 1), text);
        if (lo > hi) {
            throw new IllegalArgumentException("port range '" + text + "' ends before it starts; write " + hi + "-" + lo);
        }
        return new int[] {lo, hi};
    }

    private static int port(String text, String whole) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("'" + whole + "' is not a port 0-65535, a range like 1000-2000, or any");
        }
        return Integer.parseInt(text);
    }

    /** For reports: an address of either family. */
    static String format(int family, long hi, long lo) {
        if (family == FiveTuple.FAMILY_IPV4) {
            return formatIpv4((int) lo);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (int) (((i < 4 ? hi : lo) >>> (48 - 16 * (i % 4))) & 0xFFFF);
        }
        // RFC 5952: the longest run of two or more zero words (the first of equals) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j - 1);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(words[i]));
        }
        return s.toString();
    }

    static String formatIpv4(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    static String formatMac(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            s.append(String.format(Locale.ROOT, "%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }
}

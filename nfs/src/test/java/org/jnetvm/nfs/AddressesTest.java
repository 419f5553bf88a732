package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.jnetvm.core.packet.FiveTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {

    @ParameterizedTest
    @CsvSource({"fd00::1, fd00::1", "::, ::", "1:0:0:2:0:0:0:3, 1:0:0:2::3", "fd00:0:0:1::, fd00:0:0:1::",
            "2001:db8::1:0:0:1, 2001:db8::1:0:0:1", "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "0:1:2:3:4:5:6:0, 0:1:2:3:4:5:6:0"})
    void ipv6AddressesPrintInTheirShortestForm(String in, String expected) {
        long[] a = Addresses.ipv6(in);
        assertThat(Addresses.format(FiveTuple.FAMILY_IPV6, a[0], a[1])).isEqualTo(expected);
    }

    @Test
    void prefixesContainWhatTheyShould() {
        Prefix p = Addresses.prefix("10.1.0.0/16");
        assertThat(p.contains(FiveTuple.FAMILY_IPV4, 0, 0x0A01_FFFFL)).isTrue();
        assertThat(p.contains(FiveTuple.FAMILY_IPV4, 0, 0x0A02_0000L)).isFalse();
        assertThat(p.contains(FiveTuple.FAMILY_IPV6, 0, 0x0A01_0000L)).isFalse();
        assertThat(Addresses.prefix("0.0.0.0/0").contains(FiveTuple.FAMILY_IPV4, 0, 0xFFFF_FFFFL)).isTrue();
        Prefix v6 = Addresses.prefix("fd00:0:0:1::/72");
        assertThat(v6.contains(FiveTuple.FAMILY_IPV6, 0xFD00_0000_0000_0001L, 0x00FF_FFFF_FFFF_FFFFL)).isTrue();
        assertThat(v6.contains(FiveTuple.FAMILY_IPV6, 0xFD00_0000_0000_0001L, 0x0100_0000_0000_0000L)).isFalse();
        assertThat(Addresses.prefix("10.0.0.1").length()).isEqualTo(32);
        assertThat(Addresses.mac("02:00:0a:0B:00:ff")).isEqualTo(0x0200_0A0B_00FFL);
        assertThat(Addresses.formatMac(0x0200_0A0B_00FFL)).isEqualTo("02:00:0a:0b:00:ff");
    }
}

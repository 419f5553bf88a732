package org.jnetvm.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class EcnTest {
    final MemorySegment frame = Arena.ofAuto().allocate(128);

    int ipv4(int ecn) {
        int length = new UdpTraffic(64, 1).write(frame, 0, 0);
        frame.set(ValueLayout.JAVA_BYTE, 15, (byte) ecn);
        Checksums.updateIpv4Header(frame, 14);
        return length;
    }

    @Test
    void ecnCapableIpv4IsMarkedCongestedWithAValidChecksum() {
        for (int ect : new int[] {1, 2}) {
            int length = ipv4(ect | 0xB8); // DSCP EF kept
            assertThat(Ecn.markCongested(frame, 0, length)).isTrue();
            assertThat(frame.get(ValueLayout.JAVA_BYTE, 15) & 0xFF).isEqualTo(0xB8 | Ecn.CE);
            assertThat(Checksums.verifyIpv4Header(frame, 14)).isTrue();
        }
    }

    @Test
    void notEcnCapableOrNotIpIsLeftAlone() {
        int length = ipv4(0);
        assertThat(Ecn.markCongested(frame, 0, length)).isFalse();
        assertThat(frame.get(ValueLayout.JAVA_BYTE, 15)).isZero();
        frame.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x08);
        frame.set(ValueLayout.JAVA_BYTE, 13, (byte) 0x06); // ARP
        assertThat(Ecn.markCongested(frame, 0, length)).isFalse();
        assertThat(Ecn.markCongested(frame, 0, 13)).as("truncated").isFalse();
    }

    @Test
    void alreadyCongestedStaysSoAndIpv6IsMarkedInItsTrafficClass() {
        int length = ipv4(Ecn.CE);
        assertThat(Ecn.markCongested(frame, 0, length)).isTrue();
        assertThat(Checksums.verifyIpv4Header(frame, 14)).isTrue();

        frame.fill((byte) 0);
        frame.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x86);
        frame.set(ValueLayout.JAVA_BYTE, 13, (byte) 0xDD);
        frame.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x60);
        frame.set(ValueLayout.JAVA_BYTE, 15, (byte) 0x10); // ECT(1)
        assertThat(Ecn.markCongested(frame, 0, 14 + 40)).isTrue();
        assertThat((frame.get(ValueLayout.JAVA_BYTE, 15) >> 4) & 3).isEqualTo(Ecn.CE);
        assertThat(frame.get(ValueLayout.JAVA_BYTE, 14)).isEqualTo((byte) 0x60);
    }
}

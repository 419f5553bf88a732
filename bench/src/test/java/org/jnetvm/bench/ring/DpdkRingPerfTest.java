package org.jnetvm.bench.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Parses a real ring_perf_autotest output of DPDK 22.11 captured on a 2-vCPU AMD EPYC. */
class DpdkRingPerfTest {

    private static String sample() throws IOException {
        try (InputStream in = DpdkRingPerfTest.class.getResourceAsStream("dpdk-22.11-ring_perf_autotest.txt")) {
            assertThat(in).as("test resource").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheLegacySpscBulkFiguresAsPrinted() throws IOException {
        DpdkRingPerf.Figures f = DpdkRingPerf.parse(sample());

        // "### Testing bulk enq/deq ###": not the burst or empty-dequeue lines, not the elem APIs block
        assertThat(f.printed().get("spsc_bulk8_1core")).isEqualTo(16.96);
        assertThat(f.printed().get("spsc_bulk32_1core")).isEqualTo(41.11);
        // "### Testing using two physical cores ###"
        assertThat(f.printed().get("spsc_bulk8_2core")).isEqualTo(7.75);
        assertThat(f.printed().get("spsc_bulk32_2core")).isEqualTo(4.30);
        assertThat(f.twoCoreSection()).isEqualTo("two physical cores");
        assertThat(f.cyclesPerElement().keySet()).containsExactlyElementsOf(RingBenchCases.KEYS);
    }

    @Test
    void singleCoreFiguresAreDividedByTheBurstTwoCoreFiguresAreNot() throws IOException {
        DpdkRingPerf.Figures f = DpdkRingPerf.parse(sample());

        // one lcore: cycles per enqueue+dequeue pair of N -> per element
        assertThat(f.cyclesPerElement().get("spsc_bulk8_1core")).isCloseTo(16.96 / 8, within(1e-12));
        assertThat(f.cyclesPerElement().get("spsc_bulk32_1core")).isCloseTo(41.11 / 32, within(1e-12));
        // two lcores: already per element, producer + consumer
        assertThat(f.cyclesPerElement().get("spsc_bulk8_2core")).isEqualTo(7.75);
        assertThat(f.cyclesPerElement().get("spsc_bulk32_2core")).isEqualTo(4.30);
    }

    @Test
    void fallsBackToHyperthreadsWhenThereAreNoTwoPhysicalCores() {
        String out = """
                ### Testing bulk enq/deq ###
                legacy APIs: SP/SC: bulk (size: 8): 16.00
                legacy APIs: SP/SC: bulk (size: 32): 40.00

                ### Testing using two hyperthreads ###
                legacy APIs: SP/SC: bulk (size: 8): 9.00
                legacy APIs: SP/SC: bulk (size: 32): 3.00
                """;
        DpdkRingPerf.Figures f = DpdkRingPerf.parse(out);
        assertThat(f.twoCoreSection()).isEqualTo("two hyperthreads");
        assertThat(f.cyclesPerElement().get("spsc_bulk32_2core")).isEqualTo(3.0);
        assertThat(f.cyclesPerElement().get("spsc_bulk8_1core")).isEqualTo(2.0);
    }

    @Test
    void missingFigureIsNamed() {
        assertThatThrownBy(() -> DpdkRingPerf.parse("EAL: Detected CPU lcores: 1\nRTE>>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spsc_bulk8_1core");
    }

    @Test
    void tscFrequencySources() {
        assertThat(TscFrequency.fromDpdkOutput("EAL: TSC frequency is ~2600000 KHz\n")).get()
                .extracting(TscFrequency::ghz).isEqualTo(2.6);
        TscFrequency cpuinfo = TscFrequency.fromCpuinfo(
                "processor\t: 0\ncpu MHz\t\t: 2596.122\nflags\t\t: fpu constant_tsc tsc_known_freq\n", false).orElseThrow();
        assertThat(cpuinfo.ghz()).isCloseTo(2.596122, within(1e-9));
        assertThat(cpuinfo.source()).contains("cpu MHz").contains("tsc_known_freq");
    }
}

package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RateLimiterTest {
    final AtomicLong clock = new AtomicLong(5_000_000_000L);

    RateLimiter limiter(String... args) {
        RateLimiter nf = (RateLimiter) NfMain.configure(NfCatalog.load(), "rate_limiter", args).nf();
        nf.clock = clock::get;
        return nf;
    }

    static byte[] flow(int srcPort, int payload) {
        FrameBuilder b = new FrameBuilder();
        b.srcPort = srcPort;
        b.payload = new byte[payload];
        return b.build();
    }

    static long passed(List<NfHarness.Outcome> out) {
        return out.stream().filter(NfHarness.Outcome::forwarded).count();
    }

    @Test
    void eachFlowHasItsOwnBucketThatRefillsAtTheRate() {
        RateLimiter nf = limiter("--rate", "10", "--burst-size", "5");
        try (NfHarness h = NfHarness.start(nf)) {
            List<NfHarness.Outcome> a = h.run(Collections.nCopies(8, flow(1, 10)), 0);
            assertThat(a).extracting(NfHarness.Outcome::forwarded)
                    .containsExactly(true, true, true, true, true, false, false, false);
            assertThat(passed(h.run(Collections.nCopies(3, flow(2, 10)), 0))).as("another flow, another bucket").isEqualTo(3);
            clock.addAndGet(300_000_000L); // 0.3 s at 10/s: three tokens back
            assertThat(passed(h.run(Collections.nCopies(4, flow(1, 10)), 0))).isEqualTo(3);
            clock.addAndGet(10_000_000_000L); // long idle: a full bucket of 5, not more
            assertThat(passed(h.run(Collections.nCopies(8, flow(1, 10)), 0))).isEqualTo(5);
            assertThat(nf.counters.get("passed")).isEqualTo(16);
            assertThat(nf.counters.get("dropped")).isEqualTo(7);
        }
    }

    @Test
    void perServiceOneBucketCoversEveryFlowAndBitRatesCountBytes() {
        RateLimiter service = limiter("--rate", "1k", "--per", "service");
        try (NfHarness h = NfHarness.start(service)) {
            List<byte[]> mixed = new java.util.ArrayList<>();
            for (int i = 0; i < 150; i++) {
                mixed.add(flow(i, 0));
            }
            assertThat(passed(h.run(mixed, 0))).as("default bucket: 0.1 s of 1000/s").isEqualTo(100);
        }
        // 80 kbit/s = 10 000 bytes/s, bucket 3000 bytes: two 1042-byte frames fit, the third does not.
        RateLimiter bits = limiter("--rate", "80kbit", "--burst-size", "3000");
        try (NfHarness h = NfHarness.start(bits)) {
            byte[] big = flow(9, 1000);
            assertThat(big.length).isEqualTo(1042);
            assertThat(h.run(List.of(big, big, big), 0)).extracting(NfHarness.Outcome::forwarded)
                    .containsExactly(true, true, false);
            clock.addAndGet(100_000_000L); // 1000 bytes back: 916 + 1000 < 1042 * 2
            assertThat(h.run(List.of(big, big), 0)).extracting(NfHarness.Outcome::forwarded).containsExactly(true, false);
        }
    }

    @Test
    void idleFlowsLeaveTheTableWithoutChangingDecisionsAndExtraFlowsShareABucket() {
        RateLimiter nf = limiter("--rate", "10", "--burst-size", "2", "--max-flows", "2");
        try (NfHarness h = NfHarness.start(nf)) {
            assertThat(passed(h.run(List.of(flow(1, 0), flow(1, 0), flow(1, 0)), 0))).isEqualTo(2);
            assertThat(passed(h.run(List.of(flow(2, 0), flow(3, 0), flow(4, 0), flow(5, 0)), 0)))
                    .as("flows 3-5 share one bucket of 2").isEqualTo(3);
            assertThat(nf.counters.get("shared_bucket")).isEqualTo(3);
            clock.addAndGet(250_000_000L); // the 0.2 s to fill a bucket of 2 at 10/s, and more
            for (int i = 0; i < 4; i++) {
                nf.idle(h.context());
            }
            assertThat(nf.flows()).isZero();
            assertThat(nf.counters.get("expired")).isEqualTo(2);
            assertThat(passed(h.run(List.of(flow(1, 0), flow(1, 0), flow(1, 0)), 0))).isEqualTo(2);
        }
    }

    @Test
    void badRatesAreRefusedSayingWhatARateLooksLike() {
        assertThatThrownBy(() -> limiter("--rate", "fast")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'fast' is not a number with an optional k, M or G");
        assertThatThrownBy(() -> limiter("--rate", "0")).hasMessageContaining("'0' is out of range");
        assertThatThrownBy(() -> limiter("--rate", "1e3")).hasMessageContaining("is not a number");
        assertThatThrownBy(() -> NfHarness.start(limiter("--rate", "10", "--burst-size", "0")))
                .hasMessageContaining("--burst-size 0 is out of range");
    }
}

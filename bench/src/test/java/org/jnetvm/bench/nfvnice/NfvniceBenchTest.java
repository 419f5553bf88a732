package org.jnetvm.bench.nfvnice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The nfvnice bench's machinery, once, short: a real manager, three real NF processes pinned to one CPU. */
class NfvniceBenchTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void pinsTheChainToOneCpuThrottlesItAtEntryAndReportsTableAndJson() throws Exception {
        int cpu = Runtime.getRuntime().availableProcessors() - 1;
        // 400 kpps x (400 + 900 + 1800) ns is 1.24 CPUs of work offered to one CPU: the chain must be throttled.
        NfvniceBench.Settings s = new NfvniceBench.Settings(new long[] {400, 900, 1800}, 400_000, cpu, 1500, 1500,
                List.of(NfvniceBench.Topology.CHAIN), List.of(NfvniceBench.Mode.SHARES_BACKPRESSURE));
        NfvniceBench.Run run = NfvniceBench.runOne(NfvniceBench.Topology.CHAIN, NfvniceBench.Mode.SHARES_BACKPRESSURE, s);

        assertThat(run.error()).isNull();
        assertThat(run.goodputMpps()).as("packets leave the port after the chain").isPositive();
        assertThat(run.nfs()).extracting(NfvniceBench.NfFigures::service).containsExactly("low", "medium", "high");
        double cpuSum = run.nfs().stream().mapToDouble(NfvniceBench.NfFigures::cpuShare).sum();
        assertThat(cpuSum).as("three NF processes pinned to one CPU use at most that CPU").isLessThan(1.1);
        assertThat(run.nfs()).allSatisfy(nf -> assertThat(nf.cpuShare()).as(nf.service()).isPositive());
        assertThat(run.drops()).as("an overloaded chain with backpressure drops at entry").containsKey("backpressure");
        assertThat(run.wastedPct()).isBetween(0.0, 100.0);
        assertThat(run.jain()).isBetween(1.0 / 3, 1.0);

        String table = NfvniceBench.table(List.of(run), s);
        assertThat(table).contains("shares_backpressure", "low(400 ns), medium(900 ns), high(1800 ns)");
        JsonNode json = new ObjectMapper().readTree(NfvniceBench.json(List.of(run), List.of(), s));
        assertThat(json.at("/bench").asText()).isEqualTo("nfvnice");
        assertThat(json.at("/runs/chain/shares_backpressure/goodput_mpps").asDouble())
                .isEqualTo(Math.round(run.goodputMpps() * 1000) / 1000.0);
        assertThat(json.at("/runs/chain/shares_backpressure/cpu_share/high").isNumber()).isTrue();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void isolationRunsTcpAloneThenWithTheFloodsAndCountsWhereTheFloodsWereDropped() throws Exception {
        int cpu = Runtime.getRuntime().availableProcessors() - 1;
        List<NfvniceIsolation.Result> results = NfvniceIsolation.run(List.of(NfvniceBench.Mode.SHARES_BACKPRESSURE),
                cpu, 2, System.out);
        assertThat(results).extracting(NfvniceIsolation.Result::key).containsExactly("tcp_alone", "shares_backpressure");
        assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
        NfvniceIsolation.Result alone = results.get(0);
        NfvniceIsolation.Result flooded = results.get(1);
        assertThat(alone.tcpGbps()).as("TCP through the chain").isPositive();
        assertThat(alone.udpPps()).isZero();
        assertThat(flooded.udpPps()).as("some of the floods got through").isPositive();
        // The floods offer more than 'costly' (20 us a packet) can take: they are dropped at its ring or, throttled,
        // at entry; which of the two in what proportion depends on the run. On a run where the port's RX thread gets
        // too little of the 2 vCPUs the kernel also drops some at the port's socket (kernel_drop, counted per port).
        assertThat(flooded.drops().getOrDefault("ring_full", 0L) + flooded.drops().getOrDefault("backpressure", 0L))
                .isPositive();
        assertThat(flooded.drops().keySet()).isSubsetOf("ring_full", "backpressure", "kernel_drop");
        JsonNode json = new ObjectMapper().readTree(NfvniceBench.json(List.of(), results,
                NfvniceBench.Settings.standard(cpu)));
        assertThat(json.at("/runs/isolation/tcp_alone/tcp_gbps").asDouble())
                .isEqualTo(Math.round(alone.tcpGbps() * 1000) / 1000.0);
        assertThat(json.at("/runs/isolation/shares_backpressure/udp_pps").asLong()).isEqualTo(Math.round(flooded.udpPps()));
    }
}

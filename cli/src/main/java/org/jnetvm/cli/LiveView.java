package org.jnetvm.cli;

import java.io.PrintStream;
import java.util.Map;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.ops.view.StatsView;
import org.jnetvm.ops.view.Views;

/**
 * The terminal view of a running manager: per-NF and per-port packet rates and totals, queue occupancy, a line per
 * per-flow service's pool (its thousands of instances are not listed one by one), drops by reason and the pool audit, redrawn in place on a terminal (plain successive blocks when the output is a pipe or
 * file). The demo, {@code jnetvm manager --view} and {@code jnetvm stats} show it; the numbers and rates come from
 * {@link Views}, as on the dashboard and in the REST API.
 */
final class LiveView {
    private static final String CLEAR = "\033[H\033[2J";

    private final String title;
    private final PrintStream out;
    private final boolean terminal = System.console() != null && System.console().isTerminal();
    private StatsSnapshot previous;

    LiveView(String title, PrintStream out) {
        this.title = title;
        this.out = out;
    }

    void show(StatsSnapshot now) {
        out.print(render(now));
        out.flush();
        previous = now;
    }

    String render(StatsSnapshot now) {
        StatsView v = Views.stats(now, previous);
        StringBuilder b = new StringBuilder(2048);
        if (terminal) {
            b.append(CLEAR);
        }
        b.append(title).append("  (Ctrl-C stops)\n\n");
        b.append(String.format("%-5s %-16s %-14s %4s %8s %-8s %12s %12s %14s %10s %7s %7s %8s %8s %6s%n",
                "slot", "nf", "service", "inst", "pid", "state", "rx pps", "tx pps", "rx packets", "drops", "rxq", "txq",
                "sleeps", "ns/pkt", "share"));
        for (StatsView.NfView nf : v.nfs()) {
            b.append(String.format("%-5d %-16s %-14s %4d %8d %-8s %12s %12s %14d %10d %7d %7d %8d %8s %6s%n", nf.slot(),
                    nf.nf(), nf.service(), nf.instance(), nf.pid(), nf.state(), rate(nf.rxPps()), rate(nf.txPps()),
                    nf.rxPackets(), nf.drops(), nf.rxQueue(), nf.txQueue(), nf.sleeps(), rate(nf.costNs()),
                    nf.cpuShare() == null ? "-" : nf.cpuShare().toString()));
        }
        for (StatsView.FlowPoolView p : v.flowPools()) {
            b.append(String.format("per-flow %-14s %d instances: %d live, %d idle; %d flows (%s/s), %d ended, %d pool_full,"
                            + " %d failed%n", p.service(), p.instances(), p.live(), p.idle(), p.activations(),
                    rate(p.activationsPerS()), p.ended(), p.poolFull(), p.failed()));
        }
        b.append(String.format("%n%-5s %-16s %-10s %12s %12s %14s %14s%n", "port", "name", "kind", "rx pps", "tx pps",
                "rx packets", "tx packets"));
        for (StatsView.PortView p : v.ports()) {
            b.append(String.format("%-5d %-16s %-10s %12s %12s %14d %14d%n", p.id(), p.name(), p.kind(),
                    rate(p.rxPps()), rate(p.txPps()), p.rxPackets(), p.txPackets()));
        }
        if (!v.hops().isEmpty()) {
            b.append("\nhops (pps):");
            for (StatsView.HopView h : v.hops()) {
                b.append("  ").append(h.from()).append(" -> ").append(h.to()).append(' ').append(rate(h.pps()));
            }
            b.append('\n');
        }
        b.append("\ndrops:");
        long total = 0;
        for (Map.Entry<String, Long> e : v.drops().entrySet()) {
            if (e.getValue() != 0) {
                b.append(' ').append(e.getKey()).append('=').append(e.getValue());
                total += e.getValue();
            }
        }
        if (total == 0) {
            b.append(" none");
        }
        for (StatsView.ChainStatsView c : v.chains()) {
            if (c.throttled() || c.backpressureDrops() > 0 || c.ecnMarked() > 0) {
                b.append(String.format("%nchain %s: %s, %d dropped at entry (backpressure), %d ECN-marked", c.name(),
                        c.throttled() ? "throttled by slot " + c.bottleneckSlot() : "admitted", c.backpressureDrops(),
                        c.ecnMarked()));
            }
        }
        var pool = v.pool();
        b.append(String.format("%npool: %d buffers, %d free, %d cached, %d in flight%n%n", pool.total(), pool.free(),
                pool.cached(), pool.inFlight()));
        return b.toString();
    }

    private static String rate(Double perSecond) {
        return perSecond == null ? "-" : String.format("%,.0f", perSecond);
    }
}

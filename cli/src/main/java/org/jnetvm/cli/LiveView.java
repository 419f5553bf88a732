package org.jnetvm.cli;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.StatsSnapshot;

/**
 * The terminal view of a running manager: per-NF and per-port packet rates, queue occupancy,
 * drops by reason and the pool audit, redrawn in place once a second on a terminal (plain
 * successive blocks when the output is a pipe or file). Rates come from two snapshots.
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
        StringBuilder b = new StringBuilder(2048);
        if (terminal) {
            b.append(CLEAR);
        }
        double seconds = previous == null ? 0 : (now.nanos() - previous.nanos()) / 1e9;
        b.append(title).append("  (Ctrl-C stops)\n\n");
        b.append(String.format("%-5s %-16s %-14s %4s %8s %-8s %12s %12s %10s %7s %7s %8s%n",
                "slot", "nf", "service", "inst", "pid", "state", "rx pps", "tx pps", "drops", "rxq", "txq", "sleeps"));
        Map<Integer, StatsSnapshot.Nf> before = new HashMap<>();
        if (previous != null) {
            previous.nfs().forEach(nf -> before.put(nf.slot(), nf));
        }
        for (StatsSnapshot.Nf nf : now.nfs()) {
            StatsSnapshot.Nf old = before.get(nf.slot());
            b.append(String.format("%-5d %-16s %-14s %4d %8d %-8s %12s %12s %10d %7d %7d %8d%n", nf.slot(), nf.name(),
                    nf.serviceName(), nf.instanceId(), nf.pid(), nf.state(),
                    rate(old == null ? null : old.rxPackets(), nf.rxPackets(), seconds),
                    rate(old == null ? null : old.txPackets(), nf.txPackets(), seconds),
                    nf.drops(), nf.rxQueue(), nf.txQueue(), nf.sleeps()));
        }
        b.append(String.format("%n%-5s %-16s %-10s %12s %12s %14s %14s%n", "port", "name", "kind", "rx pps", "tx pps",
                "rx packets", "tx packets"));
        Map<Integer, StatsSnapshot.Port> portsBefore = new HashMap<>();
        if (previous != null) {
            previous.ports().forEach(p -> portsBefore.put(p.id(), p));
        }
        for (StatsSnapshot.Port p : now.ports()) {
            StatsSnapshot.Port old = portsBefore.get(p.id());
            b.append(String.format("%-5d %-16s %-10s %12s %12s %14d %14d%n", p.id(), p.name(), p.kind(),
                    rate(old == null ? null : old.rxPackets(), p.rxPackets(), seconds),
                    rate(old == null ? null : old.txPackets(), p.txPackets(), seconds), p.rxPackets(), p.txPackets()));
        }
        b.append("\ndrops:");
        for (DropReason reason : DropReason.values()) {
            long n = now.drops().get(reason);
            if (n != 0) {
                b.append(' ').append(reason.label).append('=').append(n);
            }
        }
        if (now.totalDrops() == 0) {
            b.append(" none");
        }
        var pool = now.pool();
        b.append(String.format("%npool: %d buffers, %d free, %d cached, %d in flight%n%n", pool.total(), pool.free(),
                pool.cached(), pool.inFlight()));
        return b.toString();
    }

    private static String rate(Long before, long now, double seconds) {
        if (before == null || seconds <= 0) {
            return "-";
        }
        return String.format("%,.0f", (now - before) / seconds);
    }
}

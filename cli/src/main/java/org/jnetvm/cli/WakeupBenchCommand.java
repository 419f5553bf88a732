package org.jnetvm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jnetvm.bench.wakeup.WakeupBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jnetvm bench wakeup}: batched wake-up of hosted NFs against waking them on every packet. */
@Command(name = "wakeup", mixinStandardHelpOptions = true,
        description = {"One NF host of N basic_monitor NFs (small slots) behind a generator whose flows spread over all"
                + " of them, then a latency probe; each case twice: per_packet (a sleeping NF is woken by its first"
                + " packet) and batched (woken when 32 packets wait or a 1 ms window ends).",
                "Per run: the host's CPU, NF wake-ups per packet, packets per second, latency p50/p99 (RX to the"
                        + " probe), drops; then batched against per_packet for each case."},
        footer = {"", "Example: bin/jnetvm bench wakeup --json          # 10, 100 and 1000 NFs at 50,000 pps",
                "         bin/jnetvm bench wakeup --case 100:200000 --seconds 10"})
final class WakeupBenchCommand implements Callable<Integer> {

    @Option(names = "--case", paramLabel = "NFS:PPS",
            description = "A case to run, NFs and packets per second (repeatable; default 10:50000, 100:50000,"
                    + " 1000:50000).")
    List<String> cases = new ArrayList<>();

    @Mixin
    TimedRunOptions run = new TimedRunOptions();

    @Override
    public Integer call() {
        BenchSupport.quiet();
        if (!run.check("wakeup")) {
            return 2;
        }
        List<WakeupBench.Case> parsed = new ArrayList<>();
        for (String c : cases) {
            String[] parts = c.split(":");
            try {
                int nfs = Integer.parseInt(parts[0]);
                long rate = Long.parseLong(parts[1]);
                if (parts.length != 2 || nfs < 1 || nfs > 65_000 || rate < 1) {
                    throw new NumberFormatException();
                }
                parsed.add(new WakeupBench.Case(nfs, rate));
            } catch (RuntimeException e) {
                System.err.println("bench wakeup: --case " + c + " is not NFS:PPS with 1..65000 NFs and a rate of 1 or"
                        + " more, such as 100:50000");
                return 2;
            }
        }
        WakeupBench.Settings defaults = WakeupBench.Settings.defaults();
        WakeupBench.Settings s = new WakeupBench.Settings(parsed.isEmpty() ? defaults.cases() : parsed,
                defaults.warmupMillis(), run.millis());
        List<WakeupBench.Run> runs = WakeupBench.run(s, System.err);
        System.out.print(WakeupBench.table(runs));
        if (run.json) {
            System.out.println(WakeupBench.json(runs));
        }
        System.out.flush();
        return 0;
    }
}

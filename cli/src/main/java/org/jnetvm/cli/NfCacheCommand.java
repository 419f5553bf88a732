package org.jnetvm.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jnetvm.manager.AotTraining;
import org.jnetvm.manager.nf.AotCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jnetvm nf-cache}: makes the AOT cache NF processes start from (a training run). */
@Command(name = "nf-cache", mixinStandardHelpOptions = true,
        description = {"Make the JDK AOT cache that NF processes start from (about half the start time).",
                "How:",
                "a training run of one NF process against a throwaway manager; the JVM writes the cache when the NF exits.",
                "The cache's file name carries a hash of the class path jars and the JVM flags, so a rebuild needs a new",
                "one (bin/jnetvm makes it after each build). It lives in cli/target/aot/."})
final class NfCacheCommand implements Callable<Integer> {

    @Option(names = "--force", description = "Train again even if a matching cache exists.")
    boolean force;

    @Option(names = "--check", description = "Only say whether a matching cache exists (exit 0 if it does, 1 if not).")
    boolean check;

    @Option(names = "--traffic-ms", defaultValue = "2000", paramLabel = "MS",
            description = "How long packets flow through the training NF (default ${DEFAULT-VALUE}).")
    long trafficMillis;

    @Override
    public Integer call() throws Exception {
        Optional<AotCache> cache = AotTraining.cache();
        if (cache.isEmpty()) {
            System.err.println("jnetvm nf-cache: no AOT cache applies (the class path must be jars only, and a cache"
                    + " directory known: -D" + AotCache.DIR_PROPERTY + "=DIR or jnetvm-cli.jar on the class path)");
            return 1;
        }
        if (check) {
            System.out.println((cache.get().exists() ? "present: " : "absent: ") + cache.get().file());
            return cache.get().exists() ? 0 : 1;
        }
        if (!force && cache.get().exists()) {
            System.out.println("jnetvm nf-cache: up to date: " + cache.get().file());
            return 0;
        }
        System.err.println("jnetvm nf-cache: training run (about " + (trafficMillis / 1000 + 5) + " s) ...");
        // The training NF writes the cache after it said bye, which takes longer than the registry
        // waits for a departed NF's process to end: its warning about that is expected here.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.jnetvm.manager.nf.NfRegistry.class)).setLevel(ch.qos.logback.classic.Level.ERROR);
        AotTraining.Result r = AotTraining.train(trafficMillis);
        System.out.printf(Locale.ROOT, "jnetvm nf-cache: wrote %s (%.1f MB) in %.1f s; %d packets through the training NF%n",
                r.cache(), r.bytes() / 1e6, r.seconds(), r.packets());
        return 0;
    }
}

package org.jnetvm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.stats.StatsReader;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.manager.config.ConfigException;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.RegionConfig;
import org.jnetvm.ops.view.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetvm stats}: reads every counter straight from a running manager's shared-memory region, as VPP's stats
 * segment is read: no REST server, no message to the manager, only loads; it works while the data plane is busy.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Show a running manager's counters, read straight from its shared-memory region.",
                "Per NF: state, pid, rates, packets, drops, ring occupancy; per port: rates and packets; drops by",
                "reason; the pool audit. No REST server is involved: this reads the region's counters directly.",
                "The region is found by name (hugetlbfs or /dev/shm), by file path, or from a manager config."},
        footer = {"", "Examples:",
                "  bin/jnetvm stats                      the region of a manager started without --config (jnetvm)",
                "  bin/jnetvm stats jnetvm-demo --watch  the demo's, once a second until Ctrl-C",
                "  bin/jnetvm stats -c lab.yaml --json   one JSON object (what GET /api/v1/stats answers)"})
final class StatsCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "NAME|PATH",
            description = "region name (region.name in the manager's config) or region file path; default: jnetvm")
    String region;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Take the region from this manager config.")
    Path config;

    @Option(names = {"-w", "--watch"}, description = "Show the counters again every interval, with rates, until Ctrl-C.")
    boolean watch;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between two views with --watch (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "0",
            description = "With --watch: stop after N views (default: until Ctrl-C).")
    int count;

    @Option(names = "--json", description = "Print JSON: one object, or with --watch one line per view (with rates).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (interval <= 0 || interval > 3600) {
            System.err.println("jnetvm stats: --interval " + interval + " is not in (0, 3600] seconds");
            return 2;
        }
        Path path;
        try {
            path = regionFile();
        } catch (ConfigException e) {
            System.err.println("jnetvm stats: " + e.getMessage());
            return 2;
        }
        try (Region r = path != null ? Region.map(path) : Region.map(region == null ? "jnetvm" : region)) {
            StatsReader reader = new StatsReader(r);
            Views views = new Views(r);
            LiveView view = new LiveView("jnetvm stats " + r.name() + " (" + r.path() + ")", System.out);
            StatsSnapshot previous = null;
            long periodNanos = (long) (interval * 1e9);
            long next = System.nanoTime();
            for (int shown = 0; !watch && shown < 1 || watch && (count == 0 || shown < count); shown++) {
                if (shown > 0) {
                    next += periodNanos;
                    LockSupport.parkNanos(next - System.nanoTime());
                    if (!Files.exists(r.path())) {
                        System.err.println("jnetvm stats: the region is gone: its manager stopped");
                        return 0;
                    }
                }
                StatsSnapshot now = reader.snapshot();
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("region", r.name());
                    out.put("stats", Views.stats(now, previous));
                    out.put("services", views.services());
                    out.put("chains", views.chains(-1));
                    System.out.println(Views.JSON.writeValueAsString(out));
                } else {
                    view.show(now);
                }
                previous = now;
            }
        }
        return 0;
    }

    // The region file a config names, or null to find the region by name.
    private Path regionFile() {
        if (config == null) {
            return region != null && (region.contains("/") || Files.exists(Path.of(region))) ? Path.of(region) : null;
        }
        if (region != null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "give a region name or --config, not both");
        }
        RegionConfig rc = ConfigLoader.load(config).region();
        region = rc.name();
        return rc.directory() == null ? null : Path.of(rc.directory(), Region.fileName(rc.name()));
    }
}

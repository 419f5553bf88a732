package org.jnetvm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.pool.PoolAudit;
import org.jnetvm.core.region.AreaKind;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnetvm region NAME|PATH}: maps a live region read-mostly and prints its header and pool audit. */
@Command(name = "region", mixinStandardHelpOptions = true,
        description = {"Show a shared-memory region: where it is, its layout, and where its buffers are (pool audit).",
                "The region is found by name on hugetlbfs or /dev/shm, or given as a file path."})
final class RegionCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME|PATH", description = "region name (as in the manager's config) or region file path")
    String region;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path path = Path.of(region);
        try (Region r = region.contains("/") || Files.exists(path) ? Region.map(path) : Region.map(region)) {
            RegionLayout layout = r.layout();
            PoolAudit audit = new PacketPool(r).audit();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", r.name());
            out.put("path", r.path().toString());
            out.put("bytes", r.segment().byteSize());
            out.put("huge_pages", r.hugePages());
            out.put("creator_pid", r.creatorPid());
            out.put("buffers", layout.bufferCount());
            out.put("buffer_stride", layout.bufferStride());
            out.put("headroom", layout.headroom());
            out.put("data_room", layout.dataRoom());
            out.put("rings", layout.ringCount());
            out.put("ring_capacity", layout.ringCapacity());
            out.put("pool_caches", layout.cacheCount());
            out.put("nf_slots", layout.nfSlots());
            out.put("nf_ring_capacity", layout.ringCapacity());
            out.put("small_nf_slots", layout.smallSlots());
            out.put("small_nf_ring_capacity", layout.smallRingCapacity());
            Map<String, Object> areas = new LinkedHashMap<>();
            for (AreaKind kind : AreaKind.values()) {
                RegionLayout.Area a = layout.area(kind);
                areas.put(kind.name(), Map.of("offset", a.offset(), "length", a.length()));
            }
            out.put("areas", areas);
            out.put("audit", Map.of("total", audit.total(), "free", audit.free(), "cached", audit.cached(),
                    "in_flight", audit.inFlight()));
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else {
                System.out.println(r);
                System.out.printf("  %d buffers of %d B (headroom %d, data room %d), %d rings of %d, %d pool caches%n",
                        layout.bufferCount(), layout.bufferStride(), layout.headroom(), layout.dataRoom(),
                        layout.ringCount(), layout.ringCapacity(), layout.cacheCount());
                System.out.printf("  %d NF slots with rings of %d, of them the last %d small, with rings of %d%n",
                        layout.nfSlots(), layout.ringCapacity(), layout.smallSlots(), layout.smallRingCapacity());
                for (AreaKind kind : AreaKind.values()) {
                    RegionLayout.Area a = layout.area(kind);
                    System.out.printf("  %-12s offset %12d  length %12d%n", kind, a.offset(), a.length());
                }
                System.out.println("  " + audit);
            }
        }
        return 0;
    }
}

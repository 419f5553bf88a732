package org.jnetvm.manager.port;

import java.nio.file.Path;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionSpec;

/**
 * Child-JVM main for {@link AfPacketPortTest}: opens an AF_PACKET port on the interface named by
 * {@code args[0]} and prints "opened" or the refusal's message; exit status 0 either way.
 */
public final class AfPacketOpenProbe {
    private AfPacketOpenProbe() {
    }

    public static void main(String[] args) {
        RegionSpec spec = RegionSpec.builder("test-afprobe-" + ProcessHandle.current().pid())
                .directory(Path.of("/dev/shm")).bufferCount(256).cacheCount(2).cacheCapacity(32).ringCount(0)
                .ringCapacity(64).portCount(1).threadCount(1).build();
        try (Region region = Region.create(spec)) {
            PacketPool pool = new PacketPool(region);
            try (AfPacketPort port = new AfPacketPort("wire0", args[0], 0, region.segment(), pool.newMeta(),
                    pool.dataRoom())) {
                System.out.println("opened " + port.interfaceName());
            } catch (AfPacketPort.PortException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}

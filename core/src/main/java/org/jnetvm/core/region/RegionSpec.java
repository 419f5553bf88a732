package org.jnetvm.core.region;

import java.nio.file.Path;
import org.jnetvm.core.buffer.PacketBufferDescriptor;
import org.jnetvm.core.util.Align;

/**
 * What a region should hold, as the creator (the manager) asks for it. Immutable; build one
 * with {@link #builder(String)}, whose defaults suit a small manager.
 *
 * @param name          region name, [A-Za-z0-9_.-]{1,63}; the file is {@code jnetvm-NAME.region}
 * @param directory     where to create the file, or null to choose (hugetlbfs, else /dev/shm)
 * @param bufferCount   packet buffers in the pool
 * @param headroom      bytes before a frame's default start
 * @param dataRoom      bytes for the frame itself
 * @param cacheCount    per-thread pool cache slots (threads that allocate or free at once)
 * @param cacheCapacity buffers a pool cache keeps for its thread
 * @param ringCount     general-purpose SPSC rings (NF rx/tx rings)
 * @param ringCapacity  slots per ring (general rings and each NF's rx and tx ring), a power of two
 * @param nfSlots       NFs that can be registered at once (each has a table slot and two rings)
 * @param serviceCount  service ids are 1..serviceCount
 * @param maxInstances  instances one service can have
 * @param chainCount    chains, numbered 0 (the default chain) to chainCount - 1
 * @param maxChainLength services one chain can name
 * @param portCount     ports the manager can open
 * @param threadCount   manager data-plane threads that keep counters (rx, tx, reclaimer)
 * @param flowEntries   exact-match flow entries of the flow director (a power of two)
 * @param flowRules     flow director rules
 * @param nfHosts       NF hosts (processes that run many NFs as virtual threads) that can be attached at once
 * @param smallSlots    how many of the nfSlots are small, the last ones: rings of smallRingCapacity and an inbox of
 *                      {@link org.jnetvm.core.msg.MessageDescriptor#SMALL_CAPACITY} messages, for the thousands of
 *                      per-flow NFs a host runs (Flurries), beside the few big NFs' slots
 * @param smallRingCapacity slots of each small NF slot's rx and tx ring, a power of two
 */
public record RegionSpec(String name, Path directory, int bufferCount, int headroom, int dataRoom,
                         int cacheCount, int cacheCapacity, int ringCount, int ringCapacity,
                         int nfSlots, int serviceCount, int maxInstances, int chainCount,
                         int maxChainLength, int portCount, int threadCount, int flowEntries, int flowRules,
                         int nfHosts, int smallSlots, int smallRingCapacity) {

    public static final int MAX_BUFFERS = 1 << 26;

    public RegionSpec {
        check(name != null && name.matches("[A-Za-z0-9_.-]{1,63}"), "name",
                name, "1 to 63 characters of A-Z a-z 0-9 _ . -");
        check(bufferCount >= 1 && bufferCount <= MAX_BUFFERS, "bufferCount", bufferCount, "1.." + MAX_BUFFERS);
        check(headroom >= 0 && headroom <= 4096 && headroom % 8 == 0, "headroom", headroom, "0..4096, a multiple of 8");
        check(dataRoom >= 64 && dataRoom <= PacketBufferDescriptor.MAX_DATA_ROOM, "dataRoom", dataRoom,
                "64.." + PacketBufferDescriptor.MAX_DATA_ROOM);
        check(cacheCount >= 0 && cacheCount <= 4096, "cacheCount", cacheCount, "0..4096");
        check(cacheCapacity >= 1 && cacheCapacity <= 4096, "cacheCapacity", cacheCapacity, "1..4096");
        check(ringCount >= 0 && ringCount <= 1 << 16, "ringCount", ringCount, "0..65536");
        check(Align.isPowerOfTwo(ringCapacity) && ringCapacity <= 1 << 24, "ringCapacity", ringCapacity,
                "a power of two up to 2^24");
        check(nfSlots >= 1 && nfSlots <= 1 << 16, "nfSlots", nfSlots, "1..65536");
        check(serviceCount >= 1 && serviceCount <= 65535, "serviceCount", serviceCount, "1..65535");
        check(maxInstances >= 1 && maxInstances <= 65_536, "maxInstances", maxInstances, "1..65536");
        check(chainCount >= 1 && chainCount <= 65535, "chainCount", chainCount, "1..65535");
        check(maxChainLength >= 1 && maxChainLength <= 255, "maxChainLength", maxChainLength, "1..255");
        check(portCount >= 1 && portCount <= 1024, "portCount", portCount, "1..1024");
        check(threadCount >= 1 && threadCount <= 256, "threadCount", threadCount, "1..256");
        check(Align.isPowerOfTwo(flowEntries) && flowEntries >= 64 && flowEntries <= 1 << 24, "flowEntries",
                flowEntries, "a power of two in 64..2^24");
        check(flowRules >= 1 && flowRules <= 65536, "flowRules", flowRules, "1..65536");
        check(nfHosts >= 0 && nfHosts <= 1024, "nfHosts", nfHosts, "0..1024");
        check(smallSlots >= 0 && smallSlots <= nfSlots, "smallSlots", smallSlots, "0..nfSlots (" + nfSlots + ")");
        check(Align.isPowerOfTwo(smallRingCapacity) && smallRingCapacity >= 2
                        && (smallSlots == 0 || smallRingCapacity <= ringCapacity),
                "smallRingCapacity", smallRingCapacity, "a power of two in 2..ringCapacity (" + ringCapacity + ")");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("region spec: " + field + " = " + value + " is invalid, expected " + expected);
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Mutable builder with defaults: 16 Ki buffers of 2048 B, 64 caches of 256, 64 rings of 1024,
     * 256 NF slots, 64 services of up to 32 instances, 64 chains of up to 16 services,
     * 16 ports, 32 manager threads, 16 Ki flow entries, 256 flow rules and 4 NF hosts; no small slots (their rings
     * would have 64 slots).
     */
    public static final class Builder {
        private final String name;
        private Path directory;
        private int bufferCount = 16 * 1024;
        private int headroom = PacketBufferDescriptor.DEFAULT_HEADROOM;
        private int dataRoom = PacketBufferDescriptor.DEFAULT_DATA_ROOM;
        private int cacheCount = 64;
        private int cacheCapacity = 256;
        private int ringCount = 64;
        private int ringCapacity = 1024;
        private int nfSlots = 256;
        private int serviceCount = 64;
        private int maxInstances = 32;
        private int chainCount = 64;
        private int maxChainLength = 16;
        private int portCount = 16;
        private int threadCount = 32;
        private int flowEntries = 16 * 1024;
        private int flowRules = 256;
        private int nfHosts = 4;
        private int smallSlots = 0;
        private int smallRingCapacity = 64;

        private Builder(String name) {
            this.name = name;
        }

        public Builder directory(Path directory) { this.directory = directory; return this; }
        public Builder bufferCount(int bufferCount) { this.bufferCount = bufferCount; return this; }
        public Builder headroom(int headroom) { this.headroom = headroom; return this; }
        public Builder dataRoom(int dataRoom) { this.dataRoom = dataRoom; return this; }
        public Builder cacheCount(int cacheCount) { this.cacheCount = cacheCount; return this; }
        public Builder cacheCapacity(int cacheCapacity) { this.cacheCapacity = cacheCapacity; return this; }
        public Builder ringCount(int ringCount) { this.ringCount = ringCount; return this; }
        public Builder ringCapacity(int ringCapacity) { this.ringCapacity = ringCapacity; return this; }
        public Builder nfSlots(int nfSlots) { this.nfSlots = nfSlots; return this; }
        public Builder serviceCount(int serviceCount) { this.serviceCount = serviceCount; return this; }
        public Builder maxInstances(int maxInstances) { this.maxInstances = maxInstances; return this; }
        public Builder chainCount(int chainCount) { this.chainCount = chainCount; return this; }
        public Builder maxChainLength(int maxChainLength) { this.maxChainLength = maxChainLength; return this; }
        public Builder portCount(int portCount) { this.portCount = portCount; return this; }
        public Builder threadCount(int threadCount) { this.threadCount = threadCount; return this; }

        public Builder flowEntries(int flowEntries) { this.flowEntries = flowEntries; return this; }
        public Builder flowRules(int flowRules) { this.flowRules = flowRules; return this; }
        public Builder nfHosts(int nfHosts) { this.nfHosts = nfHosts; return this; }
        public Builder smallSlots(int smallSlots) { this.smallSlots = smallSlots; return this; }
        public Builder smallRingCapacity(int smallRingCapacity) { this.smallRingCapacity = smallRingCapacity; return this; }

        public RegionSpec build() {
            return new RegionSpec(name, directory, bufferCount, headroom, dataRoom,
                    cacheCount, cacheCapacity, ringCount, ringCapacity, nfSlots, serviceCount, maxInstances,
                    chainCount, maxChainLength, portCount, threadCount, flowEntries, flowRules, nfHosts, smallSlots,
                    smallRingCapacity);
        }
    }
}

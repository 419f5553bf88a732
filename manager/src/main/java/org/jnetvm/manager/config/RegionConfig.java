package org.jnetvm.manager.config;

import java.util.Objects;

/**
 * Size and place of the shared-memory region ({@code region:}): the manager creates the region from it, and the
 * limits here size the NF table, the service table and the chain table inside the region.
 *
 * @param name           region name, also part of the region file and default socket names
 * @param directory      where the region file goes; {@code null} lets the manager choose (hugetlbfs, else /dev/shm)
 * @param buffers        packet buffers in the pool
 * @param dataRoom       bytes of frame each buffer holds
 * @param ringCapacity   slots of each NF rx and tx ring (a power of two)
 * @param nfSlots        NFs that can be registered at once
 * @param maxServices    service ids run from 1 to this
 * @param maxInstances   instances one service may have
 * @param maxChains      chains, the default chain included
 * @param maxChainLength services one chain may list
 * @param nfHosts        NF hosts (processes running many NFs as virtual threads) that can be attached at once
 * @param smallSlots     how many of the nfSlots are small: rings of smallRingCapacity and a 4-message inbox, for
 *                       the NFs of services with {@code smallSlots: true} (per-flow NFs, thousands per host)
 * @param smallRingCapacity slots of each small NF slot's rx and tx ring (a power of two, at most ringCapacity)
 */
public record RegionConfig(
        String name,
        String directory,
        int buffers,
        int dataRoom,
        int ringCapacity,
        int nfSlots,
        int maxServices,
        int maxInstances,
        int maxChains,
        int maxChainLength,
        int nfHosts,
        int smallSlots,
        int smallRingCapacity) {

    /** What an absent {@code region:} key, or an absent key inside it, means. */
    static final RegionConfig DEFAULTS = new RegionConfig("jnetvm", null, 16_384, 2048, 4096, 256, 64, 32, 64, 16, 4, 0,
            64);

    public RegionConfig {
        Objects.requireNonNull(name, "name");
    }
}

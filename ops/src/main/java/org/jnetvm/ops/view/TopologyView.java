package org.jnetvm.ops.view;

import java.util.List;

/** The services and chains of a region, as the REST API and the dashboard's chain graph show them. */
public final class TopologyView {
    private TopologyView() {
    }

    /**
     * One service.
     *
     * @param id       service id
     * @param name     its name
     * @param slots    NF slots of its live instances, in the order the data plane spreads flows over them
     * @param chains   names of the chains it is on
     */
    public record ServiceView(int id, String name, List<Integer> slots, List<String> chains) {
    }

    /**
     * One chain.
     *
     * @param id        chain id (0 is the config's chains.default)
     * @param name      its name
     * @param services  service names in chain order
     * @param serviceIds their ids
     * @param isDefault whether unclassified packets take this chain now (null where that is not known: read from
     *                  shared memory alone, outside the manager)
     */
    public record ChainView(int id, String name, List<String> services, List<Integer> serviceIds, Boolean isDefault) {
    }
}

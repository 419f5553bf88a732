package org.jnetvm.manager.config;

/**
 * A service: an id and a name that chains and NFs refer to ({@code services[]}). In a loaded
 * {@link ManagerConfig} every service has its id, including those defined implicitly by {@code nfs:}.
 *
 * @param id   1..maxServices; 0 in a file means "the lowest free id"
 * @param name unique name, not all digits (a reference that is all digits is an id)
 * @param capture a pcap file the service's NFs write every packet they receive into (instance i &gt; 0
 *                into FILE with "-i" before the extension), or null
 * @param priority the service's weight in the scheduler's cpu shares (1..1000, default 1): an NF of priority 2 gets
 *                 twice the share of one of priority 1 with the same load and cost
 * @param smallSlots whether the service's NFs take small NF slots (region.smallSlots: small rings and inbox), as
 *                   the thousands of per-flow NFs of an NF host should; default false (a big slot)
 * @param perFlow    null for a service whose flows share its instances (picked by flow hash); else each flow gets
 *                   an instance of its own ({@link PerFlowConfig})
 */
public record ServiceConfig(int id, String name, String capture, int priority, boolean smallSlots,
                            PerFlowConfig perFlow) {

    /** What absent keys of a service entry mean: a free id, and no name, which the loader refuses. */
    static final ServiceConfig DEFAULTS = new ServiceConfig(0, null, null, 1, false, null);

    /** A service that is not per-flow. */
    public ServiceConfig(int id, String name, String capture, int priority, boolean smallSlots) {
        this(id, name, capture, priority, smallSlots, null);
    }

    /** The same service with id {@code id}. */
    public ServiceConfig withId(int id) {
        return new ServiceConfig(id, name, capture, priority, smallSlots, perFlow);
    }

    /** A service without capture, of priority 1, in big slots. */
    public ServiceConfig(int id, String name) {
        this(id, name, null, 1, false);
    }

    /** A service in big slots. */
    public ServiceConfig(int id, String name, String capture, int priority) {
        this(id, name, capture, priority, false);
    }
}

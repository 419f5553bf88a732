package org.jnetvm.manager.config;

/**
 * A service: an id and a name that chains and NFs refer to ({@code services[]}). In a loaded
 * {@link ManagerConfig} every service has its id, including those defined implicitly by {@code nfs:}.
 *
 * @param id   1..maxServices; 0 in a file means "the lowest free id"
 * @param name unique name, not all digits (a reference that is all digits is an id)
 * @param capture a pcap file the service's NFs write every packet they receive into (instance i &gt; 0
 *                into FILE with "-i" before the extension), or null
 */
public record ServiceConfig(int id, String name, String capture) {

    /** What absent keys of a service entry mean: a free id, and no name, which the loader refuses. */
    static final ServiceConfig DEFAULTS = new ServiceConfig(0, null, null);

    /** A service without capture. */
    public ServiceConfig(int id, String name) {
        this(id, name, null);
    }
}

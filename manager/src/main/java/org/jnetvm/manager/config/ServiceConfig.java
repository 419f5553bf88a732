package org.jnetvm.manager.config;

/**
 * A service: an id and a name that chains and NFs refer to ({@code services[]}). In a loaded
 * {@link ManagerConfig} every service has its id, including those defined implicitly by {@code nfs:}.
 *
 * @param id   1..maxServices; 0 in a file means "the lowest free id"
 * @param name unique name, not all digits (a reference that is all digits is an id)
 */
public record ServiceConfig(int id, String name) {

    /** What absent keys of a service entry mean: a free id, and no name, which the loader refuses. */
    static final ServiceConfig DEFAULTS = new ServiceConfig(0, null);
}

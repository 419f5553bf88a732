package org.jnetvm.manager.config;

import java.util.List;

/**
 * An NF the manager starts itself ({@code nfs[]}), as a process or inside the manager's JVM. Look its service up with
 * {@link ManagerConfig#service(String)}.
 *
 * @param nf        built-in NF name (e.g. {@code basic_monitor}) or fully qualified class name
 * @param service   service reference: a service name, or an id written as a number
 * @param instances how many copies to start
 * @param inProcess run inside the manager JVM instead of as a process
 * @param args      arguments passed to the NF
 */
public record NfConfig(String nf, String service, int instances, boolean inProcess, List<String> args) {

    /** What absent keys of an NF entry mean; {@code nf} and {@code service} have none, the loader asks for them. */
    static final NfConfig DEFAULTS = new NfConfig(null, null, 1, false, List.of());

    public NfConfig {
        args = List.copyOf(args);
    }
}

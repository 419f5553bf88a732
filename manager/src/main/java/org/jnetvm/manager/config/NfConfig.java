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
 * @param inline    run inside the manager JVM on an RX thread, run to completion after the ports are read, its OUT
 *                  packets sent by that thread (no thread of its own, no hand-off to a TX thread); implies in-process
 * @param host      run the {@code instances} in one NF host process, each a virtual thread with its own slot
 *                  ({@code jnetvm nf NAME --host N}), instead of a process each
 * @param restart   start the NF process again when it dies without saying bye (a crash, kill -9, a hang)
 */
public record NfConfig(String nf, String service, int instances, boolean inProcess, List<String> args, boolean inline,
                       boolean host, boolean restart) {

    /** What absent keys of an NF entry mean; {@code nf} and {@code service} have none, the loader asks for them. */
    static final NfConfig DEFAULTS = new NfConfig(null, null, 1, false, List.of(), false, false, false);

    public NfConfig {
        args = List.copyOf(args);
    }

    /** An NF that is not inline. */
    public NfConfig(String nf, String service, int instances, boolean inProcess, List<String> args) {
        this(nf, service, instances, inProcess, args, false, false, false);
    }
}

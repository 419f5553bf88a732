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
 * @param wakeThreshold with {@code host}: packets in a sleeping NF's ring that wake it at once; fewer wait for the
 *                  host's window (Flurries' batched wake-up). 1 (default): the first packet wakes it
 * @param wakeWindowUs with a wake threshold over 1: the longest a packet that found its NF asleep waits, in µs;
 *                  0 (default): 1000 divided by the service's priority, so higher-priority services are woken first
 */
public record NfConfig(String nf, String service, int instances, boolean inProcess, List<String> args, boolean inline,
                       boolean host, boolean restart, int wakeThreshold, int wakeWindowUs) {

    /** What absent keys of an NF entry mean; {@code nf} and {@code service} have none, the loader asks for them. */
    static final NfConfig DEFAULTS = new NfConfig(null, null, 1, false, List.of(), false, false, false, 1, 0);

    /** The window a host of this entry gets for a service of {@code priority}, in µs. */
    public int wakeWindowUs(int priority) {
        return wakeWindowUs > 0 ? wakeWindowUs : Math.max(1, 1000 / Math.max(1, priority));
    }

    public NfConfig {
        args = List.copyOf(args);
    }

    /** An NF that is not inline. */
    public NfConfig(String nf, String service, int instances, boolean inProcess, List<String> args) {
        this(nf, service, instances, inProcess, args, false, false, false, 1, 0);
    }
}

package org.jnetvm.nf;

import org.jnetvm.core.msg.Message;

/**
 * What an NF author writes: a handler for bursts of packets, and optional lifecycle hooks.
 * The platform calls every method from the NF's one loop thread, so an NF needs no locks for
 * its own state.
 *
 * <p>Each packet arrives with its action set to NEXT (go on along its chain); the handler
 * changes it with {@link PacketBurst#drop}, {@link PacketBurst#toService},
 * {@link PacketBurst#out} or leaves it. After the handler returns, the platform carries the
 * actions out. The same class runs as its own process ({@code jnetvm nf NAME}) or inside the
 * manager's JVM, unchanged.
 *
 * <p>Options: an NF class may carry picocli {@code @Option}s and {@code @Command(name=...)};
 * {@code jnetvm nf NAME --help} lists them beside the platform's own.
 */
public interface NetworkFunction {

    /** Once, after registration and before the first packet. */
    default void init(NfContext context) {
    }

    /** Handles one burst; sets each packet's action. */
    void process(PacketBurst burst, NfContext context);

    /**
     * Called when a poll found no packets (at most once per poll, before the loop idles):
     * for NFs that make packets or report periodically. Keep it short.
     */
    default void idle(NfContext context) {
    }

    /**
     * Called for each message taken from this NF's inbox, from the loop between bursts (up to
     * 16 per loop round). {@code message} is reused for the next one: copy what must outlive
     * the call. Types are the senders' (see {@link NfContext#send}).
     */
    default void onMessage(Message message, NfContext context) {
    }

    /**
     * An instance of a per-flow service ({@code services[].perFlow} in the manager's config) serves one flow at a
     * time: this is called before the first burst of each new flow it is given. Reset the per-flow state here: the
     * instance is recycled from flow to flow, not restarted (Flurries' NF recycling). Never called for NFs of other
     * services.
     */
    default void onFlowStart(NfContext context) {
    }

    /**
     * A per-flow NF's flow has ended (TCP FIN both ways or RST and a linger, an idle timeout, or the handler threw on
     * it): its last packet has been handled. Report on the flow here; the instance then waits for its next flow.
     */
    default void onFlowEnd(NfContext context) {
    }

    /** Once, when the NF stops (asked to, or at the end of the process). */
    default void stop(NfContext context) {
    }
}

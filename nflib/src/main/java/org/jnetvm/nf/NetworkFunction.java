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

    /** Once, when the NF stops (asked to, or at the end of the process). */
    default void stop(NfContext context) {
    }
}

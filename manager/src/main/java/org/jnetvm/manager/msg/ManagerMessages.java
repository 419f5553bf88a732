package org.jnetvm.manager.msg;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.msg.Inbox;
import org.jnetvm.core.msg.Message;
import org.jnetvm.core.msg.MessageDescriptor;
import org.jnetvm.core.msg.Messages;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's messages: one thread reads the manager's inbox (polling, then parking a
 * millisecond when it is empty: messages are control, not data), hands {@link Message#SCALE_UP}
 * requests to the scaler and every other message to the listeners; {@link #send} puts a
 * message in an NF's inbox.
 *
 * <p>Thread-safety: {@link #send} and the listener list from any thread; listeners run on the
 * reader thread, one message at a time.
 */
public final class ManagerMessages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerMessages.class);
    private static final long IDLE_PARK_NANOS = 1_000_000L;

    private final Region region;
    private final Messages messages;
    private final Inbox inbox;
    private final NfTable nfs;
    private final IntConsumer scaler;
    private final List<Consumer<Message>> listeners = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    /** @param scaler called on the reader thread with the slot of an NF that asked for another instance */
    public ManagerMessages(Region region, IntConsumer scaler) {
        this.region = region;
        this.messages = new Messages(region);
        this.inbox = messages.inbox(MessageDescriptor.MANAGER);
        this.nfs = new NfTable(region);
        this.scaler = scaler;
        this.reader = Thread.ofPlatform().name("jnetvm-messages").daemon(true).start(this::read);
    }

    private void read() {
        Message message = new Message();
        while (!closed) {
            if (!inbox.poll(message)) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
                continue;
            }
            messages.countReceived(MessageDescriptor.MANAGER);
            try {
                if (message.type() == Message.SCALE_UP) {
                    scaler.accept(message.sender());
                } else {
                    for (Consumer<Message> listener : listeners) {
                        listener.accept(message);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("handling {} failed", message, e);
            }
        }
    }

    /** Adds a listener for the messages NFs send to the manager (application types, 0 or more). */
    public void listen(Consumer<Message> listener) {
        listeners.add(listener);
    }

    /**
     * Sends a message to the NF in {@code slot}; its {@code onMessage} hook gets it between bursts.
     *
     * @return false if no NF holds the slot or its inbox is full (counted as refused)
     * @throws IllegalArgumentException for a negative type or a payload over {@link MessageDescriptor#PAYLOAD_LENGTH} bytes
     */
    public boolean send(int slot, int type, byte[] payload, int offset, int length) {
        if (type < 0) {
            throw new IllegalArgumentException("message type " + type + " is negative: those are the platform's");
        }
        if (slot < 0 || slot >= nfs.slots() || !NfState.accepts(nfs.state(slot))) {
            messages.count(MessageDescriptor.MANAGER, false);
            return false;
        }
        boolean ok = messages.send(MessageDescriptor.MANAGER, slot, type, payload, offset, length);
        if (ok) {
            Doorbell.ring(region.segment(), nfs.doorbellOffset(slot));
        }
        return ok;
    }

    /** Messages the manager sent and had accepted. */
    public long sent() {
        return messages.sent(MessageDescriptor.MANAGER);
    }

    /** Messages the manager could not deliver. */
    public long refused() {
        return messages.refused(MessageDescriptor.MANAGER);
    }

    /** Messages the manager took from its inbox. */
    public long received() {
        return messages.received(MessageDescriptor.MANAGER);
    }

    /** The region's message counters (per NF slot: sent, refused, received). */
    public Messages counters() {
        return messages;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(reader);
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.jnetvm.manager.control;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jnetvm.nf.control.ControlError;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.jnetvm.nf.control.ControlMessage.State;

/**
 * A handler that behaves like a small manager: instance 1 of every service is taken, service
 * "nope" does not exist, "boom" makes the handler throw and "silent" makes it return null.
 * It records what it saw so that tests can wait for it.
 */
final class FakeManager implements ControlHandler {
    static final String REGION = "/dev/shm/jnetvm-test-region";
    static final int SERVICE_ID = 7;
    static final int TAKEN_INSTANCE = 1;

    private final AtomicInteger nextSlot = new AtomicInteger();
    final BlockingQueue<ControlConnection> registered = new LinkedBlockingQueue<>();
    final BlockingQueue<State> states = new LinkedBlockingQueue<>();
    final BlockingQueue<ControlConnection> closed = new LinkedBlockingQueue<>();
    /** onClosed calls per connection id: must end at exactly 1 for every connection. */
    final Map<Long, AtomicInteger> closedCalls = new ConcurrentHashMap<>();

    /** The manager's record of an NF, kept as the connection's attachment. */
    record NfRecord(int slot, long pid) {
    }

    @Override
    public ControlMessage onRegister(ControlConnection connection, Register r) {
        switch (r.service()) {
            case "nope" -> {
                return new ControlMessage.Error(ControlError.UNKNOWN_SERVICE, "no service 'nope'");
            }
            case "boom" -> throw new IllegalStateException("handler failure on purpose");
            case "silent" -> {
                return null;
            }
            default -> {
            }
        }
        if (r.instance() == TAKEN_INSTANCE) {
            return new ControlMessage.Error(ControlError.INSTANCE_TAKEN,
                    "instance 1 of service '" + r.service() + "' is held by another NF: ask for another or -1");
        }
        int slot = nextSlot.getAndIncrement();
        int instance = r.instance() == Register.ANY_INSTANCE ? 100 + slot : r.instance();
        connection.attach(new NfRecord(slot, r.pid()));
        registered.add(connection);
        return new Registered(slot, SERVICE_ID, instance, REGION, r.layoutVersion());
    }

    @Override
    public ControlMessage onState(ControlConnection connection, State s) {
        states.add(s);
        return null;
    }

    @Override
    public void onClosed(ControlConnection connection) {
        closedCalls.computeIfAbsent(connection.id(), id -> new AtomicInteger()).incrementAndGet();
        closed.add(connection);
    }
}

package org.jnetvm.manager.control;

import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.State;

/**
 * What the manager does with valid control requests; implemented by the manager, called by
 * {@link ControlServer}. The server has already checked the protocol (framing, JSON, version,
 * register before state, one register per connection), so a handler only decides.
 *
 * <p>Threads: each connection's calls come from that connection's virtual thread, one at a
 * time and in order, ending with {@link #onClosed}; calls for different connections run
 * concurrently, so shared manager state needs its own locking. An exception thrown here is
 * logged and answered with {@link org.jnetvm.nf.control.ControlError#INTERNAL}; it never stops
 * the server.
 */
public interface ControlHandler {

    /**
     * An NF asks to register. Called only on a connection that is not registered yet.
     *
     * @return {@link ControlMessage.Registered} to accept (the connection then counts as
     *         registered, and {@link ControlConnection#attach} is the place for the NF's record),
     *         or {@link ControlMessage.Error} to refuse (the NF may try again)
     */
    ControlMessage onRegister(ControlConnection connection, Register register);

    /**
     * A registered NF reports a state change.
     *
     * @return a reply to send, usually an {@link ControlMessage.Error}, or null for none
     */
    ControlMessage onState(ControlConnection connection, State state);

    /**
     * The connection has ended for whatever reason: bye ({@link ControlConnection#saidBye()}),
     * the NF closed it or died, a protocol error, {@link ControlConnection#close()}, or the
     * server closing. Called exactly once per accepted connection, registered or not, after
     * its last other call; the connection is closed by then.
     */
    void onClosed(ControlConnection connection);
}

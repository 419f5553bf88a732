package org.jnetvm.manager.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import org.jnetvm.nf.control.ControlCodec;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NF's control connection, as the manager sees it: lets the manager send to that NF
 * ({@link ControlMessage.Stop}, {@link ControlMessage.Pause}, {@link ControlMessage.Resume}),
 * carries the manager's record of the NF ({@link #attach}), and ends the connection
 * ({@link #close()}). Created by {@link ControlServer} for each accepted connection; every
 * method may be called from any thread.
 */
public final class ControlConnection {
    /** {@link #frameStartedNanos} and {@link #writeStartedNanos} when nothing is in progress. */
    static final long IDLE = Long.MIN_VALUE;

    private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);

    private final long id;
    private final SocketChannel channel;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Object attachment;
    private volatile Register registration;
    private volatile boolean saidBye;

    // Read by the server's watchdog to end connections stuck mid-frame or mid-write.
    volatile long frameStartedNanos = IDLE;
    volatile long writeStartedNanos = IDLE;
    volatile boolean frameTimedOut;

    ControlConnection(long id, SocketChannel channel) {
        this.id = id;
        this.channel = channel;
    }

    /** A number that names this connection in logs; unique within one server. */
    public long id() {
        return id;
    }

    /**
     * Sends a message to the NF, blocking until the socket took it. Thread-safe: messages from
     * several threads never interleave. A write that stalls past the server's frame timeout
     * (an NF that stopped reading) closes the connection.
     *
     * @throws IOException if the connection is closed or broken (the NF is gone)
     */
    public void send(ControlMessage message) throws IOException {
        writeLock.lock();
        try {
            writeStartedNanos = System.nanoTime();
            ControlCodec.write(channel, message);
        } finally {
            writeStartedNanos = IDLE;
            writeLock.unlock();
        }
    }

    /** The manager's record of this NF, or null before {@link #attach}. */
    public Object attachment() {
        return attachment;
    }

    /** Stores the manager's record of this NF (any object) with the connection. */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    /** The accepted register request, or null while the connection is not registered. */
    public Register registration() {
        return registration;
    }

    /** Whether a register on this connection was accepted. */
    public boolean isRegistered() {
        return registration != null;
    }

    /** Whether the NF ended the connection with bye (a clean exit) rather than vanishing. */
    public boolean saidBye() {
        return saidBye;
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Ends the connection; the handler's {@link ControlHandler#onClosed} follows on the
     * connection's thread. Idempotent.
     */
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing control connection {}: {}", id, e.toString());
        }
    }

    SocketChannel channel() {
        return channel;
    }

    void registered(Register register) {
        this.registration = register;
    }

    void markBye() {
        this.saidBye = true;
    }

    void frameStarted() {
        frameStartedNanos = System.nanoTime();
    }

    void frameEnded() {
        frameStartedNanos = IDLE;
    }

    /** Stops reading: a read blocked mid-frame sees the end of the stream, and the server can still reply. */
    void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            close();
        }
    }

    @Override
    public String toString() {
        Register r = registration;
        return "control connection " + id + (r == null ? " (not registered)"
                : " (" + r.nf() + " pid " + r.pid() + ", service " + r.service() + ")");
    }
}

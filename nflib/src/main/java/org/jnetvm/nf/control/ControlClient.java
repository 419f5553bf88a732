package org.jnetvm.nf.control;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jnetvm.nf.control.ControlMessage.Bye;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NF's end of the control connection to the manager. The connection stays open for the
 * NF's whole life: the manager learns that the NF has died when it closes.
 *
 * <p>Typical use: {@link #connect(Path, Consumer)}, {@link #register}, then
 * {@link #send(ControlMessage)} state changes, and {@link #close()} (which says bye) on exit.
 * A virtual thread reads what the manager sends; {@link ControlMessage.Stop},
 * {@link ControlMessage.Pause}, {@link ControlMessage.Resume} and errors that answer a
 * {@code state} go to the listener on that thread. {@link #send} and {@link #close} may be
 * called from any thread, the listener's included; {@link #register} from one thread, once.
 */
public final class ControlClient implements AutoCloseable {
    /** How long {@link #register} waits for the manager's reply. */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ControlClient.class);

    private final Path socket;
    private final SocketChannel channel;
    private final Consumer<ControlMessage> listener;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Set while {@link #register} waits: the reader completes it with the next registered or error. */
    private final AtomicReference<CompletableFuture<ControlMessage>> pendingReply = new AtomicReference<>();
    private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Registered registration;
    private volatile boolean byeSent;

    private ControlClient(Path socket, SocketChannel channel, Consumer<ControlMessage> listener) {
        this.socket = socket;
        this.channel = channel;
        this.listener = listener;
    }

    /** Connects with a listener that only logs what the manager sends; for tools and tests. */
    public static ControlClient connect(Path socket) throws IOException {
        return connect(socket, m -> log.info("control message from the manager, no listener: {}", m));
    }

    /**
     * Connects to the manager's control socket and starts reading from it.
     *
     * @param listener gets every message from the manager that is not the reply to
     *                 {@link #register}, on the reader's virtual thread, in order; it should
     *                 return quickly (hand work to the NF's own thread)
     * @throws ConnectException if no manager listens there (no socket file, or a stale one)
     * @throws IOException      if the socket cannot be reached for another reason (permissions)
     */
    public static ControlClient connect(Path socket, Consumer<ControlMessage> listener) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            IOException clear;
            if (e instanceof ConnectException || !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                clear = new ConnectException("no manager listening at " + socket + ": start one with `jnetvm manager`");
            } else {
                clear = new IOException("cannot connect to the manager at " + socket + ": " + e.getMessage()
                        + " (check the socket's owner and mode)");
            }
            clear.initCause(e);
            throw clear;
        }
        ControlClient client = new ControlClient(socket, channel, listener);
        Thread.ofVirtual().name("control-client " + socket.getFileName()).start(client::readLoop);
        return client;
    }

    /**
     * Registers this process as an instance of a service and waits for the manager's answer.
     *
     * @param service       a service name or its decimal id
     * @param instance      the instance id wanted, or {@link Register#ANY_INSTANCE}
     * @param nf            this NF's kind, e.g. {@code simple_forward}
     * @param layoutVersion the shared-memory layout version this NF was built with
     * @return the slot, ids and region the manager gave this NF
     * @throws ControlRejectedException if the manager said no, with its code and reason
     * @throws SocketTimeoutException   if it did not answer within {@link #REPLY_TIMEOUT}
     * @throws IOException              if the connection failed or the manager went away
     * @throws IllegalStateException    if this client has registered already
     */
    public Registered register(String service, int instance, String nf, int layoutVersion) throws IOException {
        return register(service, instance, nf, layoutVersion, false);
    }

    /**
     * As {@link #register(String, int, String, int)}, saying whether this NF runs in an NF host (which can start
     * more NFs like it when the manager sends {@link ControlMessage.Spawn}).
     */
    public Registered register(String service, int instance, String nf, int layoutVersion, boolean hosted)
            throws IOException {
        if (registration != null) {
            throw new IllegalStateException("this control connection is registered already as " + registration
                    + ": connect again for another NF");
        }
        CompletableFuture<ControlMessage> reply = new CompletableFuture<>();
        if (!pendingReply.compareAndSet(null, reply)) {
            throw new IllegalStateException("another register on this connection is waiting for its reply");
        }
        try {
            if (disconnected.isDone()) {
                throw new EOFException("the control connection to the manager at " + socket + " has ended");
            }
            send(new Register(service, instance, ProcessHandle.current().pid(), nf, layoutVersion, hosted));
            ControlMessage answer = reply.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return switch (answer) {
                case Registered r -> {
                    registration = r;
                    yield r;
                }
                case ControlMessage.Error e -> throw new ControlRejectedException(
                        "register of service '" + service + "' instance " + instance, e.code(), e.message());
                default -> throw new IllegalStateException("reader completed the register reply with " + answer);
            };
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("the manager at " + socket + " did not answer register within "
                    + REPLY_TIMEOUT.toSeconds() + " s: is it stuck? see its log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the manager's register reply");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ControlProtocolException p) {
                throw new ControlProtocolException(p.error(), p.getMessage());
            }
            throw new IOException("lost the manager at " + socket + " while waiting for the register reply: "
                    + cause.getMessage(), cause);
        } finally {
            pendingReply.compareAndSet(reply, null);
        }
    }

    /**
     * Sends a message to the manager, usually a {@link ControlMessage.State}. Thread-safe. After
     * a {@link Bye} sent here, {@link #close()} does not say bye again.
     *
     * @throws ClosedChannelException if this client is closed or the manager went away
     */
    public void send(ControlMessage message) throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        write(message);
        if (message instanceof Bye) {
            byeSent = true;
        }
    }

    /** The manager's answer to {@link #register}, or null before it. */
    public Registered registration() {
        return registration;
    }

    /**
     * Completes (always normally, so {@code thenRun} is enough) when the connection ends for
     * whatever reason: the manager closed it or died, it broke (the cause is logged), or this
     * client was closed. An NF that did not close it itself has lost its manager and should exit.
     */
    public CompletableFuture<Void> disconnected() {
        return disconnected;
    }

    /** Says bye if registered, then closes the connection. Idempotent; any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (registration != null && !byeSent && channel.isOpen()) {
            try {
                write(new Bye());
            } catch (IOException e) {
                log.debug("bye to the manager at {} not sent: {}", socket, e.toString());
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the control connection to {}: {}", socket, e.toString());
        }
    }

    private void write(ControlMessage message) throws IOException {
        writeLock.lock();
        try {
            ControlCodec.write(channel, message);
        } finally {
            writeLock.unlock();
        }
    }

    private void readLoop() {
        Exception failure = null;
        try {
            while (true) {
                ControlMessage m;
                try {
                    m = ControlCodec.read(channel);
                } catch (ControlProtocolException e) {
                    if (e.error().losesFrameSync()) {
                        throw e;
                    }
                    // A whole frame we cannot read (a newer manager?): skip it, the next one is intact.
                    log.warn("ignored a control message from the manager at {}: {}: {}", socket, e.error(), e.getMessage());
                    continue;
                }
                if (m == null) {
                    break;
                }
                if (m instanceof Registered || m instanceof ControlMessage.Error) {
                    CompletableFuture<ControlMessage> reply = pendingReply.getAndSet(null);
                    if (reply != null) {
                        reply.complete(m);
                        continue;
                    }
                }
                deliver(m);
            }
        } catch (ClosedChannelException e) {
            // close() on this side: a normal end.
        } catch (IOException | ControlProtocolException e) {
            failure = e;
            if (!closed.get()) {
                log.warn("control connection to the manager at {} failed: {}", socket, e.toString());
            }
        } finally {
            // disconnected first: register() checks it after posting its reply future, so a
            // register racing with this end either sees it done or has its future failed here.
            disconnected.complete(null);
            CompletableFuture<ControlMessage> reply = pendingReply.getAndSet(null);
            if (reply != null) {
                reply.completeExceptionally(failure != null ? failure
                        : new EOFException("the manager closed the connection"));
            }
        }
    }

    private void deliver(ControlMessage m) {
        try {
            listener.accept(m);
        } catch (RuntimeException e) {
            log.error("control listener failed on {} from the manager at {}", m, socket, e);
        }
    }

    @Override
    public String toString() {
        return "ControlClient[" + socket + (registration != null ? ", slot " + registration.slot() : "") + "]";
    }
}

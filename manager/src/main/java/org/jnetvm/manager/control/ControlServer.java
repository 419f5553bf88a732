package org.jnetvm.manager.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jnetvm.nf.control.ControlCodec;
import org.jnetvm.nf.control.ControlError;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Bye;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.jnetvm.nf.control.ControlMessage.State;
import org.jnetvm.nf.control.ControlProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's control socket: listens on a Unix-domain socket, serves each NF connection on
 * its own virtual thread, enforces the protocol and passes valid requests to a
 * {@link ControlHandler}.
 *
 * <p>Bad input never stops the server: it is answered with an {@code error} of the specific
 * {@link ControlError} (when the socket is still writable) and counted in
 * {@link #errorCounts()}. After {@link ControlError#TRUNCATED} or {@link ControlError#OVERSIZED}
 * the connection is closed, since the next frame's start is lost; after any other error it
 * stays usable. A frame that has started but not finished within the frame timeout is
 * TRUNCATED too, so a half-sent frame cannot hold a thread forever; an idle connection (a
 * running NF that has nothing to say) is never timed out.
 *
 * <p>{@link #start} and {@link #close()} are for the manager's main thread; {@link #errorCounts()}
 * may be called from any thread.
 */
public final class ControlServer implements AutoCloseable {
    /** How long a started frame may take to arrive whole, unless {@link #start(Path, ControlHandler, Duration)} says otherwise. */
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final int BACKLOG = 256;
    /** S_IFMT and S_IFSOCK of st_mode: to tell a stale socket from a file we must not delete. */
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;
    /** How long close() waits for connection threads to deliver onClosed. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Path socket;
    private final ControlHandler handler;
    private final ServerSocketChannel server;
    private final long frameTimeoutNanos;
    /** Open connections and the virtual thread serving each. */
    private final Map<ControlConnection, Thread> connections = new ConcurrentHashMap<>();
    private final Map<ControlError, LongAdder> errors = new EnumMap<>(ControlError.class);
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ScheduledExecutorService watchdog;
    private final Thread acceptor;

    private ControlServer(Path socket, ControlHandler handler, ServerSocketChannel server, Duration frameTimeout) {
        this.socket = socket;
        this.handler = handler;
        this.server = server;
        this.frameTimeoutNanos = frameTimeout.toNanos();
        for (ControlError e : ControlError.values()) {
            errors.put(e, new LongAdder());
        }
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("control-watchdog").daemon().factory());
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), frameTimeoutNanos / 4);
        watchdog.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
        this.acceptor = Thread.ofPlatform().name("control-accept").daemon().start(this::acceptLoop);
    }

    /** Starts a server with {@link #DEFAULT_FRAME_TIMEOUT}. */
    public static ControlServer start(Path socket, ControlHandler handler) throws IOException {
        return start(socket, handler, DEFAULT_FRAME_TIMEOUT);
    }

    /**
     * Binds the control socket and starts accepting. A stale socket file left by a manager that
     * died is removed first.
     *
     * @param frameTimeout how long a started frame, or a write to an NF, may take
     * @throws IOException if another server answers on that socket, if the path is a file that
     *                     is not a socket, or if it cannot be bound (the message says which)
     */
    public static ControlServer start(Path socket, ControlHandler handler, Duration frameTimeout) throws IOException {
        if (frameTimeout.isNegative() || frameTimeout.isZero()) {
            throw new IllegalArgumentException("frame timeout " + frameTimeout + " must be positive");
        }
        Path path = socket.toAbsolutePath();
        removeStaleSocket(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), BACKLOG);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind the control socket at " + path + ": " + e.getMessage()
                    + " (does its directory exist and is it writable? is the path under 108 bytes?)", e);
        }
        log.info("control socket listening at {}", path);
        return new ControlServer(path, handler, server, frameTimeout);
    }

    /** The socket path NFs connect to (absolute). */
    public Path socketPath() {
        return socket;
    }

    /** How many connections are open now. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * A snapshot of how many {@code error} replies the server has produced, per code, every code
     * present (zero included). Counted before the reply is written, also when it cannot be.
     */
    public Map<ControlError, Long> errorCounts() {
        Map<ControlError, Long> snapshot = new EnumMap<>(ControlError.class);
        errors.forEach((code, n) -> snapshot.put(code, n.sum()));
        return Collections.unmodifiableMap(snapshot);
    }

    /**
     * Stops accepting, closes every connection, waits (up to 5 s) until each has had its
     * {@link ControlHandler#onClosed}, and deletes the socket file. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            log.warn("closing the control socket {}: {}", socket, e.toString());
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        join(acceptor, deadline);
        // The acceptor has stopped, so no connection is added after this snapshot.
        Map<ControlConnection, Thread> open = Map.copyOf(connections);
        open.keySet().forEach(ControlConnection::close);
        open.values().forEach(t -> join(t, deadline));
        watchdog.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.warn("could not delete the control socket {}: {}", socket, e.toString());
        }
        log.info("control socket at {} closed", socket);
    }

    private void acceptLoop() {
        while (!closing.get()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closing.get()) {
                    return;
                }
                // E.g. out of file descriptors: keep serving the connections we have, retry soon.
                log.warn("accepting on the control socket {} failed: {}", socket, e.toString());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                continue;
            }
            ControlConnection c = new ControlConnection(nextId.incrementAndGet(), channel);
            Thread t = Thread.ofVirtual().name("control-" + c.id()).unstarted(() -> serve(c));
            connections.put(c, t);
            t.start();
        }
    }

    /** The life of one connection, on its virtual thread. */
    private void serve(ControlConnection c) {
        log.debug("{} opened", c);
        try {
            while (true) {
                ControlMessage message;
                try {
                    message = ControlCodec.read(c.channel(), c::frameStarted);
                } catch (ControlProtocolException e) {
                    String why = c.frameTimedOut && e.error() == ControlError.TRUNCATED
                            ? "frame not complete within " + TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos)
                                    + " ms (" + e.getMessage() + ")"
                            : e.getMessage();
                    reject(c, e.error(), why);
                    if (e.error().losesFrameSync()) {
                        return;
                    }
                    continue;
                } finally {
                    c.frameEnded();
                }
                if (message == null || !dispatch(c, message)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The NF vanished (reset), or close() on this side: either way this connection is over.
            log.debug("{} ended: {}", c, e.toString());
        } finally {
            c.close();
            try {
                handler.onClosed(c);
            } catch (RuntimeException e) {
                log.error("control handler onClosed failed for {}", c, e);
            }
            connections.remove(c);
            log.debug("{} closed{}", c, c.saidBye() ? " after bye" : "");
        }
    }

    /** Acts on one well-formed message. Returns false when the connection should end (bye). */
    private boolean dispatch(ControlConnection c, ControlMessage message) throws IOException {
        switch (message) {
            case Register r -> {
                if (c.isRegistered()) {
                    Register first = c.registration();
                    reject(c, ControlError.ALREADY_REGISTERED, "this connection is registered already (service '"
                            + first.service() + "', nf " + first.nf() + "): connect again to register another NF");
                    return true;
                }
                ControlMessage reply = call(c, "register", () -> handler.onRegister(c, r));
                switch (reply) {
                    case Registered ok -> {
                        c.registered(r);
                        reply(c, ok);
                    }
                    case ControlMessage.Error refused -> reply(c, refused);
                    case null -> internal(c, "register", "the handler returned no reply");
                    default -> internal(c, "register", "the handler returned " + reply);
                }
            }
            case State s -> {
                if (!c.isRegistered()) {
                    reject(c, ControlError.NOT_REGISTERED, "state '" + s.state() + "' before register: register first");
                    return true;
                }
                ControlMessage reply = call(c, "state", () -> handler.onState(c, s));
                if (reply != null) {
                    reply(c, reply);
                }
            }
            case Bye b -> {
                if (!c.isRegistered()) {
                    reject(c, ControlError.NOT_REGISTERED, "bye before register: nothing to deregister");
                    return true;
                }
                c.markBye();
                return false;
            }
            default -> reject(c, ControlError.UNKNOWN_TYPE, "message type '" + ControlCodec.typeName(message.getClass())
                    + "' goes from the manager to an NF; an NF sends register, state or bye");
        }
        return true;
    }

    /** Calls the handler, turning its failure into an INTERNAL error reply. */
    private ControlMessage call(ControlConnection c, String request, Supplier<ControlMessage> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            log.error("control handler failed on {} from {}", request, c, e);
            return new ControlMessage.Error(ControlError.INTERNAL, "the manager failed while handling " + request
                    + " (" + e.getClass().getSimpleName() + "): see the manager's log");
        }
    }

    private void internal(ControlConnection c, String request, String what) throws IOException {
        log.error("control handler bug on {} from {}: {}", request, c, what);
        reject(c, ControlError.INTERNAL, "the manager failed while handling " + request + ": see the manager's log");
    }

    private void reject(ControlConnection c, ControlError code, String message) throws IOException {
        log.debug("{}: {} {}", c, code, message);
        reply(c, new ControlMessage.Error(code, message));
    }

    /** Sends a reply, counting it first if it is an error. A reply the NF can no longer take is dropped. */
    private void reply(ControlConnection c, ControlMessage reply) throws IOException {
        if (reply instanceof ControlMessage.Error e) {
            errors.get(e.code()).increment();
        }
        try {
            c.send(reply);
        } catch (IllegalArgumentException tooLong) {
            // Only a handler's reply can be this long; the NF still needs an answer.
            log.error("control reply to {} not sent: {}", c, tooLong.getMessage());
            reject(c, ControlError.INTERNAL, "the manager's reply was too long to send: see the manager's log");
        } catch (IOException e) {
            if (!c.isOpen()) {
                throw e;
            }
            // Half-closed by the NF (e.g. after a truncated frame): nothing to tell it; reading decides what follows.
            log.debug("reply to {} not delivered: {}", c, e.toString());
        }
    }

    /** Watchdog: ends frames and writes that stall past the frame timeout. */
    private void sweep() {
        long now = System.nanoTime();
        for (ControlConnection c : connections.keySet()) {
            long started = c.frameStartedNanos;
            if (started != ControlConnection.IDLE && now - started > frameTimeoutNanos && !c.frameTimedOut) {
                c.frameTimedOut = true;
                c.shutdownInput();
            }
            long writing = c.writeStartedNanos;
            if (writing != ControlConnection.IDLE && now - writing > frameTimeoutNanos) {
                log.warn("{} took no data for {} ms: closing it", c, TimeUnit.NANOSECONDS.toMillis(now - writing));
                c.close();
            }
        }
    }

    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & FILE_TYPE_MASK) != SOCKET_TYPE) {
            throw new IOException(path + " exists and is not a socket: remove it or choose another control socket path");
        }
        if (answers(path)) {
            throw new IOException("another manager is already listening at " + path
                    + ": stop it first, or give this one another control socket path");
        }
        // Nobody listens: a socket file left by a manager that died.
        Files.delete(path);
        log.info("removed stale control socket {}", path);
    }

    /** Whether a server accepts connections on the socket file at path. */
    private static boolean answers(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new IOException("cannot tell whether a manager listens at " + path + ": " + e.getMessage(), e);
        }
    }

    private static void join(Thread t, long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0 && !t.join(Duration.ofNanos(left))) {
                log.warn("{} did not finish within {} of close", t.getName(), CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ControlServer[" + socket + ", " + connections.size() + " connections]";
    }
}

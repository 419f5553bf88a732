package org.jnetvm.nf.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.jnetvm.core.host.HostTable;
import org.jnetvm.core.host.HostWaker;
import org.jnetvm.core.region.Region;
import org.jnetvm.nf.NetworkFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NF host: one process that runs many NFs, each a virtual thread with its own NF slot, rings and control
 * connection, over one mapping of the region ({@code jnetvm nf NAME --host N}). The NF classes are the same as
 * for an NF process: only how they idle differs. An idle hosted NF parks (a virtual thread in futex-wait would hold
 * its carrier thread); the host claims a block of the region's HOSTS area and runs one {@link HostWaker}, the only
 * thread that sleeps in the kernel, which unparks exactly the NFs that producers rang.
 *
 * <p>The manager sees N registered NFs with one pid: killing the host ends every connection, and the manager
 * reclaims each slot as it does for a dead NF process. A later host takes over the dead host's block.
 */
public final class NfHost implements NfSession.Attachment, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfHost.class);

    private Region region;
    private HostTable hosts;
    private HostWaker waker;
    private int host = -1;
    private final List<NfSession> sessions = new ArrayList<>();
    private final Object spawnLock = new Object();
    private IntFunction<NetworkFunction> factory;
    private NfSession.Settings settings;
    private int made;
    private boolean stopping;
    private final int wakeThreshold;
    private final long wakeWindowNanos;

    /** A host whose NFs are woken by their first packet. */
    public NfHost() {
        this(1, HostWaker.DEFAULT_WINDOW_NANOS);
    }

    /**
     * A host whose NFs are woken at once when their ring holds {@code wakeThreshold} packets, and otherwise
     * {@code wakeWindowNanos} after the first packet found them asleep (see {@link HostWaker}).
     */
    public NfHost(int wakeThreshold, long wakeWindowNanos) {
        this.wakeThreshold = wakeThreshold;
        this.wakeWindowNanos = wakeWindowNanos;
    }
    private final List<Thread> threads = new ArrayList<>();

    @Override
    public synchronized Region region(Path path) throws IOException {
        if (region == null) {
            region = Region.map(path);
            hosts = new HostTable(region);
            try {
                host = hosts.claim();
            } catch (IllegalStateException e) {
                region.close();
                region = null;
                throw new IOException(e.getMessage(), e);
            }
            waker = new HostWaker(region, host, wakeThreshold, wakeWindowNanos);
        } else if (!region.path().equals(path)) {
            throw new IOException("the manager named region " + path + " for a later NF of this host, "
                    + region.path() + " for the first: one host serves one manager");
        }
        return region;
    }

    @Override
    public synchronized HostWaker waker() {
        return waker;
    }

    /** The host block this host claimed, or -1 before its first NF registered. */
    public synchronized int host() {
        return host;
    }

    /**
     * Registers {@code count} NFs, each made by {@code factory} (given its index), and starts each on a virtual
     * thread. If one cannot register, the ones started are stopped and the error is thrown. Later
     * {@link #spawn spawns} make their NFs with the same factory, numbering on.
     */
    public void start(int count, IntFunction<NetworkFunction> factory, NfSession.Settings settings) throws IOException {
        synchronized (this) {
            this.factory = factory;
            this.settings = settings;
        }
        try {
            startMore(count);
        } catch (IOException | RuntimeException e) {
            requestStop();
            await();
            throw e;
        }
    }

    // Registers and starts count NFs, one after another; throws at the first that cannot register.
    private void startMore(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            IntFunction<NetworkFunction> make;
            NfSession.Settings with;
            int index;
            synchronized (this) {
                if (stopping) {
                    return;
                }
                make = factory;
                with = settings;
                index = made++;
            }
            NfSession session;
            try {
                session = NfSession.open(make.apply(index), with, null, this);
            } catch (IOException | RuntimeException e) {
                throw new IOException("NF " + (i + 1) + " of " + count + " could not register: " + e.getMessage(), e);
            }
            synchronized (this) {
                sessions.add(session);
                threads.add(Thread.ofVirtual().name("nf-" + with.kind() + "-" + session.registration().slot())
                        .start(() -> runOne(session)));
                if (stopping) {
                    session.requestStop();
                }
            }
        }
    }

    /**
     * Starts {@code count} more NFs like the first ones, on a virtual thread of their own (the control connection's
     * reader must not wait for their registrations). Those that register run; the first refusal ends the spawn
     * with a log line and leaves the running NFs alone.
     */
    @Override
    public void spawn(int count) {
        synchronized (this) {
            if (factory == null || stopping) {
                return;
            }
        }
        Thread.ofVirtual().name("nf-host-spawn").start(() -> {
            synchronized (spawnLock) { // one spawn at a time, so that their NFs number on in order
                try {
                    startMore(count);
                    LOG.debug("spawned {} NFs at the manager's request", count);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("the manager asked this host for {} more NFs: {}", count, e.getMessage());
                }
            }
        });
    }

    private static void runOne(NfSession session) {
        try {
            session.run();
        } catch (Exception e) {
            LOG.error("NF in slot {} failed: {}", session.registration().slot(), e.toString());
        } finally {
            session.close();
        }
    }

    /** The NFs' sessions, in registration order. */
    public synchronized List<NfSession> sessions() {
        return List.copyOf(sessions);
    }

    /** Asks every NF to stop, and any spawn going on to start no more; any thread. */
    public void requestStop() {
        synchronized (this) {
            stopping = true;
        }
        for (NfSession s : sessions()) {
            s.requestStop();
        }
    }

    /** Waits until every NF's loop has ended, those spawned meanwhile too. */
    public void await() {
        int joined = 0;
        while (true) {
            Thread next;
            synchronized (this) {
                if (joined == threads.size()) {
                    return;
                }
                next = threads.get(joined);
            }
            try {
                next.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            joined++;
        }
    }

    /** Stops the waker, gives the host block back and unmaps the region; after {@link #await}. */
    @Override
    public synchronized void close() {
        if (waker != null) {
            waker.close();
        }
        if (hosts != null && host >= 0) {
            hosts.release(host);
        }
        if (region != null) {
            region.close();
        }
    }

    /** Runs {@code count} NFs until they all stop (the manager stops them, or the process is told to). */
    static int run(int count, IntFunction<NetworkFunction> factory, NfSession.Settings settings, int wakeThreshold,
                   long wakeWindowNanos, PrintStream err) {
        NfHost host = new NfHost(wakeThreshold, wakeWindowNanos);
        Thread hook = new Thread(() -> {
            host.requestStop();
            host.await();
        }, "jnetvm-nf-host-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            host.start(count, factory, settings);
            host.await();
            return 0;
        } catch (IOException e) {
            err.println("jnetvm nf " + settings.kind() + " --host " + count + ": " + e.getMessage());
            return 1;
        } finally {
            host.close();
        }
    }
}

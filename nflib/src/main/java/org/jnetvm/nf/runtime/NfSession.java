package org.jnetvm.nf.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.control.ControlClient;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NF's life with a manager: connect to the control socket, register, map the region the
 * manager names, run the loop, say bye. The same steps serve an NF process ({@link NfMain})
 * and an NF inside the manager's JVM (the manager runs {@link #run} on a thread of its own).
 */
public final class NfSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfSession.class);

    /**
     * @param socket   the manager's control socket
     * @param service  service name or id to register for
     * @param instance instance id wanted, or -1 for any
     * @param kind     the NF's name (e.g. simple_forward), shown in stats
     * @param burst    packets per burst
     */
    public record Settings(Path socket, String service, int instance, String kind, int burst) {
    }

    /**
     * Where a session of an NF host gets the region and the host's waker: the host maps the region the first
     * registration names, once, and every later session shares it ({@link NfHost}).
     */
    public interface Attachment {
        /** The region at {@code path}, mapped once for all the host's NFs. */
        Region region(Path path) throws IOException;

        /** The waker that unparks the host's NFs; valid after {@link #region}. */
        org.jnetvm.core.host.HostWaker waker();

        /** Starts {@code count} more NFs like the host's (the manager asked: its per-flow pool is growing). */
        void spawn(int count);
    }

    private final ControlClient client;
    private final Region region;
    private final boolean ownsRegion;
    private final NfRuntime runtime;
    private final Registered registration;

    private NfSession(ControlClient client, Region region, boolean ownsRegion, NfRuntime runtime,
                      Registered registration) {
        this.client = client;
        this.region = region;
        this.ownsRegion = ownsRegion;
        this.runtime = runtime;
        this.registration = registration;
    }

    /**
     * Registers {@code nf} with the manager and prepares its loop.
     *
     * @throws IOException when the manager cannot be reached or refuses the NF (the message says why)
     */
    public static NfSession open(NetworkFunction nf, Settings settings) throws IOException {
        return open(nf, settings, null);
    }

    /**
     * As {@link #open(NetworkFunction, Settings)}; with {@code direct} not null the NF's OUT
     * packets go through it instead of the tx ring (an inline NF that a manager thread runs).
     */
    public static NfSession open(NetworkFunction nf, Settings settings, DirectOutput direct) throws IOException {
        return open(nf, settings, direct, null);
    }

    /**
     * As {@link #open(NetworkFunction, Settings, DirectOutput)}; with {@code attachment} not null the NF is one of an
     * NF host's: it shares the host's mapping of the region and parks when idle, woken by the host's waker.
     */
    public static NfSession open(NetworkFunction nf, Settings settings, DirectOutput direct, Attachment attachment)
            throws IOException {
        NfRuntime[] runtime = new NfRuntime[1];
        ControlClient[] self = new ControlClient[1];
        // A message can arrive between the manager's reply and the moment the loop exists (a stop
        // at the manager's shutdown): it is kept and carried out once the loop exists, not lost.
        List<ControlMessage> early = new ArrayList<>();
        ControlClient client = ControlClient.connect(settings.socket(), message -> {
            NfRuntime r;
            synchronized (early) {
                r = runtime[0];
                if (r == null) {
                    early.add(message);
                    return;
                }
            }
            carryOut(message, r, self[0], attachment);
        });
        self[0] = client;
        Region region = null;
        try {
            Registered registered = client.register(settings.service(), settings.instance(), settings.kind(),
                    RegionDescriptor.LAYOUT_VERSION, attachment != null);
            Path regionPath = Path.of(registered.regionPath());
            region = attachment == null ? Region.map(regionPath) : attachment.region(regionPath);
            NfRuntime.Hop hop = region.hopMode() == RegionDescriptor.HOP_MANAGER ? NfRuntime.Hop.MANAGER : NfRuntime.Hop.DIRECT;
            NfRuntime.Options options = new NfRuntime.Options(settings.burst(), hop,
                    NfRuntime.Options.defaults().sleepTimeoutNanos(),
                    registered.capture() == null ? null : Path.of(registered.capture()), direct);
            NfRuntime created = new NfRuntime(nf, region, registered.slot(), registered.serviceId(),
                    registered.instanceId(), attachment == null ? options : options.withHost(attachment.waker()));
            synchronized (early) {
                runtime[0] = created;
            }
            client.disconnected().thenRun(runtime[0]::requestStop);
            runtime[0].onStopping(() -> report(client, ControlMessage.NfState.STOPPING));
            List<ControlMessage> pending;
            synchronized (early) {
                pending = List.copyOf(early);
            }
            for (ControlMessage message : pending) {
                carryOut(message, runtime[0], client, attachment);
            }
            return new NfSession(client, region, attachment == null, runtime[0], registered);
        } catch (IOException | RuntimeException e) {
            client.close();
            if (region != null && attachment == null) {
                region.close();
            }
            throw e;
        }
    }

    private static void carryOut(ControlMessage message, NfRuntime r, ControlClient client, Attachment attachment) {
        switch (message) {
            case ControlMessage.Stop s -> r.requestStop();
            case ControlMessage.Pause p -> {
                r.paused(true);
                report(client, ControlMessage.NfState.PAUSED);
            }
            case ControlMessage.Resume p -> {
                r.paused(false);
                report(client, ControlMessage.NfState.RUNNING);
            }
            case ControlMessage.Spawn s -> {
                if (attachment != null) {
                    attachment.spawn(s.count());
                } else {
                    LOG.warn("the manager asked for {} more NFs like this one, but it is not in an NF host", s.count());
                }
            }
            default -> LOG.warn("unexpected control message from the manager: {}", message);
        }
    }

    // Tells the manager the state the NF is in now (after a pause or resume it asked for).
    private static void report(ControlClient client, ControlMessage.NfState state) {
        try {
            client.send(new ControlMessage.State(state));
        } catch (IOException e) {
            LOG.debug("state {} not sent: {}", state, e.toString());
        }
    }

    public Registered registration() {
        return registration;
    }

    public NfRuntime runtime() {
        return runtime;
    }

    /** Runs the NF's loop on the calling thread until it is asked to stop; then says bye. */
    public void run() throws IOException {
        runtime.onRunning(() -> report(client, ControlMessage.NfState.RUNNING));
        try {
            runtime.run();
        } finally {
            bye();
        }
    }

    /**
     * For a host that drives the NF from its own loop instead of {@link #run()} (an inline NF on
     * a manager RX thread): runs the init hook and reports RUNNING. Then {@link #step()} on one
     * thread until {@link #stopRequested()}, then {@link #finish()}.
     */
    public void start() {
        runtime.onRunning(() -> report(client, ControlMessage.NfState.RUNNING));
        runtime.start();
    }

    /** One round of the NF's loop, never sleeping; returns the packets handled. */
    public int step() {
        return runtime.step();
    }

    public boolean stopRequested() {
        return runtime.stopRequested();
    }

    /** Drains and stops the NF (see {@link NfRuntime#finish()}), then says bye. */
    public void finish() {
        try {
            runtime.finish();
        } finally {
            bye();
        }
    }

    private void bye() {
        try {
            client.send(new ControlMessage.Bye());
        } catch (IOException e) {
            LOG.debug("bye not sent: {}", e.toString());
        }
    }

    /** Asks the loop to stop; any thread. */
    public void requestStop() {
        runtime.requestStop();
    }

    /** Closes the connection, and the region unless it is an NF host's (the host unmaps it when all its NFs are done). */
    @Override
    public void close() {
        client.close();
        if (ownsRegion) {
            region.close();
        }
    }
}

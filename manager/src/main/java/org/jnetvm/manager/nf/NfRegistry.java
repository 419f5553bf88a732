package org.jnetvm.manager.nf;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.manager.control.ControlConnection;
import org.jnetvm.manager.control.ControlHandler;
import org.jnetvm.nf.control.ControlError;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's side of NF lifecycles: registers NFs that connect to the control socket
 * (service, instance id, table slot), tracks their state, and notices when one dies — its
 * control connection closes, its process exits, or (hung) its heartbeat stops — then has the
 * {@link Reclaimer} return its buffers. A restarted NF of the same service registers again and
 * takes over the traffic (the service's flows are spread over the instances there are).
 *
 * <p>Thread-safety: registration and death are serialised on one lock (they are rare);
 * reclaims run one at a time on their own thread. The data plane reads only the shared tables
 * and {@link #activeSlots()}, a snapshot array replaced on every change.
 */
public final class NfRegistry implements ControlHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfRegistry.class);
    /** A starting NF gets this long to map the region and run its init hook before its heartbeat counts. */
    private static final long STARTING_GRACE_NANOS = 15_000_000_000L;

    /** One registered NF. */
    public static final class Nf {
        final int slot;
        final int serviceId;
        final int instanceId;
        final long pid;
        final String kind;
        final boolean hosted;
        final ControlConnection connection;
        final long registeredNanos = System.nanoTime();
        final AtomicBoolean dead = new AtomicBoolean();
        final AtomicBoolean stopAsked = new AtomicBoolean();

        Nf(int slot, int serviceId, int instanceId, long pid, String kind, boolean hosted, ControlConnection connection) {
            this.slot = slot;
            this.serviceId = serviceId;
            this.instanceId = instanceId;
            this.pid = pid;
            this.kind = kind;
            this.hosted = hosted;
            this.connection = connection;
        }

        public int slot() { return slot; }
        public int serviceId() { return serviceId; }
        public int instanceId() { return instanceId; }
        public long pid() { return pid; }
        public String kind() { return kind; }
        /** Whether it runs in an NF host (which can start more like it: {@link NfRegistry#spawn}). */
        public boolean hosted() { return hosted; }
        /** System.nanoTime when it registered. */
        public long registeredNanos() { return registeredNanos; }
        /** Whether it has been found gone. */
        public boolean dead() { return dead.get(); }
        /** Whether it said bye before it went (a clean stop, not a crash, a kill or a hang). */
        public boolean saidBye() { return connection.saidBye(); }
    }

    /** Told of every NF that registers and of every one that is gone (the scheduler places NFs in cgroups). */
    public interface Listener {
        /** On the registering connection's thread, after the slot is claimed. */
        void registered(Nf nf);

        /** Once, when the NF is found gone (exit, death, hang), before its buffers are reclaimed. */
        void gone(Nf nf);
    }

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a listener; NFs registered before it was added are not replayed. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    private final Region region;
    private final NfTable nfs;
    private final ServiceTable services;
    private final Reclaimer reclaimer;
    private final long heartbeatTimeoutNanos;
    private final long ownPid = ProcessHandle.current().pid();
    private final Object lock = new Object();
    private final Map<Integer, Nf> bySlot = new HashMap<>();
    private final Map<Integer, BitSet> instancesByService = new HashMap<>();
    private final ExecutorService reclaims = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("jnetvm-reclaimer").daemon(true).factory());
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("jnetvm-watchdog").daemon(true).factory());
    private final AtomicLong deaths = new AtomicLong();
    private final AtomicLong reclaimedBuffers = new AtomicLong();
    private volatile int[] active = new int[0];
    private volatile Map<Integer, String> captures = Map.of();
    private volatile Set<Integer> smallSlotServices = Set.of();
    private volatile Map<Integer, Integer> instanceLimits = Map.of();

    public NfRegistry(Region region, Reclaimer reclaimer, long heartbeatTimeoutNanos) {
        this.region = region;
        this.nfs = new NfTable(region);
        this.services = new ServiceTable(region);
        this.reclaimer = reclaimer;
        this.heartbeatTimeoutNanos = heartbeatTimeoutNanos;
        long period = Math.max(10, heartbeatTimeoutNanos / 1_000_000 / 10);
        watchdog.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * The pcap files of services with {@code capture:} in the config, by service id: each NF of
     * such a service is told to write what it receives there (instance 0 into the file itself,
     * instance i into FILE with "-i" before its extension, so that instances never share a file).
     */
    public void captures(Map<Integer, String> byServiceId) {
        this.captures = Map.copyOf(byServiceId);
    }

    /**
     * The services whose NFs take small NF slots ({@code services[].smallSlots}): the region's last
     * {@code smallSlots} slots, with small rings and inbox. Every other service's NFs take the big ones.
     */
    public void smallSlotServices(Set<Integer> serviceIds) {
        this.smallSlotServices = Set.copyOf(serviceIds);
    }

    /**
     * The most instances each of these services may have registered at once (an elastic per-flow pool's
     * {@code perFlow.maxInstances}): a registration past it is refused with NO_SLOT, saying so. The pool's asks
     * for more instances cannot tell a spawned instance from one started otherwise; this bound holds regardless.
     */
    public void instanceLimits(Map<Integer, Integer> byServiceId) {
        this.instanceLimits = Map.copyOf(byServiceId);
    }

    /** The capture file of {@code instance} of a service whose capture file is {@code file}. */
    static String captureFile(String file, int instance) {
        if (file == null || instance == 0) {
            return file;
        }
        int slash = file.lastIndexOf('/');
        int dot = file.lastIndexOf('.');
        return dot > slash + 1 ? file.substring(0, dot) + "-" + instance + file.substring(dot) : file + "-" + instance;
    }

    /** NF slots in use now (any state but FREE): what TX threads drain. */
    public int[] activeSlots() {
        return active;
    }

    /** NFs registered now. */
    public List<Nf> nfs() {
        synchronized (lock) {
            return List.copyOf(bySlot.values());
        }
    }

    /** NFs found dead since start. */
    public long deaths() {
        return deaths.get();
    }

    /** Buffers the reclaimer returned from dead NFs since start. */
    public long reclaimedBuffers() {
        return reclaimedBuffers.get();
    }

    /** Waits until every reclaim asked for so far is done (tests, shutdown). */
    public void awaitReclaims() throws InterruptedException {
        try {
            reclaims.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("reclaims did not finish: " + e, e);
        }
    }

    @Override
    public ControlMessage onRegister(ControlConnection connection, Register r) {
        if (r.layoutVersion() != RegionDescriptor.LAYOUT_VERSION) {
            return error(ControlError.LAYOUT_MISMATCH, "NF built for shared-memory layout " + r.layoutVersion()
                    + ", manager uses " + RegionDescriptor.LAYOUT_VERSION + ": run the NF from the same JNetVM build");
        }
        int serviceId = services.find(r.service());
        if (serviceId < 0) {
            return error(ControlError.UNKNOWN_SERVICE, "service '" + r.service() + "' is not defined; known: "
                    + knownServices() + " (define it in the manager's config under services: or nfs:)");
        }
        Nf nf;
        synchronized (lock) {
            BitSet taken = instancesByService.computeIfAbsent(serviceId, k -> new BitSet());
            int instance = r.instance();
            if (instance >= 0 && taken.get(instance)) {
                return error(ControlError.INSTANCE_TAKEN, "instance " + instance + " of service '" + services.name(serviceId)
                        + "' is already registered; stop it first or ask for any instance (omit instance)");
            }
            if (instance < 0) {
                instance = taken.nextClearBit(0);
            }
            if (services.instanceCount(serviceId) >= region.layout().maxInstances()) {
                return error(ControlError.NO_SLOT, "service '" + services.name(serviceId) + "' already has "
                        + region.layout().maxInstances() + " instances (region.maxInstances)");
            }
            Integer limit = instanceLimits.get(serviceId);
            if (limit != null && services.instanceCount(serviceId) >= limit) {
                return error(ControlError.NO_SLOT, "service '" + services.name(serviceId) + "' already has " + limit
                        + " instances (its perFlow.maxInstances)");
            }
            boolean small = smallSlotServices.contains(serviceId);
            int first = region.layout().firstSmallSlot();
            int slot = small ? freeSlot(first, nfs.slots()) : freeSlot(0, first);
            if (slot < 0) {
                return error(ControlError.NO_SLOT, small
                        ? "all " + (nfs.slots() - first) + " small NF slots are in use (service '" + services.name(serviceId)
                                + "' has smallSlots: true; raise region.smallSlots)"
                        : "all " + first + " NF slots are in use (raise region.nfSlots"
                                + (first < nfs.slots() ? "; the last " + (nfs.slots() - first)
                                        + " are small, for services with smallSlots: true)" : ")"));
            }
            nfs.claim(slot, serviceId, instance, r.pid(), r.nf());
            services.addInstance(serviceId, slot);
            taken.set(instance);
            nf = new Nf(slot, serviceId, instance, r.pid(), r.nf(), r.hosted(), connection);
            bySlot.put(slot, nf);
            publishActive();
        }
        connection.attach(nf);
        if (nf.pid != ownPid) {
            Optional<ProcessHandle> handle = ProcessHandle.of(nf.pid);
            if (handle.isEmpty()) {
                died(nf, "its process " + nf.pid + " does not exist");
            } else {
                handle.get().onExit().thenRun(() -> died(nf, "its process exited"));
            }
        }
        LOG.info("NF {} registered: service {} ({}), instance {}, slot {}, pid {}", nf.kind, serviceId,
                services.name(serviceId), nf.instanceId, nf.slot, nf.pid);
        for (Listener listener : listeners) {
            listener.registered(nf);
        }
        return new ControlMessage.Registered(nf.slot, serviceId, nf.instanceId, region.path().toString(),
                RegionDescriptor.LAYOUT_VERSION, captureFile(captures.get(serviceId), nf.instanceId));
    }

    @Override
    public ControlMessage onState(ControlConnection connection, State state) {
        Nf nf = (Nf) connection.attachment();
        if (nf == null || nf.dead.get()) {
            return error(ControlError.NOT_REGISTERED, "this connection has no live NF");
        }
        switch (state.state()) {
            case RUNNING -> {
                if (!nfs.compareAndSetState(nf.slot, NfState.STARTING, NfState.RUNNING)) {
                    nfs.compareAndSetState(nf.slot, NfState.PAUSED, NfState.RUNNING);
                }
            }
            case PAUSED -> nfs.compareAndSetState(nf.slot, NfState.RUNNING, NfState.PAUSED);
            case STOPPING -> {
                synchronized (lock) {
                    services.removeInstance(nf.serviceId, nf.slot);
                }
                nfs.state(nf.slot, NfState.STOPPING);
            }
        }
        return null;
    }

    @Override
    public void onClosed(ControlConnection connection) {
        if (connection.attachment() instanceof Nf nf) {
            died(nf, connection.saidBye() ? "it said bye" : "its control connection closed");
        }
    }

    /** Pauses or resumes an NF: it stops taking packets from its ring meanwhile. */
    public boolean pause(int slot, boolean pause) {
        Nf nf;
        synchronized (lock) {
            nf = bySlot.get(slot);
        }
        if (nf == null) {
            return false;
        }
        try {
            nf.connection.send(pause ? new ControlMessage.Pause() : new ControlMessage.Resume());
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Asks the NF in {@code slot} to stop: it stops taking packets, drains what it holds and says bye, and its slot is
     * reclaimed like any other departure. Returns false if no live NF is registered there.
     */
    public boolean stop(int slot) {
        Nf nf;
        synchronized (lock) {
            nf = bySlot.get(slot);
        }
        if (nf == null || nf.dead.get()) {
            return false;
        }
        nf.stopAsked.set(true);
        try {
            nf.connection.send(new ControlMessage.Stop());
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Asks an NF host that runs instances of {@code serviceId} for {@code count} more (a per-flow pool grows): the
     * host among them with the fewest live NFs, so that growth spreads. Returns false if no live hosted NF serves
     * the service, or the request could not be sent.
     */
    public boolean spawn(int serviceId, int count) {
        Nf ask = null;
        synchronized (lock) {
            Map<Long, Integer> perHost = new HashMap<>();
            for (Nf nf : bySlot.values()) {
                if (nf.hosted && !nf.dead.get()) {
                    perHost.merge(nf.pid, 1, Integer::sum);
                }
            }
            int fewest = Integer.MAX_VALUE;
            for (Nf nf : bySlot.values()) {
                if (nf.hosted && nf.serviceId == serviceId && !nf.dead.get() && perHost.get(nf.pid) < fewest) {
                    fewest = perHost.get(nf.pid);
                    ask = nf;
                }
            }
        }
        if (ask == null) {
            return false;
        }
        try {
            ask.connection.send(new ControlMessage.Spawn(count));
            return true;
        } catch (java.io.IOException e) {
            LOG.debug("spawn to slot {} failed: {}", ask.slot, e.toString());
            return false;
        }
    }

    /**
     * Stops the NF in {@code slot} as {@link #stop} does, unless it is the last live NF of its process (a host whose
     * NFs have all stopped exits, and could not be asked to spawn again): a per-flow pool shrinks. Returns whether
     * it was asked to stop.
     */
    public boolean retire(int slot) {
        synchronized (lock) {
            Nf nf = bySlot.get(slot);
            if (nf == null || nf.dead.get()) {
                return false;
            }
            if (!anotherLiveNfOf(nf, false)) {
                return false;
            }
            nf.stopAsked.set(true);
        }
        return stop(slot);
    }

    /** Asks every NF to stop (they drain and say bye). */
    public void stopAll() {
        for (Nf nf : nfs()) {
            try {
                nf.connection.send(new ControlMessage.Stop());
            } catch (java.io.IOException e) {
                LOG.debug("stop to slot {} failed: {}", nf.slot, e.toString());
            }
        }
    }

    private void died(Nf nf, String why) {
        if (!nf.dead.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            nfs.state(nf.slot, NfState.DEAD);
            services.removeInstance(nf.serviceId, nf.slot);
            BitSet taken = instancesByService.get(nf.serviceId);
            if (taken != null) {
                taken.clear(nf.instanceId);
            }
        }
        LOG.info("NF {} (service {}, instance {}, slot {}, pid {}) is gone: {}", nf.kind, nf.serviceId,
                nf.instanceId, nf.slot, nf.pid, why);
        for (Listener listener : listeners) {
            listener.gone(nf);
        }
        nf.connection.close();
        reclaims.execute(() -> {
            // A hosted NF that stopped cleanly leaves its host running: no need to wait for the process.
            boolean processGone = nf.pid != ownPid && !(nf.hosted && nf.saidBye() && anotherLiveNfOf(nf, true))
                    && processEnded(nf.pid);
            Reclaimer.Result result = reclaimer.reclaim(nf.slot, processGone ? nf.pid : 0);
            reclaimedBuffers.addAndGet(result.buffers() + result.cached());
            synchronized (lock) {
                bySlot.remove(nf.slot);
                publishActive();
            }
        });
        // Counted once its reclaim is queued, so that awaitReclaims() after seeing a death waits for it.
        deaths.incrementAndGet();
    }

    // Whether another live NF shares the process of nf (an NF host); asked to stop or not, or only one that was not.
    private boolean anotherLiveNfOf(Nf nf, boolean stopping) {
        synchronized (lock) {
            for (Nf other : bySlot.values()) {
                if (other != nf && other.pid == nf.pid && !other.dead.get() && (stopping || !other.stopAsked.get())) {
                    return true;
                }
            }
            return false;
        }
    }

    // Whether the NF's process has ended, waiting a little for one whose connection closed
    // first (a crashing process closes its socket a moment before it is gone): only then is
    // its pool cache safe to take back.
    private static boolean processEnded(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return true;
        }
        try {
            handle.get().onExit().get(2, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("NF pid {} closed its control connection but still runs; its pool cache stays with it", pid);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private void checkHeartbeats() {
        long now = System.nanoTime();
        for (Nf nf : nfs()) {
            if (nf.dead.get()) {
                continue;
            }
            int state = nfs.state(nf.slot);
            // Until the NF is warm (first burst handled), a slow start is not a hang.
            long limit = state == NfState.STARTING.code || !nfs.isWarm(nf.slot) ? STARTING_GRACE_NANOS : heartbeatTimeoutNanos;
            long age = now - Math.max(nfs.heartbeat(nf.slot), nf.registeredNanos);
            if (age <= limit || state == NfState.PAUSED.code) {
                continue;
            }
            if (nf.pid == ownPid) {
                LOG.warn("in-process NF {} (slot {}) has not beaten for {} ms", nf.kind, nf.slot, age / 1_000_000);
                continue;
            }
            LOG.warn("NF {} (slot {}, pid {}) missed its heartbeat for {} ms: killing it", nf.kind, nf.slot, nf.pid,
                    age / 1_000_000);
            ProcessHandle.of(nf.pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().orTimeout(5, TimeUnit.SECONDS).join();
            });
            died(nf, "missed heartbeat (hung)");
        }
    }

    private int freeSlot(int from, int to) {
        for (int s = from; s < to; s++) {
            if (nfs.state(s) == NfState.FREE.code && !bySlot.containsKey(s)) {
                return s;
            }
        }
        return -1;
    }

    private void publishActive() {
        active = bySlot.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private String knownServices() {
        List<String> known = new ArrayList<>();
        for (int id = 1; id <= services.maxServiceId(); id++) {
            if (services.defined(id)) {
                known.add(services.name(id) + " (" + id + ")");
            }
        }
        return known.isEmpty() ? "none" : String.join(", ", known);
    }

    private static ControlMessage error(ControlError code, String message) {
        return new ControlMessage.Error(code, message);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        reclaims.shutdown();
        try {
            reclaims.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

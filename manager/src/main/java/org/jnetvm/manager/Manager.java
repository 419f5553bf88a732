package org.jnetvm.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.region.RegionSpec;
import org.jnetvm.core.stats.StatsReader;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.core.table.ThreadDescriptor;
import org.jnetvm.core.table.ThreadTable;
import org.jnetvm.manager.config.ChainsConfig;
import org.jnetvm.manager.config.HopMode;
import org.jnetvm.manager.config.ManagerConfig;
import org.jnetvm.manager.config.NfConfig;
import org.jnetvm.manager.config.PortConfig;
import org.jnetvm.manager.config.SchedulerConfig;
import org.jnetvm.manager.config.ServiceConfig;
import org.jnetvm.manager.control.ControlServer;
import org.jnetvm.manager.msg.ManagerMessages;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.manager.nf.NfRegistry;
import org.jnetvm.manager.nf.NfRestarter;
import org.jnetvm.manager.nf.Reclaimer;
import org.jnetvm.manager.port.AfPacketPort;
import org.jnetvm.nf.runtime.NfMain;
import org.jnetvm.manager.port.CapturingPort;
import org.jnetvm.manager.port.FanoutPort;
import org.jnetvm.manager.port.GeneratorPort;
import org.jnetvm.manager.port.PcapInPort;
import org.jnetvm.manager.port.PcapOutPort;
import org.jnetvm.manager.port.Port;
import org.jnetvm.manager.port.SinkPort;
import org.jnetvm.manager.port.TapPort;
import org.jnetvm.manager.flow.FlowDirector;
import org.jnetvm.manager.flow.PerFlowPools;
import org.jnetvm.manager.rx.DefaultChain;
import org.jnetvm.manager.rx.RxAgent;
import org.jnetvm.manager.sched.CpuController;
import org.jnetvm.manager.sched.NfCgroups;
import org.jnetvm.manager.sched.ShareScheduler;
import org.jnetvm.manager.tx.PortTransmitter;
import org.jnetvm.manager.tx.TxAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager: creates the region from the config, fills its service and chain tables, opens
 * the ports, starts the RX and TX threads and the control server, and launches the NFs the
 * config lists. {@link #close} stops it all in reverse order: NFs first (they drain and say
 * bye), then the data-plane threads, then the region.
 *
 * <p>Manager threads, numbered in the region's THREADS area: RX threads 0..rx-1, TX threads
 * rx..rx+tx-1, then the reclaimer.
 */
public final class Manager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Manager.class);
    private static final int BURST = 32;
    private static final long NF_START_TIMEOUT_NANOS = 30_000_000_000L;
    private static final long DRAIN_TIMEOUT_NANOS = 2_000_000_000L;

    private final ManagerConfig config;
    private final Region region;
    private final Port[] ports;
    private final List<AgentRunner> rxRunners = new ArrayList<>();
    private final List<RxAgent> rxAgents = new ArrayList<>();
    private final List<AgentRunner> txRunners = new ArrayList<>();
    private final NfRegistry registry;
    private final ControlServer control;
    private final NfLauncher launcher;
    private final StatsReader stats;
    private final NfTable nfs;
    private final DefaultChain defaultChain = new DefaultChain();
    private final FlowDirector flows;
    private final ShareScheduler scheduler; // null: scheduling off
    private final ManagerMessages messages;
    private final AtomicLong scaleUps = new AtomicLong();
    private final NfRestarter restarter;
    private final PerFlowPools perFlow; // null: no per-flow service

    private Manager(ManagerConfig config, Region region, Port[] ports, NfRegistry registry, ControlServer control,
                    NfLauncher launcher, FlowDirector flows, ShareScheduler scheduler, PerFlowPools perFlow) {
        this.flows = flows;
        this.perFlow = perFlow;
        this.scheduler = scheduler;
        this.config = config;
        this.region = region;
        this.ports = ports;
        this.registry = registry;
        this.control = control;
        this.launcher = launcher;
        this.restarter = new NfRestarter(launcher);
        registry.listen(restarter);
        this.stats = new StatsReader(region);
        this.nfs = new NfTable(region);
        this.messages = new ManagerMessages(region, this::scaleUp); // last: its thread may call scaleUp
    }

    /**
     * Starts one more instance of the service of the NF in {@code slot}, as it was started: a
     * process (or an in-process NF) with the same NF name and arguments; an NF the manager did not
     * start gets its name and no arguments. The new instance registers like any other and the
     * routers give it its share of the service's flows (by flow hash).
     *
     * @return false if no NF holds the slot or the launch failed (logged)
     */
    public boolean scaleUp(int slot) {
        NfRegistry.Nf nf = registry.nfs().stream().filter(n -> n.slot() == slot).findFirst().orElse(null);
        if (nf == null) {
            LOG.warn("scale-up asked for slot {}, which no NF holds", slot);
            return false;
        }
        NfLauncher.Launched origin = launcher.launched().stream()
                .filter(l -> l.process() != null ? l.process().pid() == nf.pid()
                        : l.session().registration().slot() == slot)
                .findFirst().orElse(null);
        String service = new ServiceTable(region).name(nf.serviceId());
        try {
            NfLauncher.Launched started = launcher.launch(origin != null ? origin.nf() : nf.kind(), service,
                    origin != null ? withoutHost(origin.args()) : List.of(), origin != null && origin.inProcess());
            scaleUps.incrementAndGet();
            LOG.info("scaled service {} up at the request of slot {}: {}", service, slot,
                    started.process() != null ? "pid " + started.process().pid() : "in process");
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("scaling service {} up at the request of slot {} failed: {}", service, slot, e.toString());
            return false;
        }
    }

    /** Instances started by {@link #scaleUp} (asked by NFs, or through the API). */
    public long scaleUps() {
        return scaleUps.get();
    }

    /**
     * Retires the NF in {@code slot}: it leaves its service first (producers stop feeding it),
     * handles what is in its ring, and says bye; nothing in flight is dropped.
     *
     * @return false if no live NF holds the slot
     */
    public boolean retire(int slot) {
        return registry.stop(slot);
    }

    /** Messages to and from NFs. */
    public ManagerMessages messages() {
        return messages;
    }

    /** Starts a manager; on failure nothing is left running and the region file is gone. */
    public static Manager start(ManagerConfig config) throws IOException {
        int rx = config.threads().rx();
        int tx = config.threads().tx();
        int online = Runtime.getRuntime().availableProcessors();
        for (int cpu : config.threads().cpus()) {
            if (cpu >= online) {
                throw new IllegalArgumentException("threads.cpus names CPU " + cpu + ", but this machine has CPUs 0.."
                        + (online - 1) + "; fix threads.cpus in the config");
            }
        }
        int threadCount = rx + tx + 1;
        var r = config.region();
        RegionSpec spec = RegionSpec.builder(r.name())
                .directory(r.directory() == null ? null : Path.of(r.directory()))
                .bufferCount(r.buffers())
                .dataRoom(r.dataRoom())
                .ringCapacity(r.ringCapacity())
                .ringCount(0)
                .nfSlots(r.nfSlots())
                .nfHosts(r.nfHosts())
                .smallSlots(r.smallSlots())
                .smallRingCapacity(r.smallRingCapacity())
                .serviceCount(r.maxServices())
                .maxInstances(r.maxInstances())
                .chainCount(r.maxChains())
                .maxChainLength(r.maxChainLength())
                .portCount(Math.max(1, config.ports().size()))
                .threadCount(threadCount)
                .flowEntries(config.flows().entries())
                .flowRules(config.flows().maxRules())
                // one pool cache per NF in a big slot and per manager thread, with room for in-process NF
                // hosts; NFs in small slots keep none (PacketPool.uncached)
                .cacheCount(Math.min(4096, r.nfSlots() - r.smallSlots() + threadCount + 8))
                .build();
        Region region = Region.create(spec);
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(region);
        try {
            region.hopMode(config.hop() == HopMode.MANAGER ? RegionDescriptor.HOP_MANAGER : RegionDescriptor.HOP_DIRECT);
            ServiceTable services = new ServiceTable(region);
            for (ServiceConfig s : config.services()) {
                services.define(s.id(), s.name());
            }
            ChainTable chains = new ChainTable(region);
            chains.set(ChainTable.DEFAULT_CHAIN, "default", toArray(config.defaultChainIds()));
            int chainId = 1;
            for (Map.Entry<String, List<Integer>> e : config.namedChainIds().entrySet()) {
                chains.set(chainId++, e.getKey(), toArray(e.getValue()));
            }
            List<String> chainNames = new ArrayList<>();
            chainNames.add(ChainsConfig.DEFAULT_NAME);
            chainNames.addAll(config.namedChainIds().keySet());
            Map<String, Integer> serviceIds = new java.util.HashMap<>();
            for (ServiceConfig s : config.services()) {
                serviceIds.put(s.name(), s.id());
                serviceIds.put(String.valueOf(s.id()), s.id());
            }
            FlowDirector flows = new FlowDirector(region, chainNames, serviceIds, config.flows().idleTimeoutMs());
            opened.add(flows);
            for (var rule : config.flows().rules()) {
                flows.add(rule); // checked by the config loader already
            }
            PortTable portTable = new PortTable(region);
            Port[] ports = new Port[config.ports().size()];
            for (int p = 0; p < ports.length; p++) {
                PortConfig pc = config.ports().get(p);
                ports[p] = openPort(pc, p, region);
                opened.add(ports[p]);
                portTable.open(p, pc.name(), ports[p].kind());
            }
            ThreadTable threads = new ThreadTable(region);
            int reclaimerThread = rx + tx;
            threads.open(reclaimerThread, ThreadDescriptor.KIND_RECLAIMER, "reclaimer");
            NfRegistry registry = new NfRegistry(region, new Reclaimer(region, reclaimerThread),
                    config.heartbeatTimeoutMs() * 1_000_000L);
            opened.add(registry);
            Map<Integer, String> captures = new java.util.HashMap<>();
            for (ServiceConfig service : config.services()) {
                if (service.capture() != null) {
                    captures.put(service.id(), service.capture());
                }
            }
            registry.captures(captures);
            registry.smallSlotServices(config.services().stream().filter(ServiceConfig::smallSlots)
                    .map(ServiceConfig::id).collect(Collectors.toSet()));
            PerFlowPools perFlow = perFlowPools(config, region, registry);
            if (perFlow != null) {
                opened.add(perFlow);
            }
            ShareScheduler scheduler = scheduler(config, region, registry);
            if (scheduler != null) {
                opened.add(scheduler);
            }
            ControlServer control = ControlServer.start(config.controlSocket(), registry);
            opened.add(control);
            NfLauncher launcher = new NfLauncher(config.controlSocket(), logDirectory(r.name()));
            opened.add(launcher);
            Manager manager = new Manager(config, region, ports, registry, control, launcher, flows, scheduler,
                    perFlow);
            opened.add(manager.messages()); // its reader thread, if starting fails from here
            manager.startThreads(rx, tx, threads);
            opened.clear();
            LOG.info("manager up: region {} ({} buffers{}), control socket {}, {} port(s), {} rx + {} tx threads, hop {}",
                    region.path(), r.buffers(), region.hugePages() ? ", huge pages" : "", config.controlSocket(),
                    ports.length, rx, tx, config.hop());
            manager.launchNfs();
            manager.startReceiving();
            return manager;
        } catch (IOException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Flurries' half in the manager: the pools of the per-flow services, which every instance of theirs joins when it
     * registers and leaves when it is gone; null if no service is per-flow.
     */
    private static PerFlowPools perFlowPools(ManagerConfig config, Region region, NfRegistry registry) {
        List<PerFlowPools.Service> perFlow = config.services().stream().filter(s -> s.perFlow() != null)
                .map(s -> new PerFlowPools.Service(s.id(), s.name(), s.perFlow().idleMs(), s.perFlow().lingerMs(),
                        s.perFlow().minIdle(), s.perFlow().maxInstances()))
                .toList();
        if (perFlow.isEmpty()) {
            return null;
        }
        Set<String> names = perFlow.stream().map(PerFlowPools.Service::name).collect(Collectors.toSet());
        int instances = config.nfs().stream().filter(n -> names.contains(n.service())).mapToInt(NfConfig::instances)
                .sum() + perFlow.stream().mapToInt(PerFlowPools.Service::maxInstances).sum();
        registry.instanceLimits(perFlow.stream().filter(PerFlowPools.Service::elastic)
                .collect(Collectors.toMap(PerFlowPools.Service::id, PerFlowPools.Service::maxInstances)));
        PerFlowPools pools = new PerFlowPools(region, perFlow, instances, new PerFlowPools.Scaler() {
            @Override
            public boolean spawn(int serviceId, int count) {
                return registry.spawn(serviceId, count);
            }

            @Override
            public boolean retire(int slot) {
                return registry.retire(slot);
            }
        });
        registry.listen(new NfRegistry.Listener() {
            @Override
            public void registered(NfRegistry.Nf nf) {
                pools.instanceAdded(nf.serviceId(), nf.slot());
            }

            @Override
            public void gone(NfRegistry.Nf nf) {
                pools.instanceGone(nf.serviceId(), nf.slot());
            }
        });
        LOG.info("per-flow services: {}", perFlow.stream().map(s -> s.name() + " (idle " + s.idleMs() + " ms, linger "
                + s.lingerMs() + " ms, " + (s.elastic() ? "elastic pool: " + s.minIdle() + " idle at least, "
                + s.maxInstances() + " instances at most" : "fixed pool") + ")").collect(Collectors.joining(", ")));
        return pools;
    }

    /**
     * NFVnice's half in the manager: the region's settings for the data plane (local retry, low watermark), the cpu
     * controller if shares are on (stale cgroups of dead managers removed first), and the scheduler thread, listening
     * to the registry so that each NF process gets its cgroup; null if shares and backpressure are both off.
     */
    private static ShareScheduler scheduler(ManagerConfig config, Region region, NfRegistry registry) {
        SchedulerConfig sc = config.scheduler();
        region.localRetryMicros(sc.localRetryUs());
        region.backpressureLowPercent(sc.lowWatermark());
        NfCgroups cgroups = null;
        if (sc.shares() != SchedulerConfig.SharesMode.DISABLED) {
            CpuController.Detection found = CpuController.detect(Path.of("/proc/self/mountinfo"));
            if (found.controller().isPresent()) {
                CpuController controller = found.controller().get();
                int stale = NfCgroups.removeStale(controller);
                if (stale > 0) {
                    LOG.info("removed {} NF cgroup(s) left by managers that no longer run", stale);
                }
                cgroups = new NfCgroups(controller, config.region().name(), ProcessHandle.current().pid());
                LOG.info("cpu shares on: {}, every {} ms", found.reason(), sc.periodMs());
            } else if (sc.shares() == SchedulerConfig.SharesMode.REQUIRED) {
                throw new IllegalStateException("scheduler.shares is required, but " + found.reason()
                        + "; fix that, or set scheduler.shares to auto or disabled");
            } else {
                LOG.info("cpu shares off: {} (scheduler.shares: auto)", found.reason());
            }
        }
        if (cgroups == null && !sc.backpressure()) {
            return null;
        }
        Map<Integer, Integer> priorities = new java.util.HashMap<>();
        config.services().forEach(s -> priorities.put(s.id(), s.priority()));
        ShareScheduler scheduler = new ShareScheduler(region, sc, cgroups, id -> priorities.getOrDefault(id, 1),
                registry::activeSlots);
        registry.listen(scheduler);
        return scheduler.start();
    }

    // An NF of a host scales up by one process of its own, not by another host of N (nor with a host's wake-up).
    private static List<String> withoutHost(List<String> args) {
        List<String> rest = new java.util.ArrayList<>(args);
        for (String option : List.of(NfMain.HOST_OPTION, NfMain.WAKE_THRESHOLD_OPTION, NfMain.WAKE_WINDOW_OPTION)) {
            int at = rest.indexOf(option);
            if (at >= 0 && at + 1 < rest.size()) {
                rest.subList(at, at + 2).clear();
            }
        }
        return rest;
    }

    /** What starts crashed NF processes of {@code restart: true} entries again. */
    public NfRestarter restarter() {
        return restarter;
    }

    /** The scheduler (shares and backpressure), or null when the config turned both off. */
    public ShareScheduler scheduler() {
        return scheduler;
    }

    private static Path logDirectory(String regionName) {
        return Path.of(System.getProperty("java.io.tmpdir"), "jnetvm-" + regionName + "-logs");
    }

    private static Port openPort(PortConfig pc, int id, Region region) {
        Port port = openDriver(pc, id, region);
        if (pc.capture() == null) {
            return port;
        }
        try {
            var pool = new org.jnetvm.core.pool.PacketPool(region);
            return new CapturingPort(port, new PcapWriter(Path.of(pc.capture()), region.segment(), pool.newMeta()));
        } catch (RuntimeException e) {
            port.close();
            throw new AfPacketPort.PortException(pc.name(), "capture: " + e.getMessage());
        }
    }

    private static Port openDriver(PortConfig pc, int id, Region region) {
        var pool = new org.jnetvm.core.pool.PacketPool(region);
        return switch (pc.kind()) {
            case GENERATOR -> new GeneratorPort(pc.name(), id, pc.rate(), pc.size(), pc.flows(), pc.count(),
                    region.segment(), pool.newMeta());
            case SINK -> new SinkPort(pc.name());
            case AF_PACKET -> pc.queues() == 1
                    ? new AfPacketPort(pc.name(), pc.iface(), id, region.segment(), pool.newMeta(), pool.dataRoom())
                    : openQueues(pc, id, region, pool);
            case TAP -> new TapPort(pc.name(), pc.iface(), id, region.segment(), pool.newMeta(), pool.dataRoom());
            case PCAP_IN -> new PcapInPort(pc.name(), id, Path.of(pc.file()),
                    PcapInPort.Pace.valueOf(pc.pace().name()), pc.rate(), pc.loop(), region.segment(),
                    pool.newMeta(), pool.dataRoom());
            case PCAP_OUT -> new PcapOutPort(pc.name(), Path.of(pc.file()), region.segment(), pool.newMeta());
        };
    }

    // An af_packet port with queues > 1: that many sockets in one fanout group. Group ids are
    // global to the network namespace; one made of our pid and the port id does not collide
    // with another manager's, and the kernel refuses a group of another mode.
    private static Port openQueues(PortConfig pc, int id, Region region, org.jnetvm.core.pool.PacketPool pool) {
        int group = (int) ((ProcessHandle.current().pid() * 64 + id) % 0xFFFF) + 1;
        List<AfPacketPort> queues = new ArrayList<>();
        try {
            for (int q = 0; q < pc.queues(); q++) {
                queues.add(new AfPacketPort(pc.name(), pc.iface(), id, region.segment(), pool.newMeta(),
                        pool.dataRoom(), group));
            }
        } catch (RuntimeException e) {
            queues.forEach(AfPacketPort::close);
            throw e;
        }
        return new FanoutPort(pc.name(), queues);
    }

    private void startThreads(int rx, int tx, ThreadTable threads) {
        // TX first: RX threads start only once the NFs the config lists have registered.
        for (int i = 0; i < tx; i++) {
            int thread = rx + i;
            threads.open(thread, ThreadDescriptor.KIND_TX, "tx" + i);
            txRunners.add(new AgentRunner(new TxAgent("tx" + i, region, i, tx, thread, ports, BURST),
                    threads, thread, cpuFor(thread)).start());
        }
        // What RX threads read: each port, or each queue of a port with several, dealt round-robin.
        List<Port> receivers = new ArrayList<>();
        List<Integer> receiverPorts = new ArrayList<>();
        for (int p = 0; p < ports.length; p++) {
            for (Port receiver : ports[p].receivers()) {
                receivers.add(receiver);
                receiverPorts.add(p);
            }
        }
        for (int i = 0; i < rx; i++) {
            List<Integer> mine = new ArrayList<>();
            for (int r = i; r < receivers.size(); r += rx) {
                mine.add(r);
            }
            Port[] theirs = mine.stream().map(receivers::get).toArray(Port[]::new);
            int[] ids = mine.stream().mapToInt(receiverPorts::get).toArray();
            threads.open(i, ThreadDescriptor.KIND_RX, "rx" + i);
            RxAgent agent = new RxAgent("rx" + i, region, i, theirs, ids, ports.length, BURST,
                    new PortTransmitter(ports, region.segment(), threads, i, new PacketPool(region).newMeta()),
                    defaultChain);
            if (perFlow != null) {
                agent.bindPerFlow(perFlow.binder());
            }
            if (config.scheduler().backpressure()) {
                agent.enforceBackpressure(config.scheduler().ecn(), config.scheduler().lowWatermark());
            }
            rxAgents.add(agent);
            rxRunners.add(new AgentRunner(agent, threads, i, cpuFor(i)));
        }
    }

    // Data-plane thread t (rx threads first, then tx) goes to threads.cpus[t mod size], if any.
    private int cpuFor(int thread) {
        List<Integer> cpus = config.threads().cpus();
        return cpus.isEmpty() ? -1 : cpus.get(thread % cpus.size());
    }

    private void startReceiving() {
        rxRunners.forEach(AgentRunner::start);
    }

    // Starts the NFs the config lists and waits (up to NF_START_TIMEOUT) for them to register,
    // so that the first packets find their chain instead of counting as no_instance drops.
    private void launchNfs() throws IOException {
        int expected = 0;
        int inline = 0;
        for (NfConfig nf : config.nfs()) {
            if (nf.host()) {
                // One process, every instance a virtual thread of it, each registering on its own.
                List<String> args = new java.util.ArrayList<>(nf.args());
                args.addAll(List.of(NfMain.HOST_OPTION, Integer.toString(nf.instances())));
                if (nf.wakeThreshold() > 1) {
                    int priority = config.service(nf.service()).priority();
                    args.addAll(List.of(NfMain.WAKE_THRESHOLD_OPTION, Integer.toString(nf.wakeThreshold()),
                            NfMain.WAKE_WINDOW_OPTION, Integer.toString(nf.wakeWindowUs(priority))));
                }
                launcher.launch(nf.nf(), nf.service(), args, false);
                expected += nf.instances();
                continue;
            }
            for (int k = 0; k < nf.instances(); k++) {
                if (nf.inline()) {
                    // Inline NFs are dealt round-robin to the RX threads, which run them after their ports.
                    RxAgent host = rxAgents.get(inline++ % rxAgents.size());
                    host.adopt(launcher.launchInline(nf.nf(), nf.service(), nf.args(), host.directOutput()));
                } else {
                    NfLauncher.Launched launched = launcher.launch(nf.nf(), nf.service(), nf.args(), nf.inProcess());
                    if (nf.restart()) {
                        restarter.watch(launched);
                    }
                }
                expected++;
            }
        }
        long deadline = System.nanoTime() + NF_START_TIMEOUT_NANOS;
        while (runningNfs() < expected && System.nanoTime() < deadline && launcher.allAlive()) {
            LockSupport.parkNanos(5_000_000);
        }
        if (runningNfs() < expected) {
            LOG.warn("{} of {} NFs running within {} s; receiving anyway (see the NF logs in {})",
                    runningNfs(), expected, NF_START_TIMEOUT_NANOS / 1_000_000_000L, logDirectory(config.region().name()));
        }
    }

    // Registered NFs past their init hook (state RUNNING): ready for packets.
    private int runningNfs() {
        return (int) registry.nfs().stream().filter(nf -> nfs.state(nf.slot()) == NfState.RUNNING.code).count();
    }

    public ManagerConfig config() {
        return config;
    }

    public Region region() {
        return region;
    }

    public NfRegistry registry() {
        return registry;
    }

    public ControlServer control() {
        return control;
    }

    public NfLauncher launcher() {
        return launcher;
    }

    public Port port(int id) {
        return ports[id];
    }

    /** Chains in the region's table: the default one (id 0) and the config's named ones (ids 1..). */
    public int chainCount() {
        return 1 + config.namedChainIds().size();
    }

    /** The id of the chain that packets no flow rule claims get now (0, {@code chains.default}, unless changed). */
    public int defaultChain() {
        return defaultChain.id();
    }

    /**
     * Makes chain {@code id} the one new unclassified packets take; packets in flight finish the chain they are on
     * (see {@link DefaultChain} for why the table itself does not change).
     *
     * @throws IllegalArgumentException if no chain has that id
     */
    public void defaultChain(int id) {
        if (id < 0 || id >= chainCount()) {
            throw new IllegalArgumentException("no chain has id " + id + "; ids run 0.." + (chainCount() - 1));
        }
        LOG.info("default chain is now {} ({})", id, new ChainTable(region).name(id));
        defaultChain.id(id);
    }

    /** The flow director: rules (add, remove, list), single-flow steering, the flow table's counters. */
    public FlowDirector flows() {
        return flows;
    }

    /** All counters now. */
    public StatsSnapshot stats() {
        return stats.snapshot();
    }

    /** Whether every data-plane thread is still running (a failed one is a bug, logged). */
    public boolean healthy() {
        return java.util.stream.Stream.concat(rxRunners.stream(), txRunners.stream())
                .allMatch(r -> r.isAlive() || !r.started());
    }

    /**
     * Stops in the order that loses nothing: ports stop receiving, the packets in flight drain
     * through the NFs (up to 2 s), the NFs stop, the TX threads stop, then the region goes.
     */
    @Override
    public void close() {
        LOG.info("manager stopping");
        restarter.stop(); // the NFs about to be stopped are not to be started again
        messages.close(); // no scale-up while stopping
        stopReceiving();
        awaitDrained();
        registry.stopAll();
        launcher.close();
        rxRunners.forEach(AgentRunner::close); // after the NFs: RX threads run the inline ones
        try {
            registry.awaitReclaims();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            LOG.warn("{}", e.getMessage());
        }
        txRunners.forEach(AgentRunner::close);
        if (scheduler != null) {
            scheduler.close(); // after the NFs are gone: removes the cgroups left
        }
        control.close();
        registry.close();
        flows.close();
        if (perFlow != null) {
            perFlow.close(); // after the RX threads, whose binders use its memory
        }
        for (Port port : ports) {
            port.close();
        }
        region.close();
        try {
            Files.deleteIfExists(config.controlSocket());
        } catch (IOException ignored) {
            // the control server removes it; this is a second chance
        }
        LOG.info("manager stopped");
    }

    /**
     * The RX threads stop reading the ports: no more packets enter (those in flight go on, and
     * inline NFs, which RX threads run, keep running until the NFs are stopped).
     */
    public void stopReceiving() {
        rxAgents.forEach(RxAgent::stopReceiving);
    }

    /** Waits until no packet is in flight (pool audit), up to the drain timeout; true if drained. */
    public boolean awaitDrained() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (stats.snapshot().pool().inFlight() == 0) {
                return true;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return false;
    }

    private static int[] toArray(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}

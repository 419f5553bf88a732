package org.jnetvm.manager.config;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The rules of a config that its types cannot express (ranges, names, uniqueness, references, limits of the region),
 * and the one place where service references are resolved: it gives services written without an id the lowest free
 * one and defines each service that {@code nfs:} names but {@code services:} does not. {@link ConfigLoader} runs it on
 * every config; a {@link ConfigException} it throws names the field, and the loader adds where that field sits.
 */
final class ConfigResolver {
    /** A Unix socket path must fit {@code sockaddr_un.sun_path}, 108 bytes with the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final Pattern NF_CLASS_OR_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    /** A bounded integer field: the single check of every range. */
    private record Bound<T>(String field, ToIntFunction<T> value, long min, long max, String limit) {
        Bound(String field, ToIntFunction<T> value, long min, long max) {
            this(field, value, min, max, null);
        }

        void check(String owner, T record) {
            int v = value.applyAsInt(record);
            if (v < min || v > max) {
                throw new ConfigException(FieldPath.key(owner, field), v + " is out of range " + min + ".." + max
                        + "; use a value in that range" + (limit == null ? "" : " or raise " + limit));
            }
        }
    }

    private static final List<Bound<ManagerConfig>> TOP = List.of(
            new Bound<>("heartbeatTimeoutMs", ManagerConfig::heartbeatTimeoutMs, 100, 60_000));
    private static final List<Bound<ThreadsConfig>> THREADS = List.of(
            new Bound<>("rx", ThreadsConfig::rx, 1, 64),
            new Bound<>("tx", ThreadsConfig::tx, 1, 64));
    private static final List<Bound<RegionConfig>> REGION = List.of(
            new Bound<>("buffers", RegionConfig::buffers, 64, 67_108_864),
            new Bound<>("dataRoom", RegionConfig::dataRoom, 64, 65_535),
            new Bound<>("ringCapacity", RegionConfig::ringCapacity, 16, 16_777_216),
            new Bound<>("nfSlots", RegionConfig::nfSlots, 1, 65_536),
            new Bound<>("maxServices", RegionConfig::maxServices, 1, 65_535),
            new Bound<>("maxInstances", RegionConfig::maxInstances, 1, 65_536),
            new Bound<>("maxChains", RegionConfig::maxChains, 1, 65_535),
            new Bound<>("maxChainLength", RegionConfig::maxChainLength, 1, 255),
            new Bound<>("nfHosts", RegionConfig::nfHosts, 0, 1024),
            new Bound<>("smallSlots", RegionConfig::smallSlots, 0, 65_536),
            new Bound<>("smallRingCapacity", RegionConfig::smallRingCapacity, 2, 16_777_216));
    private static final List<Bound<PortConfig>> PORT = List.of(
            new Bound<>("rate", PortConfig::rate, 0, 1_000_000_000),
            new Bound<>("size", PortConfig::size, 60, 65_535),
            new Bound<>("flows", PortConfig::flows, 1, 1_048_576),
            new Bound<>("count", PortConfig::count, 0, 2_000_000_000),
            new Bound<>("queues", PortConfig::queues, 1, 64));

    private static final List<Bound<FlowsConfig>> FLOWS = List.of(
            new Bound<>("entries", FlowsConfig::entries, 64, 16_777_216),
            new Bound<>("maxRules", FlowsConfig::maxRules, 1, 65_536),
            new Bound<>("idleTimeoutMs", FlowsConfig::idleTimeoutMs, 10, 86_400_000));

    private static final List<Bound<SchedulerConfig>> SCHEDULER = List.of(
            new Bound<>("periodMs", SchedulerConfig::periodMs, 1, 1000),
            new Bound<>("highWatermark", SchedulerConfig::highWatermark, 2, 100),
            new Bound<>("localRetryUs", SchedulerConfig::localRetryUs, 0, 10_000));

    private static final Bound<NfConfig> WAKE_THRESHOLD = new Bound<>("wakeThreshold", NfConfig::wakeThreshold, 1,
            16_777_216);
    private static final Bound<NfConfig> WAKE_WINDOW = new Bound<>("wakeWindowUs", NfConfig::wakeWindowUs, 0, 100_000);
    private static final Bound<PerFlowConfig> PER_FLOW_IDLE = new Bound<>("idleMs", PerFlowConfig::idleMs, 1,
            86_400_000);
    private static final Bound<PerFlowConfig> PER_FLOW_LINGER = new Bound<>("lingerMs", PerFlowConfig::lingerMs, 0,
            600_000);
    private static final Bound<PerFlowConfig> PER_FLOW_MIN_IDLE = new Bound<>("minIdle", PerFlowConfig::minIdle, 0,
            65_536);
    private static final Bound<ServiceConfig> PRIORITY = new Bound<>("priority", ServiceConfig::priority, 1, 1000);

    private ConfigResolver() {
    }

    private static void checkScheduler(SchedulerConfig scheduler) {
        checkAll("scheduler", scheduler, SCHEDULER);
        if (scheduler.lowWatermark() < 1 || scheduler.lowWatermark() >= scheduler.highWatermark()) {
            throw new ConfigException("scheduler.lowWatermark", scheduler.lowWatermark()
                    + " must be at least 1 and below highWatermark (" + scheduler.highWatermark()
                    + "), so that a throttled chain is admitted again only once its NF has caught up");
        }
    }

    /** {@code config} with every service id assigned and every implicit service defined, once it passes all rules. */
    static ManagerConfig resolve(ManagerConfig config) {
        RegionConfig region = config.region();
        checkAll(FieldPath.ROOT, config, TOP);
        checkAll("threads", config.threads(), THREADS);
        checkCpus(config.threads());
        checkRegion(region);
        checkSocketPath(config.control());
        checkPorts(config.ports(), region);
        List<ServiceConfig> services = resolveServices(config.services(), config.nfs(), region);
        checkChains(config.chains(), services, region);
        checkApi(config.api());
        checkFlows(config.flows(), config.chains(), services);
        checkScheduler(config.scheduler());
        return new ManagerConfig(region, config.control(), config.threads(), config.hop(),
                config.heartbeatTimeoutMs(), config.ports(), services, config.chains(), config.nfs(), config.api(),
                config.flows(), config.scheduler());
    }

    private static void checkCpus(ThreadsConfig threads) {
        int online = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < threads.cpus().size(); i++) {
            int cpu = threads.cpus().get(i);
            if (cpu < 0 || cpu > 1023) {
                throw new ConfigException(FieldPath.index(FieldPath.key("threads", "cpus"), i), cpu
                        + " is not a CPU number; use 0.." + (online - 1) + " (this machine has " + online + ")");
            }
        }
    }

    private static <T> void checkAll(String owner, T record, List<Bound<T>> bounds) {
        bounds.forEach(bound -> bound.check(owner, record));
    }

    private static void checkRegion(RegionConfig region) {
        checkName("region.name", region.name(), 63);
        if (region.directory() != null) {
            checkPath("region.directory", region.directory());
        }
        checkAll("region", region, REGION);
        checkPowerOfTwo("region.ringCapacity", region.ringCapacity());
        checkPowerOfTwo("region.smallRingCapacity", region.smallRingCapacity());
        if (region.smallSlots() > 0 && region.smallRingCapacity() > region.ringCapacity()) {
            throw new ConfigException("region.smallRingCapacity", region.smallRingCapacity() + " is more than"
                    + " region.ringCapacity (" + region.ringCapacity() + "): small slots' rings are the smaller ones");
        }
        if (region.smallSlots() > region.nfSlots()) {
            throw new ConfigException("region.smallSlots", region.smallSlots() + " is more than region.nfSlots ("
                    + region.nfSlots() + "): small slots are the last smallSlots of the nfSlots");
        }
    }

    private static void checkPowerOfTwo(String field, int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            int below = Integer.highestOneBit(capacity);
            throw new ConfigException(field, capacity + " is not a power of two; use "
                    + below + " or " + 2 * below);
        }
    }

    private static void checkSocketPath(ControlConfig control) {
        String socket = control.socket();
        if (socket == null) {
            return;
        }
        checkPath("control.socket", socket);
        int bytes = socket.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new ConfigException("control.socket", "the path is " + bytes + " bytes, longer than the "
                    + MAX_SOCKET_PATH_BYTES + " a Unix socket path may have; use a shorter path");
        }
    }

    private static void checkPath(String field, String path) {
        if (path.isBlank()) {
            throw new ConfigException(field, "the path is empty; give a path, or remove the key for the default");
        }
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw new ConfigException(field, "'" + path + "' is not a valid path (" + e.getReason()
                    + "); give a path, or remove the key for the default");
        }
    }

    /** A Bearer token: RFC 6750's token68 characters, long enough not to be guessed. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");

    private static void checkApi(ApiConfig api) {
        new Bound<ApiConfig>("port", ApiConfig::port, 0, 65_535).check("api", api);
        String bind = api.bind();
        if (bind == null || bind.isBlank()) {
            throw new ConfigException("api.bind", "missing; give the address to listen on, such as 127.0.0.1"
                    + " (the default), or remove the key");
        }
        InetAddress address = bindAddress(bind);
        String token = api.token();
        if (token != null && !TOKEN.matcher(token).matches()) {
            String problem = token.length() < 16 ? "is " + token.length() + " characters, fewer than 16"
                    : token.length() > 256 ? "is " + token.length() + " characters, more than 256"
                    : "has characters other than A-Z a-z 0-9 . _ ~ + / = -";
            throw new ConfigException("api.token", "the token " + problem + "; use 16 to 256 of A-Z a-z 0-9"
                    + " . _ ~ + / = - (for example the output of `openssl rand -hex 24`)");
        }
        if (!address.isLoopbackAddress() && api.token() == null && api.enabled()) {
            throw new ConfigException("api.bind", "'" + bind + "' lets other machines reach the API, so it needs a"
                    + " token; set api.token (clients then send Authorization: Bearer <token>), or bind 127.0.0.1");
        }
    }

    // An IP address literal or "localhost": a name would need a DNS lookup while the config loads.
    private static InetAddress bindAddress(String bind) {
        if (bind.equals("localhost")) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.ofLiteral(bind); // never a lookup
        } catch (IllegalArgumentException e) {
            throw new ConfigException("api.bind", "'" + bind + "' is not an IP address; give one such as 127.0.0.1,"
                    + " ::1 or 0.0.0.0 (all interfaces, which needs api.token), or localhost");
        }
    }

    private static void checkPorts(List<PortConfig> ports, RegionConfig region) {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            PortConfig port = ports.get(i);
            String at = FieldPath.index("ports", i);
            checkName(FieldPath.key(at, "name"), port.name(), 31);
            String first = seen.putIfAbsent(port.name(), at);
            if (first != null) {
                throw new ConfigException(FieldPath.key(at, "name"), "port name '" + port.name()
                        + "' is already used by " + first + "; give each port its own name");
            }
            checkAll(at, port, PORT);
            checkInterface(at, port);
            checkPcap(at, port);
            if (port.queues() > 1 && port.kind() != PortKind.AF_PACKET) {
                throw new ConfigException(FieldPath.key(at, "queues"), "a " + port.kind().key() + " port has one"
                        + " queue; remove the key (queues fan an af_packet port out over several RX threads)");
            }
            if (port.capture() != null) {
                checkWritable(FieldPath.key(at, "capture"), port.capture());
            }
            if (port.kind() == PortKind.GENERATOR && port.size() > region.dataRoom()) {
                throw new ConfigException(FieldPath.key(at, "size"), "frame size " + port.size()
                        + " is larger than region.dataRoom " + region.dataRoom()
                        + "; lower the size or raise region.dataRoom to at least " + port.size());
            }
        }
    }

    /** Linux's IFNAMSIZ is 16 with the terminating NUL: at most 15 bytes, no '/', no whitespace, not "." or "..". */
    private static final Pattern INTERFACE_NAME = Pattern.compile("[^/\\s:]{1,15}");

    private static void checkInterface(String at, PortConfig port) {
        String field = FieldPath.key(at, "interface");
        if (port.kind() == PortKind.AF_PACKET || port.kind() == PortKind.TAP) {
            if (port.iface() == null && port.kind() == PortKind.TAP) {
                throw new ConfigException(field, "missing; a tap port needs the name of the TAP device to create or"
                        + " attach to, for example interface: tap0");
            }
            if (port.iface() == null) {
                throw new ConfigException(field, "missing; an af_packet port needs the Linux interface to bind to,"
                        + " for example interface: eth0 (see `ip link`)");
            }
            if (!INTERFACE_NAME.matcher(port.iface()).matches() || port.iface().equals(".")
                    || port.iface().equals("..")
                    || port.iface().getBytes(StandardCharsets.UTF_8).length > 15) {
                throw new ConfigException(field, "'" + port.iface() + "' is not a Linux interface name (1 to 15"
                        + " bytes, no '/', ':' or whitespace); give the name `ip link` shows");
            }
        } else if (port.iface() != null) {
            throw new ConfigException(field, "a " + port.kind().key() + " port has no interface; remove the key,"
                    + " or use kind: af_packet");
        }
    }

    private static void checkPcap(String at, PortConfig port) {
        String field = FieldPath.key(at, "file");
        boolean pcap = port.kind() == PortKind.PCAP_IN || port.kind() == PortKind.PCAP_OUT;
        if (!pcap) {
            if (port.file() != null) {
                throw new ConfigException(field, "a " + port.kind().key() + " port has no file; remove the key,"
                        + " or use kind: pcap_in or pcap_out");
            }
            return;
        }
        if (port.file() == null) {
            throw new ConfigException(field, "missing; a " + port.kind().key() + " port needs the pcap file to "
                    + (port.kind() == PortKind.PCAP_IN ? "read" : "write") + ", for example file: /tmp/in.pcap");
        }
        checkPath(field, port.file());
        Path path = Path.of(port.file());
        if (port.kind() == PortKind.PCAP_IN) {
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new ConfigException(field, "'" + port.file() + "' is not a readable file"
                        + (Files.exists(path) ? "" : " (it does not exist)") + "; give the pcap file to read");
            }
            if (port.pace() == PcapPace.RATE && port.rate() == 0) {
                throw new ConfigException(FieldPath.key(at, "rate"), "pace: rate needs a rate above 0 (frames per"
                        + " second); give one, or use pace: max for as fast as possible");
            }
        } else {
            checkWritable(field, port.file());
        }
    }

    /** A pcap file to write: a valid path in a directory that exists. */
    private static void checkWritable(String field, String file) {
        checkPath(field, file);
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ConfigException(field, "the directory of '" + file + "' does not exist;"
                    + " create it or give another path");
        }
    }

    private static List<ServiceConfig> resolveServices(
            List<ServiceConfig> declared, List<NfConfig> nfs, RegionConfig region) {
        int max = region.maxServices();
        if (declared.size() > max) {
            throw new ConfigException(FieldPath.index("services", max), declared.size()
                    + " services are more than region.maxServices " + max
                    + "; raise region.maxServices or remove services");
        }
        var idBound = new Bound<ServiceConfig>("id", ServiceConfig::id, 1, max, "region.maxServices");
        var ids = new ServiceIds(max);
        Map<Integer, String> byId = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            ServiceConfig service = declared.get(i);
            String at = FieldPath.index("services", i);
            if (service.name() == null) {
                throw new ConfigException(FieldPath.key(at, "name"), "missing; give the service a name");
            }
            checkServiceName(FieldPath.key(at, "name"), service.name());
            PRIORITY.check(at, service);
            if (service.smallSlots() && region.smallSlots() == 0) {
                throw new ConfigException(FieldPath.key(at, "smallSlots"), "region.smallSlots is 0: the region has no"
                        + " small NF slots; give it some (region.smallSlots: N) or drop smallSlots: true");
            }
            if (service.perFlow() != null) {
                PER_FLOW_IDLE.check(FieldPath.key(at, "perFlow"), service.perFlow());
                PER_FLOW_LINGER.check(FieldPath.key(at, "perFlow"), service.perFlow());
                checkElastic(FieldPath.key(at, "perFlow"), service, nfs, region);
            }
            if (service.capture() != null) {
                checkWritable(FieldPath.key(at, "capture"), service.capture());
            }
            String first = byName.putIfAbsent(service.name(), at);
            if (first != null) {
                throw new ConfigException(FieldPath.key(at, "name"), "service name '" + service.name()
                        + "' is already used by " + first + "; give each service its own name");
            }
            if (service.id() != 0) {
                idBound.check(at, service);
                first = byId.putIfAbsent(service.id(), at);
                if (first != null) {
                    throw new ConfigException(FieldPath.key(at, "id"), "service id " + service.id()
                            + " is already used by " + first + "; give each service its own id");
                }
                ids.take(service.id());
            }
        }
        var services = new ArrayList<ServiceConfig>(declared.size());
        for (int i = 0; i < declared.size(); i++) {
            ServiceConfig service = declared.get(i);
            services.add(service.id() != 0
                    ? service
                    : service.withId(ids.takeLowest(FieldPath.index("services", i), service.name())));
        }
        defineImplicitServices(nfs, region, ids, services);
        return services;
    }

    // An elastic pool's bounds: within what the region lets one service have, above what nfs: start, and its
    // minimum idle within its maximum.
    private static void checkElastic(String at, ServiceConfig service, List<NfConfig> nfs, RegionConfig region) {
        PerFlowConfig perFlow = service.perFlow();
        PER_FLOW_MIN_IDLE.check(at, perFlow);
        int slots = service.smallSlots() ? region.smallSlots() : region.nfSlots() - region.smallSlots();
        int most = Math.min(region.maxInstances(), slots);
        new Bound<PerFlowConfig>("maxInstances", PerFlowConfig::maxInstances, 0, most, service.smallSlots()
                ? "region.smallSlots and region.maxInstances" : "region.nfSlots and region.maxInstances").check(at, perFlow);
        if (!perFlow.elastic()) {
            if (perFlow.minIdle() > 0) {
                throw new ConfigException(FieldPath.key(at, "minIdle"), "applies to an elastic pool: give"
                        + " perFlow.maxInstances too (the most instances the pool may grow to)");
            }
            return;
        }
        if (perFlow.minIdle() > perFlow.maxInstances()) {
            throw new ConfigException(FieldPath.key(at, "minIdle"), perFlow.minIdle() + " is more than maxInstances ("
                    + perFlow.maxInstances() + "); keep minIdle at most maxInstances");
        }
        int started = nfs.stream().filter(n -> service.name().equals(n.service())
                || Integer.toString(service.id()).equals(n.service())).mapToInt(NfConfig::instances).sum();
        if (started > perFlow.maxInstances()) {
            throw new ConfigException(FieldPath.key(at, "maxInstances"), perFlow.maxInstances() + " is less than the "
                    + started + " instances nfs: start for service '" + service.name() + "'; raise it or start fewer");
        }
    }

    private static void defineImplicitServices(
            List<NfConfig> nfs, RegionConfig region, ServiceIds ids, List<ServiceConfig> services) {
        var instances = new Bound<NfConfig>("instances", NfConfig::instances, 1, region.maxInstances(),
                "region.maxInstances");
        for (int i = 0; i < nfs.size(); i++) {
            NfConfig nf = nfs.get(i);
            String at = FieldPath.index("nfs", i);
            if (nf.nf() == null) {
                throw new ConfigException(FieldPath.key(at, "nf"),
                        "missing; name a built-in NF (such as basic_monitor) or a fully qualified class name");
            }
            if (!NF_CLASS_OR_NAME.matcher(nf.nf()).matches()) {
                throw new ConfigException(FieldPath.key(at, "nf"), "'" + nf.nf()
                        + "' is neither a built-in NF name nor a class name; name a built-in NF (such as"
                        + " basic_monitor) or a fully qualified class name");
            }
            instances.check(at, nf);
            if (nf.host() && (nf.inProcess() || nf.inline())) {
                throw new ConfigException(FieldPath.key(at, "host"), "an NF host is a process of its own; it cannot"
                        + " also be inProcess or inline: drop one of them");
            }
            if (nf.restart() && (nf.inProcess() || nf.inline() || nf.host())) {
                throw new ConfigException(FieldPath.key(at, "restart"), "restart applies to NF processes of their own,"
                        + " not to inProcess, inline or host NFs: drop one of them");
            }
            WAKE_THRESHOLD.check(at, nf);
            WAKE_WINDOW.check(at, nf);
            if (nf.wakeThreshold() > 1 && !nf.host()) {
                throw new ConfigException(FieldPath.key(at, "wakeThreshold"), "a wake threshold is for the NFs of a"
                        + " host (host: true); an NF process of its own is woken by its first packet");
            }
            if (nf.host() && region.nfHosts() == 0) {
                throw new ConfigException(FieldPath.key(at, "host"), "region.nfHosts is 0: the region has no host"
                        + " blocks; raise region.nfHosts or drop host: true");
            }
            String field = FieldPath.key(at, "service");
            String ref = nf.service();
            if (ref == null) {
                throw new ConfigException(field, "missing; name the service this NF serves (a name or an id)");
            }
            if (ServiceRefs.find(services, ref).isPresent()) {
                continue;
            }
            if (ServiceRefs.isId(ref)) {
                throw new ConfigException(field, ServiceRefs.undefined(ref, services)
                        + "; define a service with id " + ref + " under services:, or give a service name here,"
                        + " which defines the service");
            }
            checkServiceName(field, ref);
            services.add(new ServiceConfig(ids.takeLowest(field, ref), ref));
        }
    }

    private static void checkChains(ChainsConfig chains, List<ServiceConfig> services, RegionConfig region) {
        checkChain(FieldPath.key("chains", ChainsConfig.DEFAULT_NAME), chains.defaultChain(), services, region);
        int chain = 1;
        for (var entry : chains.named().entrySet()) {
            String name = entry.getKey();
            String at = FieldPath.key("chains.named", name);
            chain++;
            if (chain > region.maxChains()) {
                throw new ConfigException(at, chain + " chains (the default one included) are more than"
                        + " region.maxChains " + region.maxChains() + "; raise region.maxChains or remove chains");
            }
            checkName(at, name, 31);
            if (name.equals(ChainsConfig.DEFAULT_NAME)) {
                throw new ConfigException(at, "the name '" + ChainsConfig.DEFAULT_NAME
                        + "' belongs to chains.default; give this chain another name");
            }
            checkChain(at, entry.getValue(), services, region);
        }
    }

    private static void checkChain(String at, List<String> refs, List<ServiceConfig> services, RegionConfig region) {
        int max = region.maxChainLength();
        if (refs.size() > max) {
            throw new ConfigException(FieldPath.index(at, max), "the chain lists " + refs.size()
                    + " services, more than region.maxChainLength " + max
                    + "; shorten the chain or raise region.maxChainLength");
        }
        String perFlow = null;
        for (int i = 0; i < refs.size(); i++) {
            String ref = refs.get(i);
            var service = ServiceRefs.find(services, ref);
            if (service.isEmpty()) {
                throw new ConfigException(FieldPath.index(at, i),
                        ServiceRefs.undefined(ref, services) + "; add it under services: or nfs:");
            }
            if (service.get().perFlow() != null) {
                if (perFlow != null) {
                    throw new ConfigException(FieldPath.index(at, i), "the chain already has per-flow service '"
                            + perFlow + "': a flow is bound to one per-flow instance at entry, so a chain may hold"
                            + " one per-flow service; make this one shared (drop perFlow) or split the chain");
                }
                perFlow = service.get().name();
            }
        }
    }

    private static void checkServiceName(String field, String name) {
        checkName(field, name, 31);
        if (ServiceRefs.isId(name)) {
            throw new ConfigException(field, "'" + name + "' is all digits, which reads as a service id;"
                    + " use a name with a letter in it, or define the service with that id under services:");
        }
    }

    private static void checkName(String field, String name, int maxLength) {
        if (name.isEmpty() || name.length() > maxLength || !name.chars().allMatch(ConfigResolver::isNameChar)) {
            throw new ConfigException(field, "'" + name + "' is not a valid name; use 1 to " + maxLength
                    + " of the characters A-Z a-z 0-9 _ . -");
        }
    }

    private static boolean isNameChar(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                || c == '-';
    }

    /** Service ids 1..max handed out lowest first. */
    private static final class ServiceIds {
        private final BitSet taken = new BitSet();
        private final int max;

        ServiceIds(int max) {
            this.max = max;
        }

        void take(int id) {
            taken.set(id);
        }

        int takeLowest(String field, String name) {
            int id = taken.nextClearBit(1);
            if (id > max) {
                throw new ConfigException(field, "no service id is left for service '" + name + "': ids 1.." + max
                        + " are all taken; raise region.maxServices");
            }
            taken.set(id);
            return id;
        }
    }

    /** Sizes, then each rule as the flow director would take it (names, fields, conflicts between them). */
    private static void checkFlows(FlowsConfig flows, ChainsConfig chains, List<ServiceConfig> services) {
        checkAll("flows", flows, FLOWS);
        if (Integer.bitCount(flows.entries()) != 1) {
            throw new ConfigException("flows.entries", flows.entries() + " is not a power of two; use "
                    + Integer.highestOneBit(flows.entries()) + " or " + (Integer.highestOneBit(flows.entries()) << 1));
        }
        if (flows.rules().size() > flows.maxRules()) {
            throw new ConfigException(FieldPath.index("flows.rules", flows.maxRules()), flows.rules().size()
                    + " rules, but flows.maxRules is " + flows.maxRules() + "; raise it");
        }
        List<String> chainNames = new java.util.ArrayList<>();
        chainNames.add(ChainsConfig.DEFAULT_NAME);
        chainNames.addAll(chains.named().keySet());
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        for (ServiceConfig s : services) {
            ids.put(s.name(), s.id());
            ids.put(String.valueOf(s.id()), s.id());
        }
        var names = new org.jnetvm.manager.flow.FlowRuleResolver(chainNames, ids);
        List<org.jnetvm.core.flow.FlowRule> checked = new java.util.ArrayList<>();
        for (int i = 0; i < flows.rules().size(); i++) {
            String at = FieldPath.index("flows.rules", i);
            if (flows.rules().get(i) == null) {
                throw new ConfigException(at, "empty rule; give match fields and chain, service or drop: true");
            }
            try {
                var rule = names.resolve(flows.rules().get(i));
                names.checkConflicts(checked, rule, id -> FieldPath.index("flows.rules", id - 1));
                checked.add(rule.withId(i + 1));
            } catch (org.jnetvm.core.flow.FlowRuleException e) {
                throw new ConfigException(FieldPath.key(at, e.field()), e.getMessage());
            }
        }
    }
}

package org.jnetvm.manager.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * Everything {@code jnetvm manager} needs to start: region, ports, services, chains, the NFs to launch and the
 * operator API. Get one from {@link ConfigLoader}, which has checked it and defined every service that {@code nfs:}
 * names implicitly, so the lookups below do not fail on a loaded config. Immutable; any thread may read it.
 *
 * @param region             the shared-memory region's size and place
 * @param control            where the control server listens
 * @param threads            rx and tx thread counts
 * @param hop                how packets go from one NF to the next
 * @param heartbeatTimeoutMs an NF silent this long is taken for dead and its buffers reclaimed
 * @param ports              the ports to open
 * @param services           every service, the implicitly defined ones included once loaded
 * @param chains             the chains, services by reference
 * @param nfs                the NFs the manager starts itself
 * @param api                the REST API, dashboard and metrics endpoint
 * @param flows              the flow director: table size, idle timeout, rules
 * @param scheduler          NFVnice: cpu shares through cgroups, backpressure
 */
public record ManagerConfig(
        RegionConfig region,
        ControlConfig control,
        ThreadsConfig threads,
        HopMode hop,
        int heartbeatTimeoutMs,
        List<PortConfig> ports,
        List<ServiceConfig> services,
        ChainsConfig chains,
        List<NfConfig> nfs,
        ApiConfig api,
        FlowsConfig flows,
        SchedulerConfig scheduler) {

    /** The config of a manager started without a file; also what each absent top-level key means. */
    static final ManagerConfig DEFAULTS = new ManagerConfig(
            RegionConfig.DEFAULTS,
            ControlConfig.DEFAULTS,
            ThreadsConfig.DEFAULTS,
            HopMode.DIRECT,
            1000,
            List.of(PortConfig.DEFAULTS),
            List.of(),
            ChainsConfig.DEFAULTS,
            List.of(),
            ApiConfig.DEFAULTS,
            FlowsConfig.DEFAULTS,
            SchedulerConfig.DEFAULTS);

    public ManagerConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(hop, "hop");
        ports = List.copyOf(ports);
        services = List.copyOf(services);
        Objects.requireNonNull(chains, "chains");
        nfs = List.copyOf(nfs);
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(flows, "flows");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /** This config with {@code api} in place of its own (tests, the demo's --api-port). */
    public ManagerConfig withApi(ApiConfig api) {
        return new ManagerConfig(region, control, threads, hop, heartbeatTimeoutMs, ports, services, chains, nfs, api, flows,
                scheduler);
    }

    /**
     * The service a reference names: a name, or an id written in digits.
     *
     * @throws IllegalArgumentException if no service has that name or id
     */
    public ServiceConfig service(String nameOrId) {
        return ServiceRefs.find(services, nameOrId)
                .orElseThrow(() -> new IllegalArgumentException(ServiceRefs.undefined(nameOrId, services)));
    }

    /** Service ids of the default chain, in chain order. */
    public List<Integer> defaultChainIds() {
        return ids(chains.defaultChain());
    }

    /** Service ids of each named chain, in the order the file lists the chains. */
    public SequencedMap<String, List<Integer>> namedChainIds() {
        var ids = new LinkedHashMap<String, List<Integer>>();
        chains.named().forEach((name, refs) -> ids.put(name, ids(refs)));
        return Collections.unmodifiableSequencedMap(ids);
    }

    /** The control server's socket: {@code control.socket}, or {@code /tmp/jnetvm-<region name>.sock} when unset. */
    public Path controlSocket() {
        return control.socket() != null
                ? Path.of(control.socket())
                : Path.of("/tmp", "jnetvm-" + region.name() + ".sock");
    }

    private List<Integer> ids(List<String> refs) {
        return refs.stream().map(ref -> service(ref).id()).toList();
    }
}

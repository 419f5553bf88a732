package org.jnetvm.manager.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service chains ({@code chains:}) as the file writes them, services by reference (name or id). Packets that no
 * flow rule claims take the default chain. Resolved ids come from {@link ManagerConfig#defaultChainIds()} and
 * {@link ManagerConfig#namedChainIds()}.
 *
 * @param defaultChain the chain named {@code default} in the file
 * @param named        further chains by name, in file order
 */
public record ChainsConfig(@JsonProperty("default") List<String> defaultChain, Map<String, List<String>> named) {

    /** What an absent {@code chains:} key, or an absent key inside it, means. */
    static final ChainsConfig DEFAULTS = new ChainsConfig(List.of(), Map.of());

    /** The name the default chain has; no named chain may take it. */
    public static final String DEFAULT_NAME = "default";

    public ChainsConfig {
        defaultChain = List.copyOf(defaultChain);
        var copy = new LinkedHashMap<String, List<String>>();
        named.forEach((name, services) -> copy.put(name, List.copyOf(services)));
        named = Collections.unmodifiableMap(copy);
    }
}

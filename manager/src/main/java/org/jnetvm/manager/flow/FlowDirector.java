package org.jnetvm.manager.flow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.flow.FlowRule;
import org.jnetvm.core.flow.FlowRuleException;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.region.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's side of the flow director: keeps the rules (checked, numbered, sorted by
 * priority) and writes them into the region's {@link FlowTable}, which the RX threads read; ages
 * idle flows out on its own thread; steers single flows for the manager's API. NFs steer through
 * the table directly (see {@code NfContext.steer}).
 *
 * <p>Thread-safety: every method may be called from any thread; rule changes are serialised here
 * (the table's rules have one writer).
 */
public final class FlowDirector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowDirector.class);

    private final FlowTable table;
    private final FlowRuleResolver names;
    private final long idleTicks;
    private final List<FlowRule> rules = new ArrayList<>();
    private final Thread ager;
    private volatile boolean closed;
    private int nextId = 1;

    /**
     * @param chainNames    chain names by id (0 is "default")
     * @param services      service name (and id in digits) to id
     * @param idleTimeoutMs a flow not seen this long loses its entry
     */
    public FlowDirector(Region region, List<String> chainNames, Map<String, Integer> services, long idleTimeoutMs) {
        this.table = new FlowTable(region);
        this.names = new FlowRuleResolver(chainNames, services);
        this.idleTicks = FlowTable.ticks(idleTimeoutMs);
        long periodNanos = Math.clamp(idleTimeoutMs * 1_000_000L / 4, 10_000_000L, 1_000_000_000L);
        this.ager = Thread.ofPlatform().daemon().name("flow-ager").unstarted(() -> {
            while (!closed) {
                LockSupport.parkNanos(periodNanos);
                int aged = table.age(FlowTable.tick(), idleTicks);
                if (aged > 0) {
                    LOG.debug("{} idle flow(s) aged out", aged);
                }
            }
        });
        ager.start();
    }

    /** Names of chains and services, for rules and their descriptions. */
    public FlowRuleResolver names() {
        return names;
    }

    /** The table the RX threads read (for counters). */
    public FlowTable table() {
        return table;
    }

    /**
     * Checks {@code spec}, gives it an id and makes it live: new flows it matches take its target,
     * flows cached under the old rules are classified again on their next packet.
     *
     * @throws FlowRuleException naming the field at fault: malformed, unknown chain or service,
     *                           overlapping a rule of the same priority, or no room
     */
    public synchronized FlowRule add(FlowRuleSpec spec) {
        FlowRule rule = names.resolve(spec);
        names.checkConflicts(rules, rule, id -> "rule " + id);
        if (rules.size() >= table.ruleCapacity()) {
            throw new FlowRuleException("rules", "the flow table is full: it holds " + table.ruleCapacity()
                    + " rules (raise flows.maxRules in the config, or remove one)");
        }
        FlowRule added = rule.withId(nextId++);
        rules.add(added);
        publish();
        LOG.info("flow rule {} added: {}", added.id(), names.describe(added));
        return added;
    }

    /** Removes rule {@code id}; false if there is none. */
    public synchronized boolean remove(int id) {
        boolean removed = rules.removeIf(r -> r.id() == id);
        if (removed) {
            publish();
            LOG.info("flow rule {} removed", id);
        }
        return removed;
    }

    /** The rules in the order they are tried (highest priority first, then oldest first). */
    public synchronized List<FlowRule> rules() {
        return List.copyOf(sorted());
    }

    /**
     * Sends {@code flow} (a packet's direction of it) to {@code target} for the rest of the flow.
     *
     * @throws FlowRuleException if the table has no room for it
     */
    public void steer(FiveTuple flow, int target) {
        int hash = org.jnetvm.core.packet.FlowHash.SYMMETRIC.hash(flow);
        if (!table.steer(flow, hash, target)) {
            throw new FlowRuleException("flows", "the flow table has no free entry near this flow's slot ("
                    + table.entryCapacity() + " entries; raise flows.entries in the config)");
        }
    }

    private synchronized void publish() {
        table.writeRules(sorted().toArray(FlowRule[]::new));
    }

    private List<FlowRule> sorted() {
        List<FlowRule> s = new ArrayList<>(rules);
        s.sort(Comparator.comparingInt(FlowRule::priority).reversed().thenComparingInt(FlowRule::id));
        return s;
    }

    /** Stops the ager. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(ager);
        try {
            ager.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

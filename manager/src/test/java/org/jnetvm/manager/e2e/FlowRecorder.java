package org.jnetvm.manager.e2e;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;

/** Test NF, run in-process: records which flows (by hash) each instance saw, and passes packets on. */
public final class FlowRecorder implements NetworkFunction {
    static final Map<Integer, Set<Integer>> FLOWS = new ConcurrentHashMap<>();
    static final Map<Integer, AtomicLong> PACKETS = new ConcurrentHashMap<>();

    @Override
    public void process(PacketBurst burst, NfContext context) {
        Set<Integer> flows = FLOWS.computeIfAbsent(context.instanceId(), k -> ConcurrentHashMap.newKeySet());
        for (int i = 0; i < burst.size(); i++) {
            flows.add(burst.flowHash(i));
        }
        PACKETS.computeIfAbsent(context.instanceId(), k -> new AtomicLong()).addAndGet(burst.size());
    }
}

package org.jnetvm.manager.e2e;

import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import org.jnetvm.nfs.FlowCounter;

/**
 * Test NF, run in-process after a per-flow flow_counter: for each flow lease it saw, the flow hash of its packets and
 * how many there were; and every packet whose number (flow_counter's, in the user area) is not the next of its lease
 * (a flow's count not starting at 1 means an instance's state was not reset). Sends every packet out of the last port.
 */
public final class LeaseChecker implements NetworkFunction {
    static final Map<Integer, Integer> HASH_BY_LEASE = new ConcurrentHashMap<>();
    static final Map<Integer, Integer> PACKETS_BY_LEASE = new ConcurrentHashMap<>();
    static final Queue<String> PROBLEMS = new ConcurrentLinkedQueue<>();

    static void reset() {
        HASH_BY_LEASE.clear();
        PACKETS_BY_LEASE.clear();
        PROBLEMS.clear();
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        for (int i = 0; i < burst.size(); i++) {
            long user = burst.meta(i).userAddress();
            int lease = burst.segment().get(ValueLayout.JAVA_INT, user + FlowCounter.USER_LEASE);
            int number = burst.segment().get(ValueLayout.JAVA_INT, user + FlowCounter.USER_NUMBER);
            int hash = burst.flowHash(i);
            Integer first = HASH_BY_LEASE.putIfAbsent(lease, hash);
            if (first != null && first != hash) {
                PROBLEMS.add("lease " + lease + " carried flows " + first + " and " + hash);
            }
            int seen = PACKETS_BY_LEASE.merge(lease, 1, Integer::sum);
            if (number != seen) {
                PROBLEMS.add("lease " + lease + ": packet numbered " + number + " was its flow's packet " + seen);
            }
            burst.out(i, context.portCount() - 1);
        }
    }
}

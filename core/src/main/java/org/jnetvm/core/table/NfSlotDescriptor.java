package org.jnetvm.core.table;

import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.stats.HopCounters;

/**
 * Layout of one NF slot in the region's NF_TABLE area. The manager writes the first line when
 * it registers or reaps an NF; the NF writes the rest. The lines sit 128 bytes apart because
 * producers read the state line on every burst they hand to this NF, while the NF writes its
 * liveness line on every loop.
 *
 * <pre>
 *   0    manager-written (read by every producer)
 *        +0 state int          FREE, STARTING, RUNNING, PAUSED, STOPPING, DEAD (release-stored)
 *        +4 service id int     +8 instance id int     +12 generation int (bumped on each reuse)
 *        +16 pid long          +24 registered at long (epoch ms)
 *        +32 name 32 B         the NF's kind, ASCII, NUL padded
 *        +64 cpu share int     the share the scheduler last wrote to the NF's cgroup, 0 if none
 *        +68 flow lease int    an instance of a per-flow service: the lease ({@link org.jnetvm.core.flow.FlowLease})
 *                              of the flow it serves, 0 once the manager has ended it; release-stored
 *   128  NF-written liveness
 *        +0 heartbeat long     System.nanoTime (CLOCK_MONOTONIC: one clock for all processes); a hosted NF
 *                              that sleeps is beaten for by its host's waker (HostWaker)
 *        +8 loop count long    bumped every loop; the reclaimer's grace period waits for it
 *        +16 warm int          1 once the NF handled its first burst (or looped for a second):
 *                              until then a slow start (class loading, JIT) is not a hang
 *   256  doorbell (128 B)      futex word the NF sleeps on; producers ring it
 *   384  counters, 32 longs, written by the NF only:
 *        +0 rx packets  +8 tx packets  +16 rx bursts  +24 sleeps
 *        +32 cost ps           median processing cost per packet, picoseconds ({@code CostSampler})
 *        +40 rx refused        packets producers could not put in the rx ring (ring full): the only
 *                              counter with many writers (one atomic add per refused burst), so
 *                              that the NF's arrival rate is rx packets + rx refused
 *        +48 flows started     a per-flow NF: flows it began (onFlowStart)
 *        +56 flows failed      a per-flow NF: flows its handler threw on
 *        +128 drops[24], indexed by {@link DropReason#code}
 *   704  hops (256 B), written by whoever routes this NF's packets: where they went, by service or
 *        port ({@link org.jnetvm.core.stats.HopCounters})
 *   960  end
 * </pre>
 */
public final class NfSlotDescriptor {
    public static final int STATE_OFFSET = 0;
    public static final int SERVICE_OFFSET = 4;
    public static final int INSTANCE_OFFSET = 8;
    public static final int GENERATION_OFFSET = 12;
    public static final int PID_OFFSET = 16;
    public static final int REGISTERED_AT_OFFSET = 24;
    public static final int NAME_OFFSET = 32;
    public static final int NAME_LENGTH = 32;
    public static final int CPU_SHARE_OFFSET = 64;
    public static final int FLOW_LEASE_OFFSET = 68;

    public static final int HEARTBEAT_OFFSET = 128;
    public static final int LOOP_COUNT_OFFSET = 136;
    public static final int WARM_OFFSET = 144;

    public static final int DOORBELL_OFFSET = 256;

    public static final int COUNTERS_OFFSET = DOORBELL_OFFSET + Doorbell.LENGTH;
    public static final int RX_PACKETS = COUNTERS_OFFSET;
    public static final int TX_PACKETS = COUNTERS_OFFSET + 8;
    public static final int RX_BURSTS = COUNTERS_OFFSET + 16;
    public static final int SLEEPS = COUNTERS_OFFSET + 24;
    public static final int COST_PS = COUNTERS_OFFSET + 32;
    public static final int RX_REFUSED = COUNTERS_OFFSET + 40;
    public static final int FLOWS_STARTED = COUNTERS_OFFSET + 48;
    public static final int FLOWS_FAILED = COUNTERS_OFFSET + 56;
    public static final int DROPS_OFFSET = COUNTERS_OFFSET + 128;

    public static final int HOPS_OFFSET = DROPS_OFFSET + DropReason.SLOTS * Long.BYTES;

    public static final int STRIDE = HOPS_OFFSET + HopCounters.LENGTH;

    private NfSlotDescriptor() {
    }

    /** Offset of the drop counter for {@code reason} within a slot. */
    public static int drop(DropReason reason) {
        return DROPS_OFFSET + reason.code * Long.BYTES;
    }
}

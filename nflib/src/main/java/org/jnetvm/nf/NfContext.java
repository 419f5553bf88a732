package org.jnetvm.nf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.buffer.PacketMeta;
import org.jnetvm.core.flow.FlowTable;
import org.jnetvm.core.flow.FlowTarget;
import org.jnetvm.core.idle.Doorbell;
import org.jnetvm.core.msg.Message;
import org.jnetvm.core.msg.MessageDescriptor;
import org.jnetvm.core.msg.Messages;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.FlowHash;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.route.Router;
import org.jnetvm.core.stats.DropReason;
import org.jnetvm.core.table.ChainTable;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfState;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.core.table.PortTable;
import org.jnetvm.core.table.ServiceTable;
import org.jnetvm.nf.io.BatchedOutput;

/**
 * What an NF can ask of the platform: who it is, its counters, services, chains and ports by
 * name, for NFs that make packets, buffers and a way to send them, steering its flows
 * ({@link #steerFlow}), and messages to other NFs and the manager ({@link #send}). Created by the runtime; use
 * it only from the NF's loop thread (the hooks and the handler).
 */
public final class NfContext {
    private final int slot;
    private final int serviceId;
    private final int instanceId;
    private final PacketPool pool;
    private final NfTable nfs;
    private final ServiceTable services;
    private final PortTable ports;
    private final Router router;
    private final PacketMeta meta;
    private final FlowTable flows;
    private final ChainTable chains;
    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();
    private final Messages messages;
    private int nextInstance; // round robin for sendToService
    private volatile boolean stopRequested;
    private final List<BatchedOutput> outputs = new ArrayList<>();
    private volatile Thread loopThread;
    private volatile boolean awaitingOutput;
    private int flowLease; // the loop's: the flow a per-flow NF serves now

    public NfContext(int slot, int serviceId, int instanceId, PacketPool pool, NfTable nfs, ServiceTable services,
                     PortTable ports, Router router, FlowTable flows, ChainTable chains, Messages messages) {
        this.messages = messages;
        this.flows = flows;
        this.chains = chains;
        this.slot = slot;
        this.serviceId = serviceId;
        this.instanceId = instanceId;
        this.pool = pool;
        this.nfs = nfs;
        this.services = services;
        this.ports = ports;
        this.router = router;
        this.meta = pool.newMeta();
    }

    /** This NF's slot in the NF table. */
    public int slot() {
        return slot;
    }

    public int serviceId() {
        return serviceId;
    }

    public int instanceId() {
        return instanceId;
    }

    /**
     * For an NF of a per-flow service: the lease of the flow it serves now ({@link org.jnetvm.core.flow.FlowLease}:
     * its generation counts this instance's flows), 0 between flows and for other NFs. From the loop's thread.
     */
    public int flowLease() {
        return flowLease;
    }

    /** The runtime's, when a per-flow NF's flow starts or ends. */
    public void flowLease(int lease) {
        this.flowLease = lease;
    }

    /** The id of the chain named {@code name} ("default" is chain 0), or -1. */
    public int chainId(String name) {
        for (int id = 0; id < chains.chainCount(); id++) {
            if (chains.length(id) > 0 && chains.name(id).equals(name)) {
                return id;
            }
        }
        return -1;
    }

    /**
     * Steers the flow of packet {@code i} for the rest of the flow: from the flow's next packet on,
     * the manager's RX threads give its packets {@code target} at entry ({@link FlowTarget#chain},
     * {@link FlowTarget#service} or {@link FlowTarget#drop}), whatever the flow rules say, until the
     * flow is idle for the flow director's timeout. Writes the flow's exact-match entry in the
     * region (lock-free, see {@link FlowTable}); the packet itself is not moved: route it with
     * {@code burst} ({@link PacketBurst#toChain}, {@link PacketBurst#toService}, {@link PacketBurst#drop}).
     * Call it before rewriting the packet's addresses or ports: the flow is the packet as it is now,
     * in its direction. No allocation.
     *
     * @return false if the packet is not IP (no flow) or the flow table has no room (counted as full)
     * @throws IllegalArgumentException if {@code target} names no chain or no service
     */
    public boolean steerFlow(PacketBurst burst, int i, int target) {
        int value = FlowTarget.value(target);
        switch (FlowTarget.kind(target)) {
            case FlowTarget.KIND_CHAIN -> {
                if (chains.length(value) == 0) {
                    throw new IllegalArgumentException("no chain has id " + value);
                }
            }
            case FlowTarget.KIND_SERVICE -> {
                if (!services.valid(value)) {
                    throw new IllegalArgumentException("no service has id " + value);
                }
            }
            case FlowTarget.KIND_DROP -> { }
            default -> throw new IllegalArgumentException("target " + target + " is not a chain, a service or drop");
        }
        if (burst.parse(i, parser) != PacketParser.OK || !tuple.extract(parser)) {
            return false;
        }
        PacketMeta m = burst.meta(i);
        int hash = (m.flags() & PacketMeta.FLAG_HASH_VALID) != 0 ? m.flowHash() : FlowHash.SYMMETRIC.hash(parser);
        return flows.steer(tuple, hash, target);
    }

    /** The id of the service named {@code name} (or given by its decimal id), or -1. */
    public int serviceId(String name) {
        return services.find(name);
    }

    /** Live instances of service {@code id} now. */
    public int instanceCount(int serviceId) {
        return services.valid(serviceId) ? services.instanceCount(serviceId) : 0;
    }

    /** Ports the manager has open (numbered 0 .. portCount-1). */
    public int portCount() {
        int count = 0;
        for (int p = 0; p < ports.portCount(); p++) {
            if (ports.inUse(p)) {
                count = p + 1;
            }
        }
        return count;
    }

    /** The port named {@code name}, or -1; a decimal string is taken as a port number. */
    public int port(String name) {
        for (int p = 0; p < ports.portCount(); p++) {
            if (ports.inUse(p) && ports.name(p).equals(name)) {
                return p;
            }
        }
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            int p = Integer.parseInt(name);
            return p < ports.portCount() ? p : -1;
        }
        return -1;
    }

    /** Packets this NF received. */
    public long rxPackets() {
        return nfs.counter(slot, NfSlotDescriptor.RX_PACKETS);
    }

    /** Packets this NF handed on (to an NF, or towards a port). */
    public long txPackets() {
        return nfs.counter(slot, NfSlotDescriptor.TX_PACKETS);
    }

    /** Packets this NF dropped for {@code reason}. */
    public long drops(DropReason reason) {
        return nfs.drops(slot, reason);
    }

    /** The pool's memory (frames live in it). */
    public MemorySegment segment() {
        return pool.segment();
    }

    public PacketPool pool() {
        return pool;
    }

    /** A metadata flyweight for packets this NF made. */
    public PacketMeta meta(int index) {
        return meta.wrap(index);
    }

    /**
     * Allocates {@code count} buffers (metadata reset, frame empty at the headroom's end) into
     * {@code dst[0 ..]}, or none when the pool is short; returns count or 0.
     */
    public int alloc(int[] dst, int count) {
        return router.alloc(dst, 0, count);
    }

    /** Sends {@code count} packets this NF made (their actions set) from {@code indices[0 ..]}. */
    public void send(int[] indices, int count) {
        router.route(indices, count);
    }

    /**
     * Sends a message to the NF in slot {@code slot} (or to the manager: {@link MessageDescriptor#MANAGER}),
     * copied into its inbox in shared memory: no allocation, no system call unless the receiver
     * sleeps (its doorbell is rung). The receiver's {@link NetworkFunction#onMessage} gets it.
     *
     * @param type    the application's message type, 0 or more (negative types are the platform's)
     * @param payload up to {@link MessageDescriptor#PAYLOAD_LENGTH} bytes from {@code payload[offset ..]};
     *                null with length 0 for none
     * @return false if the inbox is full or no NF holds the slot: the message is not delivered,
     *         and counted as refused ({@link #messagesRefused})
     */
    public boolean send(int slot, int type, byte[] payload, int offset, int length) {
        if (type < 0) {
            throw new IllegalArgumentException("message type " + type + " is negative: those are the platform's");
        }
        return deliver(slot, type, payload, offset, length);
    }

    /**
     * Sends a message to one instance of service {@code serviceId}, taking its instances in turn.
     *
     * @return false if the service has no instance or that instance's inbox is full (counted as refused)
     */
    public boolean sendToService(int serviceId, int type, byte[] payload, int offset, int length) {
        int n = instanceCount(serviceId);
        if (n == 0) {
            messages.count(slot, false);
            return false;
        }
        int k = Math.floorMod(nextInstance++, n);
        return send(services.slot(serviceId, k), type, payload, offset, length);
    }

    /** Sends a message to the manager (its listeners see it); false if its inbox is full. */
    public boolean sendToManager(int type, byte[] payload, int offset, int length) {
        return send(MessageDescriptor.MANAGER, type, payload, offset, length);
    }

    /**
     * Asks the manager to start one more instance of this NF's service, as a process with this
     * NF's name and arguments; it registers and takes its share of the flows.
     *
     * @return false if the manager's inbox is full (ask again later)
     */
    public boolean requestScaleUp() {
        return deliver(MessageDescriptor.MANAGER, Message.SCALE_UP, null, 0, 0);
    }

    private boolean deliver(int to, int type, byte[] payload, int offset, int length) {
        if (to != MessageDescriptor.MANAGER && (to < 0 || to >= nfs.slots() || !NfState.accepts(nfs.state(to)))) {
            messages.count(slot, false);
            return false;
        }
        boolean ok = messages.send(slot, to, type, payload, offset, length);
        if (ok && to != MessageDescriptor.MANAGER) {
            Doorbell.ring(pool.segment(), nfs.doorbellOffset(to));
        }
        return ok;
    }

    /** Messages this NF sent and had accepted. */
    public long messagesSent() {
        return messages.sent(slot);
    }

    /** Messages this NF could not deliver (full inbox, or nobody there). */
    public long messagesRefused() {
        return messages.refused(slot);
    }

    /**
     * Opens (creates or truncates) {@code file} for output written off the NF's loop: records go into memory slabs
     * and a thread of the output writes them (see {@link BatchedOutput}; held packets and the drop at stop in
     * {@link PacketBurst#hold}). The runtime closes it after the NF's stop hook if the NF has not. Call from
     * {@link NetworkFunction#init}.
     *
     * @param slabBytes       bytes per slab (the largest record; one write each)
     * @param slabs           slabs in the ring (how far the file may fall behind before packets are held)
     * @param flushIntervalMs longest time a record waits in memory
     * @throws UncheckedIOException if the file cannot be opened
     */
    public BatchedOutput openOutput(Path file, int slabBytes, int slabs, long flushIntervalMs) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open output file " + file + ": " + e.getMessage(), e);
        }
        return openOutput(channel, file.toString(), slabBytes, slabs, flushIntervalMs);
    }

    /** As {@link #openOutput(Path, int, int, long)}, onto any channel (a socket, a pipe). */
    public BatchedOutput openOutput(WritableByteChannel channel, String name, int slabBytes,
                                    int slabs, long flushIntervalMs) {
        loopThread = Thread.currentThread();
        BatchedOutput output = new BatchedOutput(channel, name, slabBytes, slabs, flushIntervalMs * 1_000_000L,
                this::outputFreed);
        outputs.add(output);
        return output;
    }

    /**
     * For the runtime: waits up to {@code nanos} for one of this NF's outputs to free a slab (held packets wait
     * for that). Bounded, so a wake-up lost between the NF's refused claim and this call costs at most that long.
     */
    public void awaitOutput(long nanos) {
        awaitingOutput = true;
        LockSupport.parkNanos(this, nanos);
        awaitingOutput = false;
    }

    /** For the runtime, after the stop hook: closes the outputs the NF left open. */
    public void closeOutputs() {
        for (BatchedOutput output : outputs) {
            output.close();
        }
        outputs.clear();
    }

    private void outputFreed() {
        Thread waiting = loopThread;
        if (awaitingOutput && waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /** Asks the loop to finish: it drains its ring, calls stop, and ends. */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }
}

package org.jnetvm.nfs;

import java.util.Arrays;
import org.jnetvm.core.packet.FiveTuple;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Counts packets and bytes, in all and per flow, and prints rates and the busiest flows every
 * {@code --interval} seconds (OpenNetVM's basic_monitor); passes every packet on. Flows are
 * told apart by their 32-bit symmetric flow hash (both directions of a connection count as
 * one flow) in an open-addressing table sized once at start: nothing is allocated per packet.
 */
@Command(name = "basic_monitor", description = "Counts packets per flow and prints rates periodically; passes packets on.")
public final class BasicMonitor implements NetworkFunction {

    @Option(names = "--interval", defaultValue = "1", description = "Seconds between reports; 0 for none (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--max-flows", defaultValue = "65536", description = "Flows tracked; later ones are counted in the totals only (default ${DEFAULT-VALUE}).")
    int maxFlows;

    @Option(names = "--top", defaultValue = "3", description = "Busiest flows printed per report (default ${DEFAULT-VALUE}).")
    int top;

    private int mask;
    private int[] keys;
    private long[] packets;
    private long[] bytes;
    private String[] labels;
    private int flows;
    private long totalPackets;
    private long totalBytes;
    private long lastNanos;
    private long lastPackets;
    private long lastBytes;
    private final PacketParser parser = new PacketParser();
    private final FiveTuple tuple = new FiveTuple();

    @Override
    public void init(NfContext context) {
        if (maxFlows < 1 || maxFlows > 1 << 24) {
            throw new IllegalArgumentException("--max-flows " + maxFlows + " is out of range 1.." + (1 << 24));
        }
        int capacity = Integer.highestOneBit(maxFlows * 2 - 1) << 1;
        mask = capacity - 1;
        keys = new int[capacity];
        packets = new long[capacity];
        bytes = new long[capacity];
        labels = new String[capacity];
        lastNanos = System.nanoTime();
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        for (int i = 0; i < burst.size(); i++) {
            int length = burst.length(i);
            totalPackets++;
            totalBytes += length;
            int slot = find(burst.flowHash(i) | 1, burst, i);
            if (slot >= 0) {
                packets[slot]++;
                bytes[slot] += length;
            }
        }
        report();
    }

    @Override
    public void idle(NfContext context) {
        report();
    }

    /** Packets seen in all. */
    public long totalPackets() {
        return totalPackets;
    }

    /** Flows seen. */
    public int flows() {
        return flows;
    }

    // Key 0 marks an empty slot, so keys are stored with the low bit set.
    private int find(int key, PacketBurst burst, int i) {
        int slot = mix(key) & mask;
        while (true) {
            int k = keys[slot];
            if (k == key) {
                return slot;
            }
            if (k == 0) {
                if (flows >= maxFlows) {
                    return -1;
                }
                keys[slot] = key;
                flows++;
                labels[slot] = null; // described lazily, when a report shows it
                if (burst.parse(i, parser) == PacketParser.OK && tuple.extract(parser)) {
                    labels[slot] = tuple.toString();
                }
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private void report() {
        if (interval <= 0) {
            return;
        }
        long now = System.nanoTime();
        double seconds = (now - lastNanos) / 1e9;
        if (seconds < interval) {
            return;
        }
        StringBuilder out = new StringBuilder(256);
        out.append(String.format("basic_monitor: %.0f pps, %.2f Mbit/s, %d packets, %d flows",
                (totalPackets - lastPackets) / seconds, (totalBytes - lastBytes) * 8 / seconds / 1e6, totalPackets, flows));
        for (int slot : topSlots()) {
            out.append(String.format("%n  %s  %d packets  %d bytes", labels[slot] == null ? "(not IP)" : labels[slot],
                    packets[slot], bytes[slot]));
        }
        System.out.println(out);
        lastNanos = now;
        lastPackets = totalPackets;
        lastBytes = totalBytes;
    }

    private int[] topSlots() {
        int n = Math.min(top, flows);
        int[] best = new int[n];
        Arrays.fill(best, -1);
        for (int slot = 0; slot <= mask; slot++) {
            if (keys[slot] == 0) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                if (best[j] < 0 || packets[slot] > packets[best[j]]) {
                    System.arraycopy(best, j, best, j + 1, n - j - 1);
                    best[j] = slot;
                    break;
                }
            }
        }
        return best;
    }
}

package org.jnetvm.nfs;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import org.jnetvm.core.pcap.PcapWriter;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import org.jnetvm.nf.io.BatchedOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Logs every packet as a pcap record (its first {@code --snaplen} bytes: a summary that tcpdump and tshark read) and
 * passes it on, with the file written off the NF's loop through a {@link BatchedOutput}. When the disk falls behind
 * and every slab waits for it, the packets that cannot be logged yet are held ({@link PacketBurst#hold}), in order,
 * and go on once they are logged: the NF's loop never blocks on the disk, no packet leaves unlogged, and a slow disk
 * shows as a full ring (and the chain's backpressure), not as a stalled NF.
 */
@Command(name = "packet_logger", description = "Writes a pcap record of every packet (cut at --snaplen bytes) to "
        + "--file off the packet loop, then passes the packet on; holds packets while the file is behind.")
public final class PacketLogger implements NetworkFunction {

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "pcap file to write (truncated).")
    Path file;

    @Option(names = "--snaplen", defaultValue = "128", paramLabel = "BYTES",
            description = "Bytes of each frame logged, 14..65535 (default ${DEFAULT-VALUE}).")
    int snaplen;

    @Option(names = "--slab-kib", defaultValue = "256", paramLabel = "KIB",
            description = "KiB per write, 4..65536 (default ${DEFAULT-VALUE}).")
    int slabKib;

    @Option(names = "--slabs", defaultValue = "8", paramLabel = "N",
            description = "Slabs the disk may fall behind by before packets are held, 2..1024 (default ${DEFAULT-VALUE}).")
    int slabs;

    @Option(names = "--flush-ms", defaultValue = "100", paramLabel = "MS",
            description = "Longest time a record waits in memory, 1..60000 ms (default ${DEFAULT-VALUE}).")
    long flushMs;

    private final WritableByteChannel channel; // for tests: instead of --file
    private BatchedOutput output;
    private long wallMicrosAtOpen;
    private long nanosAtOpen;
    private long records;
    private long holds;

    public PacketLogger() {
        this.channel = null;
    }

    /** A logger writing to {@code channel} instead of a file, with the options' defaults and these slabs. */
    PacketLogger(WritableByteChannel channel, int slabKib, int slabs) {
        this.channel = channel;
        this.snaplen = 128;
        this.slabKib = slabKib;
        this.slabs = slabs;
        this.flushMs = 100;
    }

    @Override
    public void init(NfContext context) {
        if (snaplen < 14 || snaplen > PcapWriter.SNAPLEN) {
            throw new IllegalArgumentException("--snaplen " + snaplen + " is out of range 14..65535");
        }
        if (slabKib < 4 || slabKib > 65_536) {
            throw new IllegalArgumentException("--slab-kib " + slabKib + " is out of range 4..65536");
        }
        if (PcapWriter.recordBytes(snaplen, snaplen) > slabKib * 1024) {
            throw new IllegalArgumentException("--snaplen " + snaplen + " does not fit a slab of " + slabKib + " KiB");
        }
        if (flushMs < 1 || flushMs > 60_000) {
            throw new IllegalArgumentException("--flush-ms " + flushMs + " is out of range 1..60000");
        }
        output = channel != null
                ? context.openOutput(channel, "packet_logger", slabKib * 1024, slabs, flushMs)
                : context.openOutput(file, slabKib * 1024, slabs, flushMs);
        PcapWriter.putGlobalHeader(output.claim(PcapWriter.GLOBAL_HEADER_BYTES), snaplen);
        wallMicrosAtOpen = System.currentTimeMillis() * 1000;
        nanosAtOpen = System.nanoTime();
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long micros = wallMicrosAtOpen + (System.nanoTime() - nanosAtOpen) / 1000;
        int seconds = (int) (micros / 1_000_000);
        int fraction = (int) (micros % 1_000_000);
        boolean behind = false;
        for (int i = 0; i < burst.size(); i++) {
            ByteBuffer slab = behind ? null : output.claim(PcapWriter.recordBytes(burst.length(i), snaplen));
            if (slab == null) { // the disk is behind: this packet and the ones after it wait, in order
                behind = true;
                burst.hold(i);
                continue;
            }
            PcapWriter.putRecord(slab, output.claimedSegment(), seconds, fraction, burst.segment(),
                    burst.dataAddress(i), burst.length(i), snaplen);
            records++;
        }
        if (behind) {
            holds++;
        }
        output.flushIfDue();
    }

    @Override
    public void idle(NfContext context) {
        output.flushIfDue();
    }

    @Override
    public void stop(NfContext context) {
        output.close();
        System.out.printf("packet_logger: %d records, %d bytes written, %d bytes lost%s; packets held %d times "
                        + "(the file was behind)%n", records, output.bytesWritten(), output.bytesLost(),
                output.failure() == null ? "" : " (" + output.failure() + ")", holds);
    }

    /** Packets logged so far. */
    public long records() {
        return records;
    }

    /** Bursts in which packets were held because the output was behind. */
    public long holds() {
        return holds;
    }

    /** The output (after init). */
    BatchedOutput output() {
        return output;
    }
}

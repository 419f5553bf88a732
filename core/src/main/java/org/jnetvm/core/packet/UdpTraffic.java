package org.jnetvm.core.packet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Synthetic IPv4/UDP traffic for the generator port and {@code speed_tester}: one frame
 * template of a given size, and {@code flows} distinct flows that differ in their UDP ports
 * (source port 1024 + f mod 60000, destination port 5000 + f / 60000), so the IPv4 header and
 * its checksum are the same for all. Flow hashes are computed once, here, with the symmetric
 * Toeplitz key, so writing a packet is one copy and two stores.
 *
 * <p>Immutable after construction; {@link #write} may be called from any thread.
 */
public final class UdpTraffic {
    public static final int MIN_FRAME = 60;
    public static final int SRC_IP = 0x0A00_0001;   // 10.0.0.1
    public static final int DST_IP = 0x0A00_0002;   // 10.0.0.2
    private static final int ETH = 14;
    private static final int IP = 20;
    private static final int SRC_PORT_OFFSET = ETH + IP;
    private static final int PORTS_PER_ROW = 60_000;

    private final MemorySegment template;
    private final int frameLength;
    private final int flows;
    private final int[] hashes;

    public UdpTraffic(int frameLength, int flows) {
        if (frameLength < MIN_FRAME || frameLength > 65_535) {
            throw new IllegalArgumentException("frame length " + frameLength + " is out of range " + MIN_FRAME + "..65535");
        }
        if (flows < 1 || flows > 1 << 24) {
            throw new IllegalArgumentException("flows " + flows + " is out of range 1.." + (1 << 24));
        }
        this.frameLength = frameLength;
        this.flows = flows;
        this.template = MemorySegment.ofArray(buildTemplate(frameLength));
        this.hashes = new int[flows];
        FiveTuple tuple = new FiveTuple();
        for (int f = 0; f < flows; f++) {
            hashes[f] = FlowHash.SYMMETRIC.hash(tuple.setIpv4(SRC_IP, DST_IP, srcPort(f), dstPort(f), PacketParser.PROTO_UDP));
        }
    }

    private static byte[] buildTemplate(int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) 0x0200).putInt(0x0000_0002);          // dst MAC 02:00:00:00:00:02
        b.putShort((short) 0x0200).putInt(0x0000_0001);          // src MAC 02:00:00:00:00:01
        b.putShort((short) PacketParser.ETHERTYPE_IPV4);
        int ipLength = length - ETH;
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) PacketParser.PROTO_UDP).putShort((short) 0)
                .putInt(SRC_IP).putInt(DST_IP);
        b.putShort((short) srcPort(0)).putShort((short) dstPort(0)).putShort((short) (ipLength - IP)).putShort((short) 0);
        byte[] bytes = b.array();
        MemorySegment seg = MemorySegment.ofArray(bytes);
        int checksum = Checksums.ipv4Header(seg, ETH);
        bytes[ETH + 10] = (byte) (checksum >>> 8);
        bytes[ETH + 11] = (byte) checksum;
        return bytes;
    }

    public static int srcPort(int flow) {
        return 1024 + flow % PORTS_PER_ROW;
    }

    public static int dstPort(int flow) {
        return 5000 + flow / PORTS_PER_ROW;
    }

    public int frameLength() {
        return frameLength;
    }

    public int flows() {
        return flows;
    }

    /** The symmetric flow hash of flow {@code flow}. */
    public int hash(int flow) {
        return hashes[flow];
    }

    /** Writes the frame of flow {@code flow} at {@code offset} of {@code segment}; returns its length. */
    public int write(MemorySegment segment, long offset, int flow) {
        MemorySegment.copy(template, 0, segment, offset, frameLength);
        int sp = srcPort(flow);
        int dp = dstPort(flow);
        long p = offset + SRC_PORT_OFFSET;
        segment.set(JAVA_BYTE, p, (byte) (sp >>> 8));
        segment.set(JAVA_BYTE, p + 1, (byte) sp);
        segment.set(JAVA_BYTE, p + 2, (byte) (dp >>> 8));
        segment.set(JAVA_BYTE, p + 3, (byte) dp);
        return frameLength;
    }
}

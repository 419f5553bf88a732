package org.jnetvm.core.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a classic libpcap file (not pcapng) into a list of frames. Test-only and allocating. */
final class PcapReader {
    private PcapReader() {
    }

    static List<byte[]> readAll(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            throw new IOException(file + ": not a pcap file (magic " + Integer.toHexString(magic) + "); pcapng is not supported");
        }
        int linkType = b.getInt(20);
        if (linkType != 1) {
            throw new IOException(file + ": link type " + linkType + ", expected 1 (Ethernet)");
        }
        b.position(24);
        List<byte[]> frames = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int incl = b.getInt();
            b.getInt();
            byte[] f = new byte[incl];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }
}

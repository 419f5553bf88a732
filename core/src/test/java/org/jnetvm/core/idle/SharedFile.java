package org.jnetvm.core.idle;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jnetvm.core.ring.RingDescriptor;

/** The memory of the doorbell test: an SPSC ring followed by a doorbell, in a file both processes map. */
final class SharedFile {
    static final int CAPACITY = 1024;
    static final long RING_OFFSET = 0;
    static final long DOORBELL_OFFSET = RingDescriptor.byteSize(RingDescriptor.KIND_SPSC, CAPACITY);
    static final long LENGTH = DOORBELL_OFFSET + Doorbell.LENGTH;

    static MemorySegment map(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH, arena);
        }
    }

    private SharedFile() {
    }
}

package org.jnetvm.core.region;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.jnetvm.core.buffer.PacketBufferDescriptor;
import org.jnetvm.core.pool.PacketPool;
import org.jnetvm.core.ring.SpscRing;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.Test;

class RegionTest {

    @Test
    void createdRegionMapsWithTheSameLayoutAndIsRemovedOnClose() {
        RegionSpec spec = TestRegions.small("create").build();
        Path path;
        try (Region created = Region.create(spec)) {
            path = created.path();
            assertThat(path).exists().hasFileName(Region.fileName(spec.name()));
            try (Region mapped = Region.map(path)) {
                assertThat(mapped.layout()).isEqualTo(created.layout());
                assertThat(mapped.name()).isEqualTo(spec.name());
                assertThat(mapped.isCreator()).isFalse();
                assertThat(mapped.creatorPid()).isEqualTo(ProcessHandle.current().pid());
                // A ring written through one mapping is read through the other.
                SpscRing producer = created.ring(1);
                SpscRing consumer = mapped.ring(1);
                assertThat(producer.enqueue(42)).isTrue();
                assertThat(consumer.dequeue()).isEqualTo(42);
            }
            assertThat(path).exists(); // a mapper's close leaves the file
            assertThat(new PacketPool(created).audit().free()).isEqualTo(spec.bufferCount());
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void aSharedViewIsMadeOncePerRegionAndMappingAndItsSlotsRingIsFreshAfterAReattach() throws Exception {
        RegionSpec spec = TestRegions.small("sharedview").build();
        try (Region created = Region.create(spec); Region mapped = Region.map(created.path())) {
            var first = created.shared(org.jnetvm.core.table.NfTable.class, org.jnetvm.core.table.NfTable::new);
            assertThat(created.shared(org.jnetvm.core.table.NfTable.class, r -> {
                throw new AssertionError("made twice");
            })).isSameAs(first);
            assertThat(mapped.shared(org.jnetvm.core.table.NfTable.class, org.jnetvm.core.table.NfTable::new))
                    .as("another mapping, another view").isNotSameAs(first);
            var ring = first.txRing(0);
            first.reattachTxRing(0);
            assertThat(first.txRing(0)).as("a new tx ring object after a reattach").isNotSameAs(ring);
        }
    }

    @Test
    void smallSlotsHaveSmallRingsAndInboxesThatDoNotOverlapAndAMapperAgrees() {
        RegionSpec spec = TestRegions.small("smallslots").nfSlots(10).smallSlots(6).ringCapacity(256)
                .smallRingCapacity(16).build();
        try (Region created = Region.create(spec); Region mapped = Region.map(created.path())) {
            RegionLayout layout = mapped.layout();
            assertThat(layout).isEqualTo(created.layout());
            assertThat(layout.firstSmallSlot()).isEqualTo(4);
            var nfs = new org.jnetvm.core.table.NfTable(mapped);
            var messages = new org.jnetvm.core.msg.Messages(mapped);
            long end = layout.area(AreaKind.NF_RINGS).offset();
            long inboxEnd = messages.inbox(0).base();
            for (int slot = 0; slot < 10; slot++) {
                int capacity = slot < 4 ? 256 : 16;
                assertThat(layout.ringCapacity(slot)).isEqualTo(capacity);
                assertThat(nfs.rxRing(slot).capacity()).as("rx ring of slot %d", slot).isEqualTo(capacity);
                assertThat(nfs.txRing(slot).capacity()).as("tx ring of slot %d", slot).isEqualTo(capacity);
                assertThat(layout.nfRxRingOffset(slot)).as("slot %d's rings after the one before", slot)
                        .isGreaterThanOrEqualTo(end);
                end = layout.nfTxRingOffset(slot) + org.jnetvm.core.ring.RingDescriptor.byteSize(
                        org.jnetvm.core.ring.RingDescriptor.KIND_SPSC, capacity);
                var inbox = messages.inbox(slot);
                assertThat(inbox.capacity()).isEqualTo(slot < 4 ? 64 : 4);
                assertThat(inbox.base()).isGreaterThanOrEqualTo(inboxEnd);
                inboxEnd = inbox.base() + org.jnetvm.core.msg.MessageDescriptor.SLOTS_OFFSET
                        + (long) inbox.capacity() * org.jnetvm.core.msg.MessageDescriptor.SLOT_LENGTH;
            }
            assertThat(end).isLessThanOrEqualTo(layout.area(AreaKind.NF_RINGS).end());
            assertThat(messages.inbox(-1).base()).as("the manager's inbox last").isGreaterThanOrEqualTo(inboxEnd);
            assertThat(messages.inbox(-1).base() + org.jnetvm.core.msg.MessageDescriptor.INBOX_STRIDE)
                    .isLessThanOrEqualTo(layout.area(AreaKind.MESSAGES).end());
            // a message through a small inbox, both ways of mapping
            byte[] hello = {1, 2, 3};
            for (int i = 0; i < 4; i++) {
                assertThat(new org.jnetvm.core.msg.Messages(created).send(-1, 9, 7, hello, 0, 3)).isTrue();
            }
            assertThat(messages.send(-1, 9, 7, hello, 0, 3)).as("a small inbox holds 4").isFalse();
        }
    }

    @Test
    void layoutAreasDoNotOverlapAndAreAligned() {
        RegionLayout layout = RegionLayout.of(TestRegions.small("layout").bufferCount(1000).build());
        List<RegionLayout.Area> areas = new ArrayList<>(layout.areas().values());
        areas.sort(Comparator.comparingLong(RegionLayout.Area::offset));
        long end = RegionDescriptor.HEADER_LENGTH;
        for (RegionLayout.Area area : areas) {
            assertThat(area.offset() % RegionDescriptor.AREA_ALIGNMENT).isZero();
            assertThat(area.offset()).isGreaterThanOrEqualTo(end);
            end = area.end();
        }
        assertThat(layout.length()).isGreaterThanOrEqualTo(end);
        assertThat(layout.bufferStride() % 64).isZero();
        assertThat(layout.bufferStride()).isGreaterThanOrEqualTo(
                PacketBufferDescriptor.META_LENGTH + layout.headroom() + layout.dataRoom());
        assertThat(layout.freeRingCapacity()).isEqualTo(1024);
        assertThat(RegionDescriptor.areaEntry(RegionDescriptor.AREA_MAX)).isLessThanOrEqualTo(RegionDescriptor.HEADER_LENGTH);
        assertThat(RegionDescriptor.NAME_OFFSET + RegionDescriptor.NAME_LENGTH).isLessThanOrEqualTo(RegionDescriptor.AREA_TABLE_OFFSET);
    }

    @Test
    void mapperRefusesAnotherLayoutVersionNamingTheField() throws IOException {
        assertRefused(s -> s.set(JAVA_INT, RegionDescriptor.LAYOUT_VERSION_OFFSET, RegionDescriptor.LAYOUT_VERSION + 1),
                "layoutVersion", "layoutVersion is " + (RegionDescriptor.LAYOUT_VERSION + 1) + ", expected "
                        + RegionDescriptor.LAYOUT_VERSION);
    }

    @Test
    void mapperRefusesAWrongMagic() throws IOException {
        assertRefused(s -> s.set(JAVA_LONG, RegionDescriptor.MAGIC_OFFSET, 0x1234L), "magic", "not a JNetVM region");
    }

    @Test
    void mapperRefusesACorruptedLayoutField() throws IOException {
        assertRefused(s -> s.set(JAVA_INT, RegionDescriptor.BUFFER_STRIDE_OFFSET, 4000), "bufferStride",
                "bufferStride is 4000");
        assertRefused(s -> s.set(JAVA_INT, RegionDescriptor.META_LENGTH_OFFSET, 32), "metaLength", "metaLength is 32, expected 64");
        assertRefused(s -> s.set(JAVA_LONG, RegionDescriptor.areaEntry(2) + RegionDescriptor.AREA_OFFSET, 1L << 40),
                "areaTable[RINGS]", "area RINGS is at offset");
        assertRefused(s -> s.set(JAVA_INT, RegionDescriptor.STATE_OFFSET, RegionDescriptor.STATE_CREATING), "state",
                "has not finished creating it");
    }

    @Test
    void mapperRefusesATruncatedFile() throws IOException {
        RegionSpec spec = TestRegions.small("truncated").build();
        try (Region created = Region.create(spec)) {
            Path copy = Files.createTempFile(Path.of("/dev/shm"), "jnetvm-test-", ".region");
            try {
                try (FileChannel in = FileChannel.open(created.path()); FileChannel out = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    in.transferTo(0, 8192, out);
                }
                assertThatThrownBy(() -> Region.map(copy)).isInstanceOf(RegionException.class)
                        .hasMessageContaining("truncated").extracting(e -> ((RegionException) e).field()).isEqualTo("regionLength");
                Files.write(copy, new byte[100]);
                assertThatThrownBy(() -> Region.map(copy)).isInstanceOf(RegionException.class)
                        .hasMessageContaining("smaller than the 4096-byte header");
            } finally {
                Files.deleteIfExists(copy);
            }
        }
    }

    @Test
    void mappingAMissingRegionSaysSo() {
        assertThatThrownBy(() -> Region.map(Path.of("/dev/shm/jnetvm-no-such-region.region")))
                .isInstanceOf(RegionException.class).hasMessageContaining("does not exist");
    }

    @Test
    void createRefusesARegionALiveProcessOwns() {
        RegionSpec spec = TestRegions.small("inuse").build();
        try (Region first = Region.create(spec)) {
            assertThatThrownBy(() -> Region.create(spec)).isInstanceOf(RegionException.class)
                    .hasMessageContaining("already in use by running process " + ProcessHandle.current().pid());
            assertThat(first.path()).exists();
        }
    }

    @Test
    void createReplacesAStaleRegionLeftByADeadCreator() throws Exception {
        RegionSpec spec = TestRegions.small("stale").build();
        Path path = Path.of("/dev/shm", Region.fileName(spec.name()));
        // A region whose creator crashed: copy a real header and give it the pid of a process that has exited.
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        try (Region original = Region.create(spec)) {
            Files.copy(original.path(), path.resolveSibling("stale-copy"));
        }
        Files.move(path.resolveSibling("stale-copy"), path);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment s = ch.map(FileChannel.MapMode.READ_WRITE, 0, RegionDescriptor.HEADER_LENGTH, arena);
            s.set(JAVA_LONG, RegionDescriptor.CREATOR_PID_OFFSET, dead.pid());
        }
        assertThatThrownBy(() -> Region.map(path)).isInstanceOf(RegionException.class)
                .hasMessageContaining("is no longer running");
        try (Region replaced = Region.create(spec)) {
            assertThat(replaced.creatorPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(new PacketPool(replaced).audit().allReturned()).isTrue();
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void specRejectsBadSizesWithTheFieldName() {
        assertThatThrownBy(() -> TestRegions.small("bad").ringCapacity(1000).build())
                .hasMessageContaining("ringCapacity = 1000").hasMessageContaining("power of two");
        assertThatThrownBy(() -> TestRegions.small("bad").bufferCount(0).build()).hasMessageContaining("bufferCount = 0");
        assertThatThrownBy(() -> RegionSpec.builder("bad/name").build()).hasMessageContaining("name = bad/name");
    }

    private static void assertRefused(Consumer<MemorySegment> corrupt, String field, String message) throws IOException {
        RegionSpec spec = TestRegions.small("corrupt").build();
        try (Region created = Region.create(spec)) {
            Path copy = Files.createTempFile(Path.of("/dev/shm"), "jnetvm-test-", ".region");
            try {
                Files.copy(created.path(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    corrupt.accept(ch.map(FileChannel.MapMode.READ_WRITE, 0, RegionDescriptor.HEADER_LENGTH, arena));
                }
                assertThatThrownBy(() -> Region.map(copy))
                        .isInstanceOf(RegionException.class)
                        .hasMessageContaining(message)
                        .hasMessageContaining(copy.toString())
                        .extracting(e -> ((RegionException) e).field()).isEqualTo(field);
            } finally {
                Files.deleteIfExists(copy);
            }
        }
    }
}

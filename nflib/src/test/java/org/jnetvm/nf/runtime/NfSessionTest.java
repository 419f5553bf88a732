package org.jnetvm.nf.runtime;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.region.RegionDescriptor;
import org.jnetvm.core.region.RegionSpec;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.control.ControlCodec;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager that says stop in the same breath as it accepts the NF (as at its shutdown): the
 * message arrives before the NF's loop exists, and must still stop it, not be dropped.
 */
@Timeout(value = 20, unit = SECONDS)
class NfSessionTest {
    @TempDir
    Path dir;

    @Test
    void aStopThatArrivesRightAfterTheRegistrationStillStopsTheNf() throws Exception {
        try (Region region = Region.create(RegionSpec.builder("nfsession-" + ProcessHandle.current().pid())
                .directory(dir).bufferCount(256).nfSlots(2).portCount(1).threadCount(1).build())) {
            Path socket = dir.resolve("m.sock");
            CompletableFuture<Void> served = new CompletableFuture<>();
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (server; SocketChannel nf = server.accept()) {
                    if (ControlCodec.read(nf) instanceof Register) {
                        ControlCodec.write(nf, new Registered(0, 1, 0, region.path().toString(),
                                RegionDescriptor.LAYOUT_VERSION));
                        ControlCodec.write(nf, new ControlMessage.Stop());
                    }
                    while (nf.isOpen() && ControlCodec.read(nf) != null) {
                        // read until the NF hangs up
                    }
                    served.complete(null);
                } catch (IOException | RuntimeException e) {
                    served.completeExceptionally(e);
                }
            });
            NetworkFunction nothing = (burst, context) -> { };
            try (NfSession session = NfSession.open(nothing,
                    new NfSession.Settings(socket, "svc", -1, "test", 32))) {
                long deadline = System.nanoTime() + SECONDS.toNanos(5);
                while (!session.stopRequested() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(session.stopRequested()).as("the early stop was carried out").isTrue();
            }
            served.get(10, SECONDS);
        }
    }
}

package org.jnetvm.nf.control;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jnetvm.nf.control.ControlMessage.Bye;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a scripted stand-in for the manager, for what a real server cannot show:
 * exactly what the client sends, and how it copes with a manager that misbehaves. (The client
 * against the real server is tested in the manager module.)
 */
@Timeout(value = 10, unit = SECONDS)
class ControlClientTest {
    private static final Registered OK = new Registered(0, 1, 0, "/dev/shm/region", 2);

    @TempDir
    Path dir;

    /** What the stand-in manager does with its one connection after answering register with {@link #OK}. */
    interface Script {
        void run(SocketChannel nf) throws IOException;
    }

    /** Accepts one connection, answers its register, runs the script, and reports every message it read. */
    private CompletableFuture<List<ControlMessage>> manager(Path socket, Script afterRegister) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture<List<ControlMessage>> heard = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            List<ControlMessage> messages = new ArrayList<>();
            try (server; SocketChannel nf = server.accept()) {
                ControlMessage first = ControlCodec.read(nf);
                messages.add(first);
                if (first instanceof Register) {
                    ControlCodec.write(nf, OK);
                    afterRegister.run(nf);
                }
                for (ControlMessage m; nf.isOpen() && (m = ControlCodec.read(nf)) != null; ) {
                    messages.add(m);
                }
                heard.complete(messages);
            } catch (IOException | RuntimeException e) {
                heard.completeExceptionally(e);
            }
        });
        return heard;
    }

    @Test
    void closeSaysByeOnceAfterRegistering() throws Exception {
        Path socket = dir.resolve("m.sock");
        CompletableFuture<List<ControlMessage>> heard = manager(socket, nf -> { });
        try (ControlClient client = ControlClient.connect(socket)) {
            assertThat(client.register("fw", 0, "nf", 2)).isEqualTo(OK);
        }
        assertThat(heard.get(5, SECONDS)).hasSize(2).last().isEqualTo(new Bye());
    }

    @Test
    void aByeSentExplicitlyIsNotRepeatedOnClose() throws Exception {
        Path socket = dir.resolve("m.sock");
        CompletableFuture<List<ControlMessage>> heard = manager(socket, nf -> { });
        try (ControlClient client = ControlClient.connect(socket)) {
            client.register("fw", 0, "nf", 2);
            client.send(new Bye());
        }
        List<ControlMessage> messages = heard.get(5, SECONDS);
        assertThat(messages.getFirst()).isInstanceOf(Register.class);
        assertThat(messages.subList(1, messages.size())).containsExactly(new Bye());
    }

    @Test
    void aManagerThatSendsAnOversizedFrameEndsTheConnectionAndDisconnectedCompletesNormally() throws Exception {
        Path socket = dir.resolve("m.sock");
        manager(socket, nf -> nf.write(ByteBuffer.allocate(4).putInt(0, 1 << 20)));
        try (ControlClient client = ControlClient.connect(socket)) {
            client.register("fw", 0, "nf", 2);
            assertThat(client.disconnected()).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void registerFailsAtOnceWhenTheManagerHangsUpInsteadOfAnswering() throws Exception {
        Path socket = dir.resolve("m.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel nf = server.accept()) {
                    ControlCodec.read(nf); // the register, left unanswered
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (ControlClient client = ControlClient.connect(socket)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> client.register("fw", 0, "nf", 2))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("lost the manager at " + socket)
                        .hasMessageContaining("the manager closed the connection");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ControlClient.REPLY_TIMEOUT);
            }
        }
    }
}

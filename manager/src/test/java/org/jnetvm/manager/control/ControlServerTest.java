package org.jnetvm.manager.control;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jnetvm.nf.control.ControlClient;
import org.jnetvm.nf.control.ControlError;
import org.jnetvm.nf.control.ControlMessage;
import org.jnetvm.nf.control.ControlMessage.NfState;
import org.jnetvm.nf.control.ControlMessage.Pause;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.jnetvm.nf.control.ControlMessage.Resume;
import org.jnetvm.nf.control.ControlMessage.State;
import org.jnetvm.nf.control.ControlMessage.Stop;
import org.jnetvm.nf.control.ControlRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The control server and client over real Unix-domain sockets: the protocol is enforced, bad
 * input is answered and counted without stopping the server, and every connection ends with
 * exactly one onClosed. Synchronisation is by replies, queues and futures, never by sleeping.
 */
@Timeout(value = 10, unit = SECONDS)
class ControlServerTest {
    /** Short, so that the stalled-frame and stalled-write cases take a fraction of a second. */
    private static final Duration FRAME_TIMEOUT = Duration.ofMillis(300);
    private static final Register REGISTER = new Register("fw", Register.ANY_INSTANCE, 4242, "test_nf", 3);

    @TempDir
    Path dir;
    private Path socket;
    private FakeManager manager;
    private ControlServer server;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("control.sock");
        manager = new FakeManager();
        server = ControlServer.start(socket, manager, FRAME_TIMEOUT);
    }

    /** After close, every connection the server accepted has had onClosed exactly once. */
    @AfterEach
    void everyConnectionWasClosedExactlyOnce() {
        server.close();
        assertThat(server.connectionCount()).isZero();
        long accepted = manager.closedCalls.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(manager.closedCalls.keySet()).as("onClosed for every connection id")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, accepted).boxed().toList());
        assertThat(manager.closedCalls.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    }

    // ---- hostile input -------------------------------------------------------------------

    /** What a hostile client does, the error it must get, and what becomes of its connection. */
    record Hostile(String name, Script script, ControlError code, String says, boolean closes, boolean registered) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Script {
        void run(RawClient c) throws IOException;
    }

    static Stream<Hostile> hostileInputs() {
        return Stream.of(
                new Hostile("truncated frame", c -> {
                    c.length(100).bytes(new byte[10]);
                    c.channel.shutdownOutput();
                }, ControlError.TRUNCATED, "connection closed after 10 of 100 frame bytes", true, false),
                new Hostile("stalled frame", c -> c.length(100).bytes(new byte[10]),
                        ControlError.TRUNCATED, "frame not complete within 300 ms", true, false),
                new Hostile("oversized length", c -> c.length(1 << 20),
                        ControlError.OVERSIZED, "frame length 1048576 exceeds 65536", true, false),
                new Hostile("zero length", c -> c.length(0), ControlError.OVERSIZED, "frame length 0", true, false),
                new Hostile("not JSON", c -> c.json("hello manager"), ControlError.MALFORMED, "not JSON", false, false),
                new Hostile("JSON array", c -> c.json("[{\"v\":1,\"type\":\"bye\"}]"),
                        ControlError.MALFORMED, "JSON array, not an object", false, false),
                new Hostile("unknown type", c -> c.json("{\"v\":1,\"type\":\"reboot\"}"),
                        ControlError.UNKNOWN_TYPE, "unknown message type \"reboot\"", false, false),
                new Hostile("manager-only type", c -> c.send(new Stop()),
                        ControlError.UNKNOWN_TYPE, "'stop' goes from the manager to an NF", false, false),
                new Hostile("wrong version", c -> c.json("{\"v\":2,\"type\":\"bye\"}"),
                        ControlError.WRONG_VERSION, "protocol version 2", false, false),
                new Hostile("missing field", c -> c.json("{\"v\":1,\"type\":\"register\",\"service\":\"fw\",\"nf\":\"x\",\"layoutVersion\":1}"),
                        ControlError.MALFORMED, "missing field 'pid' in register", false, false),
                new Hostile("wrong field type", c -> c.json(
                                "{\"v\":1,\"type\":\"register\",\"service\":\"fw\",\"instance\":\"two\",\"pid\":5,\"nf\":\"x\",\"layoutVersion\":1}"),
                        ControlError.MALFORMED, "field 'instance' in register is \"two\", expected a 32-bit integer", false, false),
                new Hostile("unknown field", c -> c.json(
                                "{\"v\":1,\"type\":\"register\",\"service\":\"fw\",\"pid\":5,\"nf\":\"x\",\"layoutVersion\":1,\"priority\":9}"),
                        ControlError.MALFORMED, "unknown field 'priority' in register", false, false),
                new Hostile("state before register", c -> c.send(new State(NfState.RUNNING)),
                        ControlError.NOT_REGISTERED, "register first", false, false),
                new Hostile("bye before register", c -> c.send(new ControlMessage.Bye()),
                        ControlError.NOT_REGISTERED, "bye before register", false, false),
                new Hostile("second register on one connection", c -> {
                    c.send(REGISTER);
                    assertThat(c.reply()).isInstanceOf(Registered.class);
                    c.send(REGISTER);
                }, ControlError.ALREADY_REGISTERED, "registered already", false, true),
                new Hostile("register the handler rejects", c -> c.send(new Register("fw", FakeManager.TAKEN_INSTANCE, 4242, "test_nf", 3)),
                        ControlError.INSTANCE_TAKEN, "instance 1 of service 'fw' is held by another NF", false, false),
                new Hostile("handler that throws", c -> c.send(new Register("boom", -1, 4242, "test_nf", 3)),
                        ControlError.INTERNAL, "failed while handling register (IllegalStateException)", false, false),
                new Hostile("handler that returns nothing", c -> c.send(new Register("silent", -1, 4242, "test_nf", 3)),
                        ControlError.INTERNAL, "failed while handling register", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void hostileInputGetsItsErrorIsCountedAndTheServerGoesOn(Hostile h) throws Exception {
        try (RawClient raw = RawClient.connect(socket)) {
            h.script().run(raw);
            ControlMessage reply = raw.reply();
            assertThat(reply).isInstanceOfSatisfying(ControlMessage.Error.class, e -> {
                assertThat(e.code()).isEqualTo(h.code());
                assertThat(e.message()).contains(h.says());
            });
            Map<ControlError, Long> expected = new EnumMap<>(ControlError.class);
            for (ControlError code : ControlError.values()) {
                expected.put(code, code == h.code() ? 1L : 0L);
            }
            assertThat(server.errorCounts()).isEqualTo(expected);

            if (h.closes()) {
                assertThat(raw.reply()).as("the server closed the connection: frame sync is lost").isNull();
                assertThat(manager.closed.poll(5, SECONDS)).isNotNull();
            } else {
                // Still in sync: the next frame is read and answered as usual.
                raw.send(REGISTER);
                ControlMessage next = raw.reply();
                if (h.registered()) {
                    assertThat(next).isInstanceOfSatisfying(ControlMessage.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ControlError.ALREADY_REGISTERED));
                } else {
                    assertThat(next).isInstanceOf(Registered.class);
                }
            }
        }
        try (ControlClient fresh = ControlClient.connect(socket)) {
            assertThat(fresh.register("fw", Register.ANY_INSTANCE, "test_nf", 3).regionPath()).isEqualTo(FakeManager.REGION);
        }
    }

    @Test
    void errorCountsListEveryCodeFromZero() {
        assertThat(server.errorCounts()).containsOnlyKeys(ControlError.values()).allSatisfy((code, n) -> assertThat(n).isZero());
    }

    // ---- the client ------------------------------------------------------------------------

    @Test
    void aClientRegistersAndTheManagerSeesItsPidAndKeepsItsRecord() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            Registered r = client.register("fw", 5, "simple_forward", 3);
            assertThat(r).isEqualTo(new Registered(0, FakeManager.SERVICE_ID, 5, FakeManager.REGION, 3));
            assertThat(client.registration()).isEqualTo(r);

            ControlConnection c = manager.registered.poll(5, SECONDS);
            assertThat(c).isNotNull();
            assertThat(c.isRegistered()).isTrue();
            assertThat(c.registration().pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(c.registration().nf()).isEqualTo("simple_forward");
            assertThat(c.attachment()).isEqualTo(new FakeManager.NfRecord(0, ProcessHandle.current().pid()));
        }
    }

    @Test
    void aRejectedRegisterThrowsWithTheCodeAndTheClientMayTryAgain() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            assertThatThrownBy(() -> client.register("fw", FakeManager.TAKEN_INSTANCE, "simple_forward", 3))
                    .isInstanceOfSatisfying(ControlRejectedException.class, e -> {
                        assertThat(e.error()).isEqualTo(ControlError.INSTANCE_TAKEN);
                        assertThat(e.reason()).contains("held by another NF");
                    })
                    .hasMessageContaining("INSTANCE_TAKEN");
            assertThat(client.registration()).isNull();
            assertThat(client.register("fw", 2, "simple_forward", 3).instanceId()).isEqualTo(2);
            assertThatThrownBy(() -> client.register("fw", 3, "simple_forward", 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("registered already");
        }
        assertThat(server.errorCounts()).containsEntry(ControlError.INSTANCE_TAKEN, 1L);
    }

    @Test
    void connectingWhereNoManagerListensSaysSoAndHowToStartOne() throws IOException {
        Path missing = dir.resolve("missing.sock");
        assertThatThrownBy(() -> ControlClient.connect(missing))
                .isInstanceOf(ConnectException.class)
                .hasMessage("no manager listening at " + missing + ": start one with `jnetvm manager`");

        Path stale = staleSocket("stale.sock");
        assertThatThrownBy(() -> ControlClient.connect(stale))
                .isInstanceOf(ConnectException.class)
                .hasMessage("no manager listening at " + stale + ": start one with `jnetvm manager`");
    }

    @Test
    void stopPauseAndResumeFromTheManagerReachTheListenerInOrder() throws Exception {
        BlockingQueue<ControlMessage> heard = new LinkedBlockingQueue<>();
        try (ControlClient client = ControlClient.connect(socket, heard::add)) {
            client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3);
            ControlConnection c = manager.registered.poll(5, SECONDS);
            c.send(new Pause());
            c.send(new Resume());
            c.send(new Stop());
            assertThat(heard.poll(5, SECONDS)).isEqualTo(new Pause());
            assertThat(heard.poll(5, SECONDS)).isEqualTo(new Resume());
            assertThat(heard.poll(5, SECONDS)).isEqualTo(new Stop());
        }
    }

    @Test
    void stateReportsReachTheHandler() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3);
            client.send(new State(NfState.PAUSED));
            client.send(new State(NfState.STOPPING));
            assertThat(manager.states.poll(5, SECONDS)).isEqualTo(new State(NfState.PAUSED));
            assertThat(manager.states.poll(5, SECONDS)).isEqualTo(new State(NfState.STOPPING));
        }
    }

    // ---- how connections end ----------------------------------------------------------------

    @Test
    void closingTheClientSaysByeAndEndsTheConnectionOnce() throws Exception {
        ControlClient client = ControlClient.connect(socket);
        client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3);
        client.close();
        ControlConnection c = manager.closed.poll(5, SECONDS);
        assertThat(c.saidBye()).isTrue();
        assertThat(c.isOpen()).isFalse();
        assertThat(client.disconnected()).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void anNfThatVanishesWithoutByeIsNoticedOnce() throws Exception {
        try (RawClient raw = RawClient.connect(socket)) {
            raw.send(REGISTER);
            assertThat(raw.reply()).isInstanceOf(Registered.class);
        } // closed abruptly: no bye, as when the process dies
        ControlConnection c = manager.closed.poll(5, SECONDS);
        assertThat(c).isNotNull();
        assertThat(c.isRegistered()).isTrue();
        assertThat(c.saidBye()).isFalse();
        assertThat(server.errorCounts().values()).allMatch(n -> n == 0);
    }

    @Test
    void anNfThatVanishesInTheMiddleOfAFrameIsNoticedAndCountedAsTruncated() throws Exception {
        try (RawClient raw = RawClient.connect(socket)) {
            raw.length(100).bytes(new byte[10]);
        }
        ControlConnection c = manager.closed.poll(5, SECONDS);
        assertThat(c).isNotNull();
        assertThat(c.saidBye()).isFalse();
        assertThat(server.errorCounts()).containsEntry(ControlError.TRUNCATED, 1L);
    }

    @Test
    void theManagerCanEndAConnectionAndTheNfLearnsOfIt() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3);
            manager.registered.poll(5, SECONDS).close();
            assertThat(client.disconnected()).succeedsWithin(Duration.ofSeconds(5));
            assertThat(manager.closed.poll(5, SECONDS).saidBye()).isFalse();
        }
    }

    /** An NF that stops reading cannot hold a manager thread that sends to it. */
    @Test
    void aWriteToAnNfThatNeverReadsIsEndedByTheFrameTimeout() throws Exception {
        try (RawClient raw = RawClient.connect(socket)) {
            raw.send(REGISTER);
            assertThat(raw.reply()).isInstanceOf(Registered.class);
            ControlConnection c = manager.registered.poll(5, SECONDS);
            // Sends until the socket buffer is full and the write blocks; the watchdog must end it.
            CompletableFuture<IOException> ended = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        c.send(new Pause());
                    }
                } catch (IOException e) {
                    ended.complete(e);
                }
            });
            assertThat(ended).succeedsWithin(Duration.ofSeconds(5));
            assertThat(manager.closed.poll(5, SECONDS)).isSameAs(c);
        }
    }

    @Test
    void closingTheServerEndsEveryConnectionAndRemovesTheSocket() throws Exception {
        List<ControlClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ControlClient client = ControlClient.connect(socket);
                client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3);
                clients.add(client);
            }
            server.close();
            assertThat(manager.closed).hasSize(3);
            for (ControlClient client : clients) {
                assertThat(client.disconnected()).succeedsWithin(Duration.ofSeconds(5));
            }
            assertThat(socket).doesNotExist();
        } finally {
            clients.forEach(ControlClient::close);
        }
    }

    @Test
    void aBurstOf200ConcurrentClientsAllRegisterAndAllEndOnce() throws Exception {
        int n = 200;
        List<Future<Registered>> replies = new ArrayList<>();
        try (ExecutorService nfs = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                replies.add(nfs.submit(() -> {
                    try (ControlClient client = ControlClient.connect(socket)) {
                        return client.register("fw", Register.ANY_INSTANCE, "burst_nf", 3);
                    }
                }));
            }
            Set<Integer> slots = new HashSet<>();
            for (Future<Registered> reply : replies) {
                slots.add(reply.get(10, SECONDS).slot());
            }
            assertThat(slots).hasSize(n);
        }
        for (int i = 0; i < n; i++) {
            ControlConnection c = manager.closed.poll(10, SECONDS);
            assertThat(c).as("onClosed number %d", i + 1).isNotNull();
            assertThat(c.saidBye()).isTrue();
        }
        assertThat(manager.closedCalls).hasSize(n);
        assertThat(server.errorCounts().values()).allMatch(count -> count == 0);
    }

    // ---- binding the socket -------------------------------------------------------------

    @Test
    void aSecondServerOnALiveSocketIsRefusedAndTheFirstGoesOn() throws Exception {
        assertThatThrownBy(() -> ControlServer.start(socket, new FakeManager()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("another manager is already listening at " + socket);
        try (ControlClient client = ControlClient.connect(socket)) {
            assertThat(client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3)).isNotNull();
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path stale = staleSocket("stale.sock");
        FakeManager other = new FakeManager();
        try (ControlServer second = ControlServer.start(stale, other);
                ControlClient client = ControlClient.connect(stale)) {
            assertThat(client.register("fw", Register.ANY_INSTANCE, "simple_forward", 3)).isNotNull();
        }
        assertThat(stale).doesNotExist();
    }

    @Test
    void aFileThatIsNotASocketIsNeverDeleted() throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "keep me");
        assertThatThrownBy(() -> ControlServer.start(notes, new FakeManager()))
                .isInstanceOf(IOException.class)
                .hasMessage(notes + " exists and is not a socket: remove it or choose another control socket path");
        assertThat(notes).hasContent("keep me");
    }

    /** A socket file nobody listens on, as a manager that died leaves behind. */
    private Path staleSocket(String name) throws IOException {
        Path path = dir.resolve(name);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
        return path;
    }
}

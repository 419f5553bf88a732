package org.jnetvm.nf.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jnetvm.nf.control.ControlMessage.Bye;
import org.jnetvm.nf.control.ControlMessage.NfState;
import org.jnetvm.nf.control.ControlMessage.Pause;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.jnetvm.nf.control.ControlMessage.Resume;
import org.jnetvm.nf.control.ControlMessage.State;
import org.jnetvm.nf.control.ControlMessage.Stop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The frame and JSON format, read and written through in-memory channels. */
class ControlCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<ControlMessage> oneOfEach() {
        return List.of(
                new Register("firewall", 2, 4242, "simple_forward", 3),
                new Register("7", Register.ANY_INSTANCE, 1, "x", 0),
                new Register("acct", Register.ANY_INSTANCE, 77, "flow_counter", 3, true),
                new ControlMessage.Spawn(64),
                new State(NfState.RUNNING),
                new State(NfState.PAUSED),
                new State(NfState.STOPPING),
                new Bye(),
                new Registered(3, 7, 0, "/dev/shm/jnetvm-region", 3),
                new ControlMessage.Error(ControlError.INSTANCE_TAKEN, "instance 1 of service 'fw' is held by pid 99"),
                new Stop(),
                new Pause(),
                new Resume());
    }

    @Test
    void everyMessageTypeSurvivesAFrameRoundTripInOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var channel = Channels.newChannel(out);
        for (ControlMessage m : oneOfEach()) {
            ControlCodec.write(channel, m);
        }
        ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(out.toByteArray()));
        List<ControlMessage> read = new ArrayList<>();
        for (ControlMessage m; (m = ControlCodec.read(in)) != null; ) {
            read.add(m);
        }
        assertThat(read).containsExactlyElementsOf(oneOfEach());
    }

    @Test
    void jsonStartsWithVersionAndTypeAndUsesTheDocumentedNames() throws IOException {
        assertThat(new String(ControlCodec.encode(new Stop()), UTF_8)).isEqualTo("{\"v\":1,\"type\":\"stop\"}");
        assertThat(new String(ControlCodec.encode(new State(NfState.PAUSED)), UTF_8))
                .isEqualTo("{\"v\":1,\"type\":\"state\",\"state\":\"paused\"}");
        assertThat(new String(ControlCodec.encode(new Registered(1, 2, 3, "/r", 4)), UTF_8)).isEqualTo(
                "{\"v\":1,\"type\":\"registered\",\"slot\":1,\"serviceId\":2,\"instanceId\":3,\"regionPath\":\"/r\",\"layoutVersion\":4}");
        assertThat(new String(ControlCodec.encode(new Register("fw", 1, 9, "nf", 2)), UTF_8)).isEqualTo(
                "{\"v\":1,\"type\":\"register\",\"service\":\"fw\",\"instance\":1,\"pid\":9,\"nf\":\"nf\",\"layoutVersion\":2}");
        assertThat(new String(ControlCodec.encode(new ControlMessage.Error(ControlError.NO_SLOT, "full")), UTF_8))
                .isEqualTo("{\"v\":1,\"type\":\"error\",\"code\":\"NO_SLOT\",\"message\":\"full\"}");
    }

    @Test
    void registerWithoutInstanceAsksForAnyInstance() {
        ControlMessage m = ControlCodec.decode(
                bytes("{\"v\":1,\"type\":\"register\",\"service\":\"fw\",\"pid\":5,\"nf\":\"x\",\"layoutVersion\":1}"));
        assertThat(m).isEqualTo(new Register("fw", Register.ANY_INSTANCE, 5, "x", 1));
    }

    /** Every field of every message except register's instance is required. */
    @Test
    void leavingOutAnyFieldButInstanceOrHostedIsMalformedAndNamesTheField() throws IOException {
        int checked = 0;
        for (ControlMessage m : oneOfEach()) {
            ObjectNode full = (ObjectNode) JSON.readTree(ControlCodec.encode(m));
            for (String field : full.properties().stream().map(Map.Entry::getKey).toList()) {
                if (field.equals("v") || field.equals("type") || (m instanceof Register && (field.equals("instance") || field.equals("hosted")))) {
                    continue;
                }
                ObjectNode cut = full.deepCopy();
                cut.remove(field);
                assertThatThrownBy(() -> ControlCodec.decode(JSON.writeValueAsBytes(cut)))
                        .as("%s without %s", m, field)
                        .isInstanceOfSatisfying(ControlProtocolException.class,
                                e -> assertThat(e.error()).isEqualTo(ControlError.MALFORMED))
                        .hasMessageContaining("missing field '" + field + "'");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(4 + 4 + 4 + 3 + 5 + 2 + 1);
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                bad("hello", ControlError.MALFORMED, "frame is not JSON"),
                bad("{\"v\":1,", ControlError.MALFORMED, "frame is not JSON"),
                bad("   ", ControlError.MALFORMED, "no JSON value"),
                bad("[1,2]", ControlError.MALFORMED, "JSON array, not an object"),
                bad("\"register\"", ControlError.MALFORMED, "JSON string, not an object"),
                bad("{\"v\":1,\"type\":\"bye\"} {}", ControlError.MALFORMED, "frame is not JSON"),
                bad("{\"v\":1,\"type\":\"bye\",\"type\":\"stop\"}", ControlError.MALFORMED, "Duplicate field 'type'"),
                bad("{\"type\":\"bye\"}", ControlError.MALFORMED, "missing field 'v'"),
                bad("{\"v\":\"1\",\"type\":\"bye\"}", ControlError.MALFORMED, "field 'v' must be the integer 1, got \"1\""),
                bad("{\"v\":1.0,\"type\":\"bye\"}", ControlError.MALFORMED, "field 'v' must be the integer 1"),
                bad("{\"v\":2,\"type\":\"bye\"}", ControlError.WRONG_VERSION, "protocol version 2 is not supported"),
                bad("{\"v\":99999999999,\"type\":\"bye\"}", ControlError.WRONG_VERSION, "protocol version 99999999999"),
                bad("{\"v\":1}", ControlError.MALFORMED, "missing field 'type'"),
                bad("{\"v\":1,\"type\":5}", ControlError.MALFORMED, "field 'type' must be a string, got 5"),
                bad("{\"v\":1,\"type\":\"reboot\"}", ControlError.UNKNOWN_TYPE, "unknown message type \"reboot\" (known: register,"),
                bad("{\"v\":1,\"type\":\"Register\"}", ControlError.UNKNOWN_TYPE, "unknown message type \"Register\""),
                bad(register("colour", "\"red\""), ControlError.MALFORMED,
                        "unknown field 'colour' in register (known: hosted, instance, layoutVersion, nf, pid, service)"),
                bad("{\"v\":1,\"type\":\"bye\",\"reason\":1}", ControlError.MALFORMED, "unknown field 'reason' in bye (known: none"),
                bad(register("instance", "\"3\""), ControlError.MALFORMED,
                        "field 'instance' in register is \"3\", expected a 32-bit integer"),
                bad(register("instance", "3.5"), ControlError.MALFORMED, "field 'instance' in register is 3.5, expected a 32-bit integer"),
                bad(register("instance", "30000000000"), ControlError.MALFORMED,
                        "field 'instance' in register is 30000000000, expected a 32-bit integer"),
                bad(register("instance", "true"), ControlError.MALFORMED, "field 'instance' in register is true"),
                bad(register("instance", "-5"), ControlError.MALFORMED, "register instance -5 is not an instance id"),
                bad(register("service", "12"), ControlError.MALFORMED,
                        "field 'service' in register is 12, expected a string"),
                bad(register("service", "{}"), ControlError.MALFORMED,
                        "field 'service' in register is {}, expected a string"),
                bad(register("service", "null"), ControlError.MALFORMED,
                        "register needs a service name or id"),
                bad(register("pid", "null"), ControlError.MALFORMED, "field 'pid' in register is null"),
                bad("{\"v\":1,\"type\":\"state\",\"state\":\"flying\"}", ControlError.MALFORMED,
                        "field 'state' in state is \"flying\", expected one of \"running\", \"paused\", \"stopping\""),
                bad("{\"v\":1,\"type\":\"state\",\"state\":1}", ControlError.MALFORMED, "field 'state' in state is 1"),
                bad("{\"v\":1,\"type\":\"error\",\"code\":\"OOPS\",\"message\":\"m\"}", ControlError.MALFORMED,
                        "field 'code' in error is \"OOPS\", expected one of \"TRUNCATED\""),
                bad("{\"v\":1,\"type\":\"" + "x".repeat(10_000) + "\"}", ControlError.UNKNOWN_TYPE, "…(10002 chars)"));
    }

    private static Arguments bad(String body, ControlError code, String message) {
        return Arguments.of(body, code, message);
    }

    /** A valid register (without instance) whose field {@code field} is set to the raw JSON {@code value}. */
    private static String register(String field, String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("v", "1");
        fields.put("type", "\"register\"");
        fields.put("service", "\"fw\"");
        fields.put("pid", "5");
        fields.put("nf", "\"x\"");
        fields.put("layoutVersion", "1");
        fields.put(field, value);
        return fields.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badBodies")
    void hostileJsonIsRefusedWithTheSpecificCodeAndAMessageThatNamesTheValue(String body, ControlError code, String message) {
        assertThatThrownBy(() -> ControlCodec.decode(bytes(body)))
                .isInstanceOfSatisfying(ControlProtocolException.class, e -> assertThat(e.error()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] body = {'{', '"', 'v', '"', ':', '1', ',', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> ControlCodec.decode(body))
                .isInstanceOfSatisfying(ControlProtocolException.class, e -> assertThat(e.error()).isEqualTo(ControlError.MALFORMED));
    }

    @Test
    void lengthZeroAndLengthsAboveTheLimitAreOversizedAndNothingMoreIsRead() {
        for (long length : new long[] {0, ControlCodec.MAX_FRAME + 1L, 1 << 20, 0x7FFF_FFFFL, 0xFFFF_FFFFL}) {
            CountingChannel in = new CountingChannel(header((int) length));
            assertThatThrownBy(() -> ControlCodec.read(in))
                    .as("length %d", length)
                    .isInstanceOfSatisfying(ControlProtocolException.class,
                            e -> assertThat(e.error()).isEqualTo(ControlError.OVERSIZED))
                    .hasMessageContaining("frame length " + length);
            assertThat(in.consumed).as("bytes read for length %d", length).isEqualTo(4);
        }
        assertThatThrownBy(() -> ControlCodec.read(new CountingChannel(header(1 << 20))))
                .hasMessage("frame length 1048576 exceeds 65536");
    }

    @Test
    void aFrameOfExactlyMaxFrameBytesIsRead() throws IOException {
        String pad = " ".repeat(ControlCodec.MAX_FRAME - "{\"v\":1,\"type\":\"bye\"}".length());
        byte[] body = bytes("{\"v\":1,\"type\":\"bye\"}" + pad);
        assertThat(body).hasSize(ControlCodec.MAX_FRAME);
        assertThat(ControlCodec.read(channel(concat(header(body.length), body)))).isEqualTo(new Bye());
    }

    @Test
    void aStreamThatEndsInsideAFrameIsTruncatedAndSaysHowFarItGot() {
        assertThatThrownBy(() -> ControlCodec.read(channel(new byte[] {0, 0})))
                .isInstanceOfSatisfying(ControlProtocolException.class, e -> assertThat(e.error()).isEqualTo(ControlError.TRUNCATED))
                .hasMessage("connection closed after 2 of 4 length-prefix bytes");
        assertThatThrownBy(() -> ControlCodec.read(channel(concat(header(100), new byte[10]))))
                .isInstanceOfSatisfying(ControlProtocolException.class, e -> assertThat(e.error()).isEqualTo(ControlError.TRUNCATED))
                .hasMessage("connection closed after 10 of 100 frame bytes");
    }

    @Test
    void anEmptyStreamIsACleanEndAndStartsNoFrame() throws IOException {
        AtomicInteger started = new AtomicInteger();
        assertThat(ControlCodec.read(channel(new byte[0]), started::incrementAndGet)).isNull();
        assertThat(started).hasValue(0);
        ControlCodec.read(channel(ControlCodec.frame(new Stop()).array()), started::incrementAndGet);
        assertThat(started).hasValue(1);
    }

    @Test
    void aMessageTooLongForOneFrameIsRefusedWhenWritten() {
        String longMessage = "x".repeat(ControlCodec.MAX_FRAME);
        assertThatThrownBy(() -> ControlCodec.encode(new ControlMessage.Error(ControlError.INTERNAL, longMessage)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the frame limit of 65536");
    }

    @Test
    void typeNamesAreTheWireNames() {
        assertThat(ControlCodec.typeName(Register.class)).isEqualTo("register");
        assertThat(ControlCodec.typeName(ControlMessage.Error.class)).isEqualTo("error");
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    static ReadableByteChannel channel(byte[] bytes) {
        return Channels.newChannel(new ByteArrayInputStream(bytes));
    }

    /** Serves a given prefix, then endless zero bytes, counting what the reader took. */
    private static final class CountingChannel implements ReadableByteChannel {
        private final byte[] prefix;
        long consumed;

        CountingChannel(byte[] prefix) {
            this.prefix = prefix;
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = 0;
            while (dst.hasRemaining()) {
                dst.put(consumed < prefix.length ? prefix[(int) consumed] : 0);
                consumed++;
                n++;
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}

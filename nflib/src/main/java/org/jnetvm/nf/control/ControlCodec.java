package org.jnetvm.nf.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The wire format of the control protocol: a frame is a 4-byte big-endian unsigned length
 * {@code N}, 1 ≤ N ≤ {@link #MAX_FRAME}, then N bytes of UTF-8 JSON holding one object, a
 * {@link ControlMessage} with {@code "v": }{@value #VERSION} and its {@code "type"}.
 *
 * <p>Decoding is strict, because the manager reads what any local process sends: a missing,
 * unknown, duplicated or wrong-typed field is {@link ControlError#MALFORMED} (no coercion of
 * {@code "3"} to 3 or of 3.5 to 3). Errors found in a complete frame leave the stream in sync;
 * {@link ControlError#TRUNCATED} and {@link ControlError#OVERSIZED} do not
 * ({@link ControlError#losesFrameSync()}).
 *
 * <p>Stateless and thread-safe; a channel must still be read by one thread at a time and
 * written by one thread at a time. Channels must be in blocking mode.
 */
public final class ControlCodec {
    /** The protocol version this code speaks, sent as {@code "v"} in every message. */
    public static final int VERSION = 1;
    /** The largest frame body in bytes; also the most a reader allocates for one frame. */
    public static final int MAX_FRAME = 65536;

    private static final int HEADER = Integer.BYTES;
    /** Peer values quoted in error messages are cut to this many characters... */
    private static final int QUOTE_MAX = 64;
    /** ...and Jackson's own words to this many, so that a reply stays far below MAX_FRAME. */
    private static final int DETAIL_MAX = 200;

    /** Wire type name of each message class, from the one list in {@link ControlMessage}. */
    private static final Map<Class<?>, String> TYPE_NAMES = typeNames();

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            // Bye, Stop, Pause and Resume have no fields: their JSON is just v and type.
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .injectableValues(new InjectableValues.Std()
                    .addValue(ControlMessage.Register.ANY_INSTANCE_KEY, ControlMessage.Register.ANY_INSTANCE))
            .build();

    private ControlCodec() {
    }

    /**
     * Reads one message, blocking until a whole frame has arrived.
     *
     * @return the message, or null if the peer closed the connection before the first byte of
     *         a frame (a clean end)
     * @throws ControlProtocolException if the frame or its JSON breaks the protocol
     * @throws IOException              if the channel fails or is closed under the reader
     */
    public static ControlMessage read(ReadableByteChannel in) throws IOException {
        return read(in, () -> { });
    }

    /**
     * Like {@link #read(ReadableByteChannel)}, and calls {@code frameStarted} on the reading
     * thread as soon as the first byte of the frame has arrived, so that a server can time a
     * frame that has started but not finished (an idle connection is not timed).
     */
    public static ControlMessage read(ReadableByteChannel in, Runnable frameStarted) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        int n;
        do {
            n = in.read(header);
        } while (n == 0);
        if (n < 0) {
            return null;
        }
        frameStarted.run();
        readFully(in, header, "length-prefix bytes");
        long length = Integer.toUnsignedLong(header.getInt(0));
        if (length == 0) {
            throw new ControlProtocolException(ControlError.OVERSIZED,
                    "frame length 0: a frame holds one JSON object of 1 to " + MAX_FRAME + " bytes");
        }
        if (length > MAX_FRAME) {
            throw new ControlProtocolException(ControlError.OVERSIZED,
                    "frame length " + length + " exceeds " + MAX_FRAME);
        }
        // Allocated only now, after the bound check: a hostile length costs nothing.
        ByteBuffer body = ByteBuffer.allocate((int) length);
        readFully(in, body, "frame bytes");
        return decode(body.array());
    }

    /** Writes one message as a frame, all of it, blocking until the channel took every byte. */
    public static void write(WritableByteChannel out, ControlMessage message) throws IOException {
        ByteBuffer frame = frame(message);
        while (frame.hasRemaining()) {
            out.write(frame);
        }
    }

    /** The frame for a message: length prefix and JSON body, ready to write. */
    public static ByteBuffer frame(ControlMessage message) {
        byte[] body = encode(message);
        return ByteBuffer.allocate(HEADER + body.length).putInt(body.length).put(body).flip();
    }

    /**
     * The JSON body of a message, with {@code v} and {@code type} first.
     *
     * @throws IllegalArgumentException if it would be longer than {@link #MAX_FRAME} (a
     *                                  path or message string of about 64 KiB)
     */
    public static byte[] encode(ControlMessage message) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("v", VERSION);
        json.setAll((ObjectNode) MAPPER.valueToTree(message));
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(json);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write " + message + " as JSON", e);
        }
        if (body.length > MAX_FRAME) {
            throw new IllegalArgumentException(typeName(message.getClass()) + " message of " + body.length
                    + " bytes exceeds the frame limit of " + MAX_FRAME + ": shorten its strings");
        }
        return body;
    }

    /**
     * Decodes one frame body.
     *
     * @throws ControlProtocolException MALFORMED, UNKNOWN_TYPE or WRONG_VERSION, saying which
     *                                  field or value was wrong
     */
    public static ControlMessage decode(byte[] body) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
            throw malformed("frame is not JSON: " + firstLine(detail));
        }
        if (tree == null || tree.isMissingNode()) {
            throw malformed("frame holds no JSON value, only white space");
        }
        if (!(tree instanceof ObjectNode json)) {
            throw malformed("frame holds a JSON " + kind(tree) + ", not an object: a message is one JSON object");
        }
        JsonNode v = json.remove("v");
        if (v == null) {
            throw malformed("missing field 'v' (the protocol version, " + VERSION + ")");
        }
        if (!v.isIntegralNumber()) {
            throw malformed("field 'v' must be the integer " + VERSION + ", got " + show(v));
        }
        if (!v.canConvertToInt() || v.intValue() != VERSION) {
            throw new ControlProtocolException(ControlError.WRONG_VERSION, "protocol version " + show(v)
                    + " is not supported: this side speaks version " + VERSION + "; run a manager and NFs of one release");
        }
        JsonNode type = json.get("type");
        if (type == null) {
            throw malformed("missing field 'type' (one of " + knownTypes() + ")");
        }
        if (!type.isTextual()) {
            throw malformed("field 'type' must be a string, got " + show(type));
        }
        String typeName = type.textValue();
        if (!TYPE_NAMES.containsValue(typeName)) {
            throw new ControlProtocolException(ControlError.UNKNOWN_TYPE,
                    "unknown message type " + show(type) + " (known: " + knownTypes() + ")");
        }
        try {
            return MAPPER.treeToValue(json, ControlMessage.class);
        } catch (JacksonException e) {
            throw malformed(describe(typeName, json, e));
        } catch (IllegalArgumentException e) {
            // Jackson may hand a record constructor's complaint through unwrapped.
            throw malformed(e.getMessage());
        }
    }

    /** The wire name of a message type, e.g. {@code "register"} for {@link ControlMessage.Register}. */
    public static String typeName(Class<? extends ControlMessage> type) {
        String name = TYPE_NAMES.get(type);
        if (name == null) {
            throw new IllegalArgumentException(type + " is not a control message type");
        }
        return name;
    }

    private static void readFully(ReadableByteChannel in, ByteBuffer buffer, String what) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new ControlProtocolException(ControlError.TRUNCATED, "connection closed after "
                        + buffer.position() + " of " + buffer.capacity() + " " + what);
            }
        }
    }

    /** Turns Jackson's complaint about a field into one that names the field, the value and what was expected. */
    private static String describe(String type, ObjectNode json, JacksonException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return "unknown field " + quote(u.getPropertyName()) + " in " + type + " (known: "
                    + (known.isEmpty() ? "none besides v and type" : String.join(", ", known)) + ")";
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return e.getCause().getMessage(); // the record's own words, which name the message and value
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            JsonMappingException.Reference ref = m.getPath().getLast();
            String field = ref.getFieldName();
            if (field != null) {
                if (!json.has(field)) {
                    return "missing field " + quote(field) + " in " + type;
                }
                String expected = expectation(ref.getFrom(), field);
                return "field " + quote(field) + " in " + type + " is " + show(json.get(field))
                        + (expected == null ? ": " + firstLine(m.getOriginalMessage()) : ", expected " + expected);
            }
        }
        return "invalid " + type + ": " + firstLine(e.getOriginalMessage());
    }

    /** What a record component accepts, in words, or null if the path does not lead to one. */
    private static String expectation(Object from, String field) {
        if (!(from instanceof Class<?> record) || !record.isRecord()) {
            return null;
        }
        for (var component : record.getRecordComponents()) {
            if (component.getName().equals(field)) {
                Class<?> t = component.getType();
                if (t == int.class) {
                    return "a 32-bit integer";
                }
                if (t == long.class) {
                    return "a 64-bit integer";
                }
                if (t == String.class) {
                    return "a string";
                }
                if (t.isEnum()) {
                    return "one of " + Arrays.stream(t.getEnumConstants())
                            .map(c -> MAPPER.valueToTree(c).toString()).collect(Collectors.joining(", "));
                }
            }
        }
        return null;
    }

    private static ControlProtocolException malformed(String message) {
        return new ControlProtocolException(ControlError.MALFORMED, message);
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** A JSON value as it appeared, cut to a length that keeps an error message readable and small. */
    private static String show(JsonNode value) {
        return cut(value.toString());
    }

    private static String quote(String s) {
        return "'" + cut(s) + "'";
    }

    private static String cut(String s) {
        return cut(s, QUOTE_MAX);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return cut(nl < 0 ? s : s.substring(0, nl), DETAIL_MAX).strip();
    }

    private static String knownTypes() {
        return String.join(", ", TYPE_NAMES.values());
    }

    private static Map<Class<?>, String> typeNames() {
        Map<Class<?>, String> names = new LinkedHashMap<>();
        for (JsonSubTypes.Type t : ControlMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            names.put(t.value(), t.name());
        }
        return Collections.unmodifiableMap(names);
    }
}

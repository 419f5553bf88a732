package org.jnetvm.nf.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jnetvm.nf.control.ControlMessage.Bye;
import org.jnetvm.nf.control.ControlMessage.NfState;
import org.jnetvm.nf.control.ControlMessage.Pause;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.jnetvm.nf.control.ControlMessage.Resume;
import org.jnetvm.nf.control.ControlMessage.State;
import org.jnetvm.nf.control.ControlMessage.Stop;

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

    /**
     * Jackson's streaming API only (no ObjectMapper: no introspection, so an NF's first
     * registration does not pay for setting one up); duplicate keys are parse errors. Its buffers come from one
     * shared pool, not one set per thread (Jackson's default): an NF host's 10,000 NFs each encode on their own
     * virtual thread, and 12 KiB of buffers apiece filled its heap (full GCs took a third of a core while idle).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    private static final SerializedString V = new SerializedString("v");
    private static final SerializedString TYPE = new SerializedString("type");

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
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(V);
            g.writeNumber(VERSION);
            g.writeFieldName(TYPE);
            g.writeString(typeName(message.getClass()));
            switch (message) {
                case Register r -> {
                    g.writeStringField("service", r.service());
                    g.writeNumberField("instance", r.instance());
                    g.writeNumberField("pid", r.pid());
                    g.writeStringField("nf", r.nf());
                    g.writeNumberField("layoutVersion", r.layoutVersion());
                    if (r.hosted()) {
                        g.writeBooleanField("hosted", true);
                    }
                }
                case ControlMessage.Spawn sp -> g.writeNumberField("count", sp.count());
                case State st -> g.writeStringField("state", wireName(st.state()));
                case Registered r -> {
                    g.writeNumberField("slot", r.slot());
                    g.writeNumberField("serviceId", r.serviceId());
                    g.writeNumberField("instanceId", r.instanceId());
                    g.writeStringField("regionPath", r.regionPath());
                    g.writeNumberField("layoutVersion", r.layoutVersion());
                    if (r.capture() != null) {
                        g.writeStringField("capture", r.capture());
                    }
                }
                case ControlMessage.Error e -> {
                    g.writeStringField("code", wireName(e.code()));
                    g.writeStringField("message", e.message());
                }
                case Bye _, Stop _, Pause _, Resume _ -> { }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + message + " as JSON", e);
        }
        byte[] body = out.toByteArray();
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
        Map<String, Value> json = parse(body);
        Value v = json.remove("v");
        if (v == null) {
            throw malformed("missing field 'v' (the protocol version, " + VERSION + ")");
        }
        if (v.token() != JsonToken.VALUE_NUMBER_INT) {
            throw malformed("field 'v' must be the integer " + VERSION + ", got " + show(v));
        }
        if (!(v.number() instanceof Integer i) || i != VERSION) {
            throw new ControlProtocolException(ControlError.WRONG_VERSION, "protocol version " + show(v)
                    + " is not supported: this side speaks version " + VERSION + "; run a manager and NFs of one release");
        }
        Value type = json.remove("type");
        if (type == null) {
            throw malformed("missing field 'type' (one of " + knownTypes() + ")");
        }
        if (type.token() != JsonToken.VALUE_STRING) {
            throw malformed("field 'type' must be a string, got " + show(type));
        }
        String typeName = type.text();
        if (!TYPE_NAMES.containsValue(typeName)) {
            throw new ControlProtocolException(ControlError.UNKNOWN_TYPE,
                    "unknown message type " + show(type) + " (known: " + knownTypes() + ")");
        }
        Fields f = new Fields(typeName, json);
        try {
            return switch (typeName) {
                case "register" -> {
                    f.only("service", "instance", "pid", "nf", "layoutVersion", "hosted");
                    yield new Register(f.string("service"), f.optionalInt("instance", Register.ANY_INSTANCE),
                            f.int64("pid"), f.string("nf"), f.int32("layoutVersion"), f.optionalBoolean("hosted"));
                }
                case "state" -> {
                    f.only("state");
                    yield new State(f.enumValue("state", NfState.class));
                }
                case "registered" -> {
                    f.only("slot", "serviceId", "instanceId", "regionPath", "layoutVersion", "capture");
                    yield new Registered(f.int32("slot"), f.int32("serviceId"), f.int32("instanceId"),
                            f.string("regionPath"), f.int32("layoutVersion"), f.optionalString("capture"));
                }
                case "error" -> {
                    f.only("code", "message");
                    yield new ControlMessage.Error(f.enumValue("code", ControlError.class), f.string("message"));
                }
                case "bye" -> f.none(new Bye());
                case "stop" -> f.none(new Stop());
                case "pause" -> f.none(new Pause());
                case "resume" -> f.none(new Resume());
                case "spawn" -> {
                    f.only("count");
                    yield new ControlMessage.Spawn(f.int32("count"));
                }
                default -> throw new IllegalStateException("no decoder for message type " + typeName);
            };
        } catch (NullPointerException | IllegalArgumentException e) {
            // A record constructor's complaint (a null string, a bad value): its own words name the message and value.
            throw malformed(e.getMessage());
        }
    }

    /** One top-level field's value: its token, its text if a string, its number if integral, and its JSON text. */
    private record Value(JsonToken token, String text, Number number, String json) {
    }

    /**
     * Reads the body into its top-level fields, in order; anything but exactly one JSON object
     * (with no duplicate keys and nothing after it) is malformed.
     */
    private static Map<String, Value> parse(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw malformed("frame holds no JSON value, only white space");
            }
            Map<String, Value> fields = new LinkedHashMap<>();
            if (first == JsonToken.START_OBJECT) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    fields.put(name, value(p, p.nextToken()));
                }
            } else {
                p.skipChildren();
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw malformed("frame is not JSON: trailing token (" + trailing.asString()
                        + ") after the first value: a frame holds one JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw malformed("frame holds a JSON " + kind(first) + ", not an object: a message is one JSON object");
            }
            return fields;
        } catch (JacksonException e) {
            throw malformed("frame is not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw malformed("frame is not JSON: " + firstLine(e.getMessage()));
        }
    }

    private static Value value(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> {
                String text = p.getText();
                yield new Value(token, text, null, null);
            }
            case VALUE_NUMBER_INT -> new Value(token, null, p.getNumberValue(), p.getText());
            case START_OBJECT, START_ARRAY -> {
                // Kept as compact JSON for error messages only (no message has a structured field).
                StringWriter text = new StringWriter();
                try (JsonGenerator g = JSON.createGenerator(text)) {
                    g.copyCurrentStructure(p);
                }
                yield new Value(token, null, null, text.toString());
            }
            default -> new Value(token, null, null, p.getText());
        };
    }

    /** The fields of one message after v and type, taken out one by one with the checks and messages of the protocol. */
    private static final class Fields {
        private final String type;
        private final Map<String, Value> json;

        Fields(String type, Map<String, Value> json) {
            this.type = type;
            this.json = json;
        }

        /** Refuses a field not among {@code known}. */
        void only(String... known) {
            List<String> names = List.of(known);
            for (String field : json.keySet()) {
                if (!names.contains(field)) {
                    throw malformed("unknown field " + quote(field) + " in " + type + " (known: "
                            + names.stream().sorted().collect(Collectors.joining(", ")) + ")");
                }
            }
        }

        /** A message without fields: refuses any field. */
        ControlMessage none(ControlMessage message) {
            for (String field : json.keySet()) {
                throw malformed("unknown field " + quote(field) + " in " + type + " (known: none besides v and type)");
            }
            return message;
        }

        private Value required(String field) {
            Value value = json.get(field);
            if (value == null) {
                throw malformed("missing field " + quote(field) + " in " + type);
            }
            return value;
        }

        private ControlProtocolException wrong(String field, Value value, String expected) {
            return malformed("field " + quote(field) + " in " + type + " is " + show(value) + ", expected " + expected);
        }

        int int32(String field) {
            Value value = required(field);
            if (value.token() != JsonToken.VALUE_NUMBER_INT || !(value.number() instanceof Integer i)) {
                throw wrong(field, value, "a 32-bit integer");
            }
            return i;
        }

        int optionalInt(String field, int absent) {
            return json.containsKey(field) ? int32(field) : absent;
        }

        /** A JSON true or false; false when the field is absent. */
        boolean optionalBoolean(String field) {
            Value value = json.get(field);
            if (value == null) {
                return false;
            }
            return switch (value.token()) {
                case VALUE_TRUE -> true;
                case VALUE_FALSE -> false;
                default -> throw wrong(field, value, "true or false");
            };
        }

        long int64(String field) {
            Value value = required(field);
            if (value.token() != JsonToken.VALUE_NUMBER_INT || value.number() instanceof BigInteger) {
                throw wrong(field, value, "a 64-bit integer");
            }
            return value.number().longValue();
        }

        /** A string, or null when the field is absent or JSON null. */
        String optionalString(String field) {
            return json.containsKey(field) ? string(field) : null;
        }

        /** A string, or null for JSON null (the record then says what it needs). */
        String string(String field) {
            Value value = required(field);
            return switch (value.token()) {
                case VALUE_STRING -> value.text();
                case VALUE_NULL -> null;
                default -> throw wrong(field, value, "a string");
            };
        }

        <E extends Enum<E>> E enumValue(String field, Class<E> enumType) {
            Value value = required(field);
            if (value.token() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (value.token() == JsonToken.VALUE_STRING) {
                for (E constant : enumType.getEnumConstants()) {
                    if (wireName(constant).equals(value.text())) {
                        return constant;
                    }
                }
            }
            throw wrong(field, value, "one of " + Arrays.stream(enumType.getEnumConstants())
                    .map(c -> "\"" + wireName(c) + "\"").collect(Collectors.joining(", ")));
        }
    }

    /** An enum constant's name on the wire: its {@link JsonProperty} value, else its name. */
    private static String wireName(Enum<?> constant) {
        try {
            JsonProperty property = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return property != null && !property.value().isEmpty() ? property.value() : constant.name();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
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

    private static ControlProtocolException malformed(String message) {
        return new ControlProtocolException(ControlError.MALFORMED, message);
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A JSON value as it appeared, cut to a length that keeps an error message readable and small. */
    private static String show(Value value) {
        if (value.token() == JsonToken.VALUE_STRING) {
            StringWriter text = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(text)) {
                g.writeString(value.text());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return cut(text.toString());
        }
        return cut(value.json());
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

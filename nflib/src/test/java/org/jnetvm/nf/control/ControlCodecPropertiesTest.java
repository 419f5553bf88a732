package org.jnetvm.nf.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jnetvm.nf.control.ControlMessage.Bye;
import org.jnetvm.nf.control.ControlMessage.NfState;
import org.jnetvm.nf.control.ControlMessage.Pause;
import org.jnetvm.nf.control.ControlMessage.Register;
import org.jnetvm.nf.control.ControlMessage.Registered;
import org.jnetvm.nf.control.ControlMessage.Resume;
import org.jnetvm.nf.control.ControlMessage.State;
import org.jnetvm.nf.control.ControlMessage.Stop;

/** Random field values survive the codec, and random input is either a message or a protocol error. */
class ControlCodecPropertiesTest {

    @Property(tries = 500)
    void everyMessageSurvivesEncodeFrameAndRead(@ForAll("messages") ControlMessage message) throws IOException {
        ByteBuffer frame = ControlCodec.frame(message);
        assertThat(frame.getInt(0)).isEqualTo(frame.remaining() - 4);
        ControlMessage read = ControlCodec.read(Channels.newChannel(new ByteArrayInputStream(frame.array())));
        assertThat(read).isEqualTo(message);
    }

    /** Nothing but ControlProtocolException escapes decode, whatever the bytes (no NPE, no Jackson type). */
    @Property(tries = 2000)
    void arbitraryBytesAreAMessageOrAProtocolError(@ForAll("bodies") byte[] body) {
        try {
            assertThat(ControlCodec.decode(body)).isNotNull();
        } catch (ControlProtocolException e) {
            assertThat(e.error()).isIn(ControlError.MALFORMED, ControlError.UNKNOWN_TYPE, ControlError.WRONG_VERSION);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
        }
    }

    @Provide
    Arbitrary<ControlMessage> messages() {
        Arbitrary<String> text = text();
        Arbitrary<Integer> anyInt = Arbitraries.integers();
        Arbitrary<ControlMessage> register = Combinators.combine(text, Arbitraries.integers().between(-1, Integer.MAX_VALUE),
                        Arbitraries.longs().between(1, Long.MAX_VALUE), text, anyInt)
                .as(Register::new);
        Arbitrary<ControlMessage> state = Arbitraries.of(NfState.class).map(State::new);
        Arbitrary<ControlMessage> registered = Combinators.combine(anyInt, anyInt, anyInt, text, anyInt).as(Registered::new);
        Arbitrary<ControlMessage> error = Combinators.combine(Arbitraries.of(ControlError.class), text)
                .as(ControlMessage.Error::new);
        Arbitrary<ControlMessage> empty = Arbitraries.of(new Bye(), new Stop(), new Pause(), new Resume());
        return Arbitraries.oneOf(register, state, registered, error, empty);
    }

    /** Strings of any Unicode text, control characters, quotes and non-BMP characters included. */
    private static Arbitrary<String> text() {
        Arbitrary<String> bmp = Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(40);
        Arbitrary<String> astral = Arbitraries.integers().between(0x10000, 0x10FFFF).map(Character::toString);
        return Arbitraries.oneOf(bmp, astral, Arbitraries.of("", "\"", "\\", "{\"v\":2}", "fw"));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        // Valid messages with a few bytes overwritten reach deeper than random bytes.
        Arbitrary<byte[]> mutated = Combinators.combine(messages(), Arbitraries.integers().list().ofMaxSize(4),
                        Arbitraries.bytes().list().ofSize(4))
                .as((m, positions, values) -> {
                    byte[] b = ControlCodec.encode(m);
                    for (int i = 0; i < positions.size(); i++) {
                        b[Math.floorMod(positions.get(i), b.length)] = values.get(i);
                    }
                    return b;
                });
        Arbitrary<byte[]> shuffledJson = Arbitraries.of(
                        "{\"v\":1,\"type\":\"register\",\"service\":[],\"pid\":{},\"nf\":1e999,\"layoutVersion\":-0}",
                        "{\"v\":1,\"type\":\"error\",\"code\":null,\"message\":[]}",
                        "{\"v\":1,\"type\":\"state\",\"state\":{\"state\":\"running\"}}",
                        "{\"v\":-1e400,\"type\":null}",
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(raw, mutated, shuffledJson);
    }
}

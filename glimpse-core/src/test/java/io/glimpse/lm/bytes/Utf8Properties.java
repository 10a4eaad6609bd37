package io.glimpse.lm.bytes;

import io.glimpse.io.BadInputException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Utf8} against the JDK's strict UTF-8 decoder on random bytes. */
class Utf8Properties {
    private static final byte[] CONTINUATIONS = {(byte) 0x80, (byte) 0x90, (byte) 0xA0, (byte) 0xBF};

    @Property(tries = 2000)
    void agreesWithTheStrictDecoder(@ForAll("bytes") byte[] b) {
        Utf8.State state = Utf8.state(b, 0, b.length);
        assertThat(state == Utf8.State.COMPLETE).as(Arrays.toString(b)).isEqualTo(decodes(b));
        if (state == Utf8.State.PARTIAL) {
            assertThat(completable(b, 3)).as("a partial character can be completed").isTrue();
        }
        if (state == Utf8.State.COMPLETE) {
            assertThatCode(() -> Utf8.requireComplete(b, "prompt")).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> Utf8.requireComplete(b, "prompt")).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith("prompt: ");
        }
    }

    @Property(tries = 500)
    void completeEndIsTheLastCharacterBoundary(@ForAll("bytes") byte[] b) {
        if (Utf8.state(b, 0, b.length) != Utf8.State.MALFORMED) {
            int end = Utf8.completeEnd(b, b.length);
            assertThat(Utf8.state(b, 0, end)).isEqualTo(Utf8.State.COMPLETE);
            assertThat(b.length - end).isLessThan(4);
        }
    }

    private static boolean completable(byte[] b, int more) {
        if (decodes(b)) {
            return true;
        }
        if (more == 0) {
            return false;
        }
        for (byte c : CONTINUATIONS) {
            byte[] longer = Arrays.copyOf(b, b.length + 1);
            longer[b.length] = c;
            if (completable(longer, more - 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean decodes(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<Byte> one = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E)),
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes().between((byte) 0x80, (byte) 0xBF)),
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes().between((byte) 0xC0, (byte) 0xFF)));
        return one.array(byte[].class).ofMaxSize(8);
    }
}

package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** This module's copies of chapter 4's helpers behave as the originals do. */
class ProtocolAndOptionsTest {

    @Test
    void encodesTheLengthLittleEndianBeforeThePayload() {
        assertThat(Protocol.encode(Net.bytes("hi"))).containsExactly(0x02, 0x00, 0x00, 0x00, 0x68, 0x69);
    }

    @Test
    void decodesTheLengthAsAnUnsignedNumber() {
        assertThat(Protocol.decodeLength(new byte[] {0x01, 0x10, 0x00, 0x00})).isEqualTo(4097);
        assertThat(Protocol.decodeLength(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isEqualTo(4_294_967_295L);
    }

    @Test
    void readMessageRejectsEofInsideAMessageAndOversizedLengths() {
        assertThatThrownBy(() -> Protocol.readMessage(new ByteArrayInputStream(new byte[] {5, 0, 0, 0, 'a'})))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Protocol.readMessage(new ByteArrayInputStream(new byte[] {1, 0x10, 0, 0})))
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> Protocol.encode(new byte[Protocol.K_MAX_MSG + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsParseHostPortQuietAndFreeWords() {
        assertThat(Options.parse("--port", "0", "--host", "127.0.0.1", "--quiet", "a", "b"))
                .isEqualTo(new Options("127.0.0.1", 0, true, List.of("a", "b")));
        assertThat(Options.parse()).isEqualTo(new Options("127.0.0.1", 1234, false, List.of()));
        assertThatThrownBy(() -> Options.parse("--port", "65536")).isInstanceOf(IllegalArgumentException.class);
    }
}

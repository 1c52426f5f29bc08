package dev.eventloop.chapter04;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void encodesTheLengthLittleEndianBeforeThePayload() {
        byte[] wire = Protocol.encode("hi".getBytes(StandardCharsets.US_ASCII));

        assertThat(wire).containsExactly(0x02, 0x00, 0x00, 0x00, 0x68, 0x69);
    }

    @Test
    void decodesTheLengthAsAnUnsignedNumber() {
        assertThat(Protocol.decodeLength(new byte[] {0x00, 0x10, 0x00, 0x00})).isEqualTo(4096);
        assertThat(Protocol.decodeLength(new byte[] {0x01, 0x10, 0x00, 0x00})).isEqualTo(4097);
        // a signed int would read -1 here and pass a "len > K_MAX_MSG" check
        assertThat(Protocol.decodeLength(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isEqualTo(4_294_967_295L);
    }

    @Test
    void readFullLoopsOverShortReads() throws IOException {
        byte[] wire = concat(Protocol.encode(bytes("hello")), Protocol.encode(bytes("world!")));
        InputStream oneByteAtATime = new OneBytePerRead(wire);

        assertThat(Protocol.readMessage(oneByteAtATime)).isEqualTo(bytes("hello"));
        assertThat(Protocol.readMessage(oneByteAtATime)).isEqualTo(bytes("world!"));
        assertThat(oneByteAtATime.read()).isEqualTo(-1);
    }

    @Test
    void readFullReportsHowMuchArrivedBeforeEof() throws IOException {
        byte[] buf = new byte[4];

        assertThat(Protocol.readFull(new ByteArrayInputStream(new byte[] {1, 2}), buf, 4)).isEqualTo(2);
        assertThat(Protocol.readFull(new ByteArrayInputStream(new byte[0]), buf, 4)).isZero();
    }

    @Test
    void readMessageRejectsEofInsideAMessageAndOversizedLengths() {
        assertThatThrownBy(() -> Protocol.readMessage(new ByteArrayInputStream(new byte[] {5, 0, 0, 0, 'a'})))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Protocol.readMessage(new ByteArrayInputStream(new byte[] {1, 0x10, 0, 0})))
                .hasMessageContaining("too long");
    }

    @Test
    void encodeRefusesPayloadsOverTheLimit() {
        assertThat(Protocol.encode(new byte[Protocol.K_MAX_MSG])).hasSize(4 + 4096);
        assertThatThrownBy(() -> Protocol.encode(new byte[Protocol.K_MAX_MSG + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A stream that, like a slow TCP connection, hands out at most one byte per read. */
    private static final class OneBytePerRead extends InputStream {
        private final ByteArrayInputStream data;

        OneBytePerRead(byte[] bytes) {
            this.data = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return data.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return len == 0 ? 0 : data.read(b, off, 1);
        }
    }
}

package dev.eventloop.chapter04;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The course's wire protocol, the book's chapter 4 framing: each message is a 4-byte length
 * followed by that many bytes of payload.
 *
 * <pre>
 * +-----+------+-----+------+--------
 * | len | msg1 | len | msg2 | more...
 * +-----+------+-----+------+--------
 * </pre>
 *
 * <p>Two details trip up a Java port of the C code:
 * <ul>
 *   <li><b>Byte order.</b> The C code copies the length with {@code memcpy} on a little-endian
 *       machine, so the wire format is little-endian. A Java {@link ByteBuffer} is
 *       <em>big-endian</em> until you call {@code order(ByteOrder.LITTLE_ENDIAN)}.
 *   <li><b>Signedness.</b> The C length is a {@code uint32_t}; a Java {@code int} is signed, so
 *       the header {@code ff ff ff ff} reads as {@code -1}. {@link Integer#toUnsignedLong} turns it
 *       into 4294967295, which is then rejected as too long instead of slipping past a
 *       {@code len > K_MAX_MSG} check as a negative number.
 * </ul>
 */
public final class Protocol {
    /** The largest payload a message may carry, inclusive (the book's {@code k_max_msg}). */
    public static final int K_MAX_MSG = 4096;
    /** Size of the length prefix. */
    public static final int HEADER_SIZE = 4;

    private Protocol() {
    }

    // tag::encode[]
    /** Builds one message: the little-endian length of {@code payload}, then the payload. */
    public static byte[] encode(byte[] payload) {
        if (payload.length > K_MAX_MSG) {
            throw new IllegalArgumentException("too long: " + payload.length + " > " + K_MAX_MSG);
        }
        return ByteBuffer.allocate(HEADER_SIZE + payload.length)
                .order(ByteOrder.LITTLE_ENDIAN) // without this line the length goes out big-endian
                .putInt(payload.length)
                .put(payload)
                .array();
    }
    // end::encode[]

    /**
     * Reads the payload length from a 4-byte header as the unsigned number the C code sees.
     *
     * @return a value from 0 to 4294967295; never negative
     */
    // tag::decode-length[]
    public static long decodeLength(byte[] header) {
        int signed = ByteBuffer.wrap(header, 0, HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Integer.toUnsignedLong(signed);
    }
    // end::decode-length[]

    /**
     * Reads exactly {@code n} bytes unless the stream ends first: the book's {@code read_full}.
     *
     * <p>TCP is a byte stream, not a message stream: one {@code read} may return any number of
     * bytes from 1 to what was asked, whatever the peer's {@code write}s looked like. So a reader
     * loops until it has what it needs. (The JDK's {@link InputStream#readNBytes(byte[], int, int)}
     * does the same; it is spelled out here because this loop is the lesson.)
     *
     * @return the number of bytes read: {@code n}, or fewer only if the stream ended (EOF)
     */
    // tag::read-full[]
    public static int readFull(InputStream in, byte[] buf, int n) throws IOException {
        int got = 0;
        while (got < n) {
            int rv = in.read(buf, got, n - got);
            if (rv < 0) {
                break; // EOF: the caller decides whether that is a clean close or a broken message
            }
            got += rv;
        }
        return got;
    }
    // end::read-full[]

    /**
     * Writes all of {@code buf}: the book's {@code write_all}.
     *
     * <p>In C, {@code write} may write fewer bytes than asked and the caller must loop. A blocking
     * Java {@link OutputStream} does that loop itself: {@code write} returns only once every byte
     * is handed to the kernel. The loop becomes visible again with nonblocking channels in
     * chapter 5, where {@code write} returns how many bytes it took.
     */
    public static void writeAll(OutputStream out, byte[] buf) throws IOException {
        out.write(buf);
        out.flush();
    }

    /**
     * Reads one whole message (header and payload) from a stream that must not end first: the
     * client's side of the protocol.
     *
     * @throws EOFException if the stream ends before the message is complete
     * @throws IOException if the header announces more than {@link #K_MAX_MSG} bytes
     */
    public static byte[] readMessage(InputStream in) throws IOException {
        byte[] header = new byte[HEADER_SIZE];
        if (readFull(in, header, HEADER_SIZE) < HEADER_SIZE) {
            throw new EOFException("EOF while reading the length");
        }
        long len = decodeLength(header);
        if (len > K_MAX_MSG) {
            throw new IOException("too long: " + len);
        }
        byte[] payload = new byte[(int) len];
        if (readFull(in, payload, payload.length) < payload.length) {
            throw new EOFException("EOF while reading the payload");
        }
        return payload;
    }
}

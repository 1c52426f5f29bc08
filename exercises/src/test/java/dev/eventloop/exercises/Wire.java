package dev.eventloop.exercises;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Raw protocol IO for tests: frames written and read by hand, with timeouts on every socket. */
final class Wire {
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private Wire() {
    }

    /** A connected loopback socket whose reads give up after {@value #READ_TIMEOUT_MILLIS} ms. */
    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    /**
     * Like {@link #connect}, with a receive buffer of {@code bytes}, set before connecting so that
     * the window is agreed that small: a client that reads little, or late, makes the server's
     * writes block early, whatever the kernel's buffer autotuning would allow.
     */
    static Socket connectWithReceiveBuffer(int port, int bytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(bytes);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    /**
     * The protocol, stated here rather than taken from the code under test: a 4-byte
     * little-endian length, then that many bytes, at most 4096.
     */
    static byte[] encode(byte[] payload) {
        byte[] frame = new byte[4 + payload.length];
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length).put(payload);
        return frame;
    }

    /** Reads one frame as {@link #encode} writes it; fails on EOF or a length over 4096. */
    static byte[] readMessage(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new EOFException("EOF in a response header (" + header.length + " of 4 bytes)");
        }
        long len = Integer.toUnsignedLong(ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (len > 4096) {
            throw new IOException("a response length of " + len + " bytes: the limit is 4096");
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) {
            throw new EOFException("EOF in a response payload (" + payload.length + " of " + len + " bytes)");
        }
        return payload;
    }

    /** The UTF-8 bytes of {@code text}: a payload written as text. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void send(Socket socket, byte[] payload) throws IOException {
        socket.getOutputStream().write(encode(payload));
    }

    static byte[] receive(Socket socket) throws IOException {
        return readMessage(socket.getInputStream());
    }

    /** Several frames back to back, as one pipelined write. */
    static byte[] frames(byte[]... payloads) {
        int total = 0;
        for (byte[] p : payloads) {
            total += 4 + p.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] p : payloads) {
            byte[] frame = encode(p);
            System.arraycopy(frame, 0, out, at, frame.length);
            at += frame.length;
        }
        return out;
    }

    static byte[] randomPayload(Random random, int size) {
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        return payload;
    }

    /** The socket's peer closed: the next read returns EOF (or fails with a reset). */
    static boolean closedByPeer(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }
}

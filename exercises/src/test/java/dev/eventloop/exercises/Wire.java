package dev.eventloop.exercises;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    static void send(Socket socket, byte[] payload) throws IOException {
        socket.getOutputStream().write(Protocol.encode(payload));
    }

    static byte[] receive(Socket socket) throws IOException {
        return Protocol.readMessage(socket.getInputStream());
    }

    /** Several frames back to back, as one pipelined write. */
    static byte[] frames(byte[]... payloads) {
        int total = 0;
        for (byte[] p : payloads) {
            total += Protocol.HEADER_SIZE + p.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] p : payloads) {
            byte[] frame = Protocol.encode(p);
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

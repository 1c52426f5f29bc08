package dev.eventloop.chapter05;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Small socket helpers for the tests: every connection goes to 127.0.0.1 with a read timeout. */
final class Net {
    /** How long a test waits for something that must happen; generous, for a loaded machine. */
    static final Duration WAIT = Duration.ofSeconds(20);
    /** A blocked read gives up after this long, so a broken server fails a test instead of hanging it. */
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private Net() {
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    static String query(Socket socket, String text) throws IOException {
        send(socket, Protocol.encode(bytes(text)));
        return readString(socket);
    }

    static String readString(Socket socket) throws IOException {
        return new String(Protocol.readMessage(socket.getInputStream()), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

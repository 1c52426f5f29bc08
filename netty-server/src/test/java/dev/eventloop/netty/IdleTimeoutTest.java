package dev.eventloop.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * With {@code --idle-timeout MS}, a connection on which nothing happens for that long is closed
 * (exercise 4's rule), and the log says {@code idle timeout}; the server serves on.
 */
class IdleTimeoutTest {
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    @Test
    void aSilentConnectionIsClosedAndTheServerServesOn() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (NettyServer server = NettyServer.start(ServerOptions.parse("--port", "0", "--quiet", "--idle-timeout", "200"),
                log::add)) {
            try (Socket silent = connect(server.port())) {
                assertThat(closedByPeer(silent)).as("a connection that sends nothing, %d ms after it went quiet"
                        + " (the idle timeout is 200 ms)", READ_TIMEOUT_MILLIS).isTrue();
            }
            await("the server logs \"idle timeout\" for the silent connection").until(() -> log.contains("idle timeout"));
            try (Socket next = connect(server.port())) {
                next.getOutputStream().write(new byte[] {2, 0, 0, 0, 'h', 'i'});
                assertThat(next.getInputStream().readNBytes(6)).as("the answer to \"hi\" on a new connection")
                        .isEqualTo(new byte[] {2, 0, 0, 0, 'h', 'i'});
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    /** The peer closed: the next read returns EOF (or fails with a reset); a read timeout is not a close. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}

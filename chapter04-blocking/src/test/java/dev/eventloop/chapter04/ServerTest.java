package dev.eventloop.chapter04;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ServerTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();
    private Server server;
    private Thread serverThread;

    @BeforeEach
    void start() throws IOException {
        server = Server.open("127.0.0.1", 0, false, log::add);
        serverThread = new Thread(server::serve, "chapter04-server");
        serverThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serverThread.join(5_000);
        assertThat(serverThread.isAlive()).as("server thread ends after close()").isFalse();
    }

    @Test
    void echoesEachRequestAndLogsIt() throws IOException {
        try (Client client = Client.connect("127.0.0.1", server.port())) {
            assertThat(client.query("hello1")).isEqualTo("hello1");
            assertThat(client.query("hello2")).isEqualTo("hello2");
        }
        await().until(() -> log.contains("EOF"));
        assertThat(log).containsSubsequence("client says: hello1", "client says: hello2", "EOF");
    }

    @Test
    void echoesEmptyAndMaximumPayloads() throws IOException {
        try (Socket socket = connect()) {
            for (int size : new int[] {0, Protocol.K_MAX_MSG}) {
                byte[] payload = new byte[size];
                java.util.Arrays.fill(payload, (byte) 'x');
                socket.getOutputStream().write(Protocol.encode(payload));

                assertThat(Protocol.readMessage(socket.getInputStream())).isEqualTo(payload);
            }
        }
    }

    @Test
    void rejectsLengthOneOverTheLimitAndClosesTheConnection() throws IOException {
        assertClosedAfter(new byte[] {0x01, 0x10, 0x00, 0x00}); // 4097
        await().until(() -> log.contains("too long"));
        assertServesNextClient();
    }

    @Test
    void rejectsAllOnesHeaderAsTooLongNotNegative() throws IOException {
        assertClosedAfter(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        await().until(() -> log.contains("too long"));
        assertServesNextClient();
    }

    @Test
    void eofInsideTheHeaderClosesThatConnectionOnly() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {0x05, 0x00});
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).as("server closes").isEqualTo(-1);
        }
        await().until(() -> log.contains("unexpected EOF"));
        assertServesNextClient();
    }

    @Test
    void eofInsideTheBodyClosesThatConnectionOnly() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {0x05, 0x00, 0x00, 0x00, 'a', 'b'});
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).as("server closes").isEqualTo(-1);
        }
        await().until(() -> log.contains("unexpected EOF"));
        assertServesNextClient();
    }

    @Test
    void aResetClosesThatConnectionOnly() throws IOException {
        Socket socket = connect();
        socket.getOutputStream().write(new byte[] {0x05, 0x00, 0x00, 0x00, 'a'});
        socket.setSoLinger(true, 0); // close() now sends RST instead of FIN
        socket.close();

        await().until(() -> log.stream().anyMatch(line -> line.startsWith("IO error")));
        assertServesNextClient();
    }

    @Test
    void aSecondClientWaitsUntilTheFirstDisconnects() throws IOException {
        Client first = Client.connect("127.0.0.1", server.port());
        try (Socket second = connect()) {
            assertThat(first.query("first")).isEqualTo("first");

            second.getOutputStream().write(Protocol.encode("second".getBytes(StandardCharsets.UTF_8)));
            // The server thread is blocked reading the first client's next request: nobody reads ours.
            second.setSoTimeout(500);
            assertThatThrownBy(() -> second.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(log).doesNotContain("client says: second");

            first.close(); // now the server accepts the second connection and answers it
            second.setSoTimeout(10_000);
            assertThat(new String(Protocol.readMessage(second.getInputStream()), StandardCharsets.UTF_8))
                    .isEqualTo("second");
        } finally {
            first.close();
        }
    }

    @Test
    void closeStopsTheServerEvenWhileAClientIsConnected() throws Exception {
        try (Client client = Client.connect("127.0.0.1", server.port())) {
            assertThat(client.query("ping")).isEqualTo("ping");
            server.close();
            serverThread.join(5_000);

            assertThat(serverThread.isAlive()).isFalse();
            assertThatThrownBy(() -> client.query("again")).isInstanceOf(IOException.class);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private void assertClosedAfter(byte[] bytes) throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("the server closes the connection without a reply").isEqualTo(-1);
        }
    }

    private void assertServesNextClient() throws IOException {
        try (Client next = Client.connect("127.0.0.1", server.port())) {
            assertThat(next.query("next")).isEqualTo("next");
        }
    }
}

package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ThreadedServerTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();
    private ThreadedServer server;
    private Thread serverThread;

    @BeforeEach
    void start() throws IOException {
        server = ThreadedServer.open("127.0.0.1", 0, false, log::add);
        serverThread = new Thread(server::serve, "chapter05-threaded-server");
        serverThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        List<Thread> connectionThreads = server.connectionThreads();
        server.close();
        serverThread.join(Net.WAIT.toMillis());
        assertThat(serverThread.isAlive()).as("accept thread ends after close()").isFalse();
        assertThat(connectionThreads).as("connection threads end after close()").noneMatch(Thread::isAlive);
        assertThat(server.connectionThreads()).isEmpty();
    }

    @Test
    void echoesEachRequestAndLogsIt() throws IOException {
        try (Client client = Client.connect("127.0.0.1", server.port())) {
            assertThat(client.query("hello1")).isEqualTo("hello1");
            assertThat(client.query("hello2")).isEqualTo("hello2");
        }
        await().atMost(Net.WAIT).until(() -> log.contains("EOF"));
        assertThat(log).containsSubsequence("client says: hello1", "client says: hello2", "EOF");
    }

    @Test
    void echoesEmptyAndMaximumPayloads() throws IOException {
        try (Socket socket = Net.connect(server.port())) {
            for (int size : new int[] {0, Protocol.K_MAX_MSG}) {
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) 'x');
                Net.send(socket, Protocol.encode(payload));

                assertThat(Protocol.readMessage(socket.getInputStream())).isEqualTo(payload);
            }
        }
    }

    @Test
    void servesTwoClientsAtTheSameTime() throws IOException {
        // Chapter 4's server fails this: blocked reading A's message, it never answers B.
        try (Socket a = Net.connect(server.port()); Socket b = Net.connect(server.port())) {
            byte[] messageA = Protocol.encode(Net.bytes("from A"));
            Net.send(a, Arrays.copyOfRange(messageA, 0, Protocol.HEADER_SIZE)); // A's thread now waits for the body

            assertThat(Net.query(b, "from B")).isEqualTo("from B");

            Net.send(a, Arrays.copyOfRange(messageA, Protocol.HEADER_SIZE, messageA.length));
            assertThat(Net.readString(a)).isEqualTo("from A");
        }
        assertThat(log).containsSubsequence("client says: from B", "client says: from A");
    }

    @Test
    void eachConnectionHasAThreadThatEndsWithIt() throws IOException {
        Socket a = Net.connect(server.port());
        try (Socket b = Net.connect(server.port()); Socket c = Net.connect(server.port())) {
            for (Socket socket : List.of(a, b, c)) {
                assertThat(Net.query(socket, "hi")).isEqualTo("hi");
            }
            List<Thread> threads = server.connectionThreads();
            assertThat(threads).hasSize(3).doesNotHaveDuplicates().allMatch(Thread::isAlive);

            a.close(); // its thread reads EOF, logs it and ends; the other two go on
            await().atMost(Net.WAIT).until(() -> threads.stream().filter(Thread::isAlive).count() == 2);
            assertThat(server.connectionThreads()).hasSize(2);
            assertThat(Net.query(b, "still here")).isEqualTo("still here");
        } finally {
            a.close();
        }
    }

    @Test
    void rejectsLengthOneOverTheLimitAndOnlyThatConnection() throws IOException {
        assertOnlyThatConnectionCloses(new byte[] {0x01, 0x10, 0x00, 0x00}, "too long"); // 4097
    }

    @Test
    void rejectsAllOnesHeaderAsTooLongNotNegative() throws IOException {
        assertOnlyThatConnectionCloses(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "too long");
    }

    @Test
    void eofInsideTheHeaderClosesThatConnectionOnly() throws IOException {
        try (Socket bystander = Net.connect(server.port())) {
            assertThat(Net.query(bystander, "before")).isEqualTo("before");
            try (Socket socket = Net.connect(server.port())) {
                Net.send(socket, new byte[] {0x05, 0x00});
                socket.shutdownOutput();
                assertThat(socket.getInputStream().read()).as("server closes").isEqualTo(-1);
            }
            await().atMost(Net.WAIT).until(() -> log.contains("unexpected EOF"));
            assertThat(Net.query(bystander, "after")).isEqualTo("after");
        }
    }

    @Test
    void eofInsideTheBodyClosesThatConnectionOnly() throws IOException {
        try (Socket bystander = Net.connect(server.port())) {
            assertThat(Net.query(bystander, "before")).isEqualTo("before");
            try (Socket socket = Net.connect(server.port())) {
                Net.send(socket, new byte[] {0x05, 0x00, 0x00, 0x00, 'a', 'b'});
                socket.shutdownOutput();
                assertThat(socket.getInputStream().read()).as("server closes").isEqualTo(-1);
            }
            await().atMost(Net.WAIT).until(() -> log.contains("unexpected EOF"));
            assertThat(Net.query(bystander, "after")).isEqualTo("after");
        }
    }

    @Test
    void aResetClosesThatConnectionOnly() throws IOException {
        try (Socket bystander = Net.connect(server.port())) {
            assertThat(Net.query(bystander, "before")).isEqualTo("before");
            Socket socket = Net.connect(server.port());
            Net.send(socket, new byte[] {0x05, 0x00, 0x00, 0x00, 'a'});
            socket.setSoLinger(true, 0); // close() now sends RST instead of FIN
            socket.close();

            await().atMost(Net.WAIT).until(() -> log.stream().anyMatch(line -> line.startsWith("IO error: ")));
            assertThat(Net.query(bystander, "after")).isEqualTo("after");
        }
    }

    @Test
    void closeEndsTheListenerEveryConnectionAndEveryThread() throws Exception {
        // Neither client leaves unread bytes at the server: closing such a socket would send a
        // reset instead of a clean end of stream.
        try (Socket served = Net.connect(server.port()); Socket silent = Net.connect(server.port())) {
            assertThat(Net.query(served, "ping")).isEqualTo("ping");
            await().atMost(Net.WAIT).until(() -> server.connectionThreads().size() == 2);
            List<Thread> threads = server.connectionThreads();

            server.close();
            serverThread.join(Net.WAIT.toMillis());

            assertThat(serverThread.isAlive()).isFalse();
            assertThat(threads).as("close() waits for the connection threads").noneMatch(Thread::isAlive);
            assertThat(served.getInputStream().read()).as("a client that was served sees the close").isEqualTo(-1);
            assertThat(silent.getInputStream().read()).as("a client that never spoke sees the close").isEqualTo(-1);
        }
        assertThat(log).noneMatch(line -> line.startsWith("IO error"));
    }

    private void assertOnlyThatConnectionCloses(byte[] header, String reason) throws IOException {
        try (Socket bystander = Net.connect(server.port())) {
            assertThat(Net.query(bystander, "before")).isEqualTo("before");
            try (Socket socket = Net.connect(server.port())) {
                Net.send(socket, header);
                assertThat(socket.getInputStream().read())
                        .as("the server closes the connection without a reply").isEqualTo(-1);
            }
            await().atMost(Net.WAIT).until(() -> log.contains(reason));
            assertThat(Net.query(bystander, "after")).as("the other client is still served").isEqualTo("after");
        }
    }
}

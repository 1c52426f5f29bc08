package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventLoopSketchTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();
    /** Every thread that ever wrote a log line: the sketch claims there is only one. */
    private final Set<Thread> loggingThreads = ConcurrentHashMap.newKeySet();
    private EventLoopSketch server;
    private Thread serverThread;

    @BeforeEach
    void start() throws IOException {
        server = new EventLoopSketch("127.0.0.1", 0, false, line -> {
            loggingThreads.add(Thread.currentThread());
            log.add(line);
        });
        serverThread = new Thread(server::serve, "chapter05-event-loop");
        serverThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serverThread.join(Net.WAIT.toMillis());
        assertThat(serverThread.isAlive()).as("loop thread ends after close()").isFalse();
    }

    @Test
    void echoesRequestsOfEverySize() throws IOException {
        try (Socket socket = Net.connect(server.port())) {
            for (int size : new int[] {0, 1, 100, Protocol.K_MAX_MSG}) {
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) 'x');
                Net.send(socket, Protocol.encode(payload));

                assertThat(Protocol.readMessage(socket.getInputStream())).isEqualTo(payload);
            }
        }
        try (Client client = Client.connect("127.0.0.1", server.port())) {
            assertThat(client.query("hello1")).isEqualTo("hello1");
            assertThat(client.query("hello2")).isEqualTo("hello2");
        }
    }

    @Test
    void servesTwoClientsAtTheSameTimeOnOneThread() throws IOException {
        try (Socket a = Net.connect(server.port()); Socket b = Net.connect(server.port())) {
            byte[] messageA = Protocol.encode(Net.bytes("from A"));
            Net.send(a, Arrays.copyOfRange(messageA, 0, Protocol.HEADER_SIZE)); // A stalls mid-message

            assertThat(Net.query(b, "from B")).isEqualTo("from B");

            Net.send(a, Arrays.copyOfRange(messageA, Protocol.HEADER_SIZE, messageA.length));
            assertThat(Net.readString(a)).isEqualTo("from A");
        }
        assertThat(log).anyMatch(line -> line.startsWith("accepted client 1 "))
                .anyMatch(line -> line.startsWith("accepted client 2 "));
        assertThat(loggingThreads).as("accepting and echoing all happen on the loop thread").containsExactly(serverThread);
    }

    @Test
    void keepsUnsentBytesAndAsksForOpWriteUntilTheyAreSent() throws Exception {
        // The client sends and does not read until the sketch has met a full send buffer; then it
        // reads everything back. Every byte must come back, in order.
        Socket socket = new Socket();
        socket.setReceiveBufferSize(16 * 1024); // a small window: the server's send side fills sooner
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                long bytes = 0;
                while (!stop.get() && bytes < 256L * 1024 * 1024) {
                    byte[] message = Protocol.encode(payload(sent.get()));
                    out.write(message);
                    bytes += message.length;
                    sent.incrementAndGet();
                }
                out.write(Protocol.encode(new byte[0])); // the end marker
                out.flush();
            } catch (IOException | RuntimeException e) {
                writerFailure.set(e);
            }
        }, "bulk-writer");
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), Net.READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(Net.READ_TIMEOUT_MILLIS);
            writer.start();

            await().atMost(Net.WAIT).until(() -> writerFailure.get() != null
                    || log.stream().anyMatch(line -> line.contains("wait for OP_WRITE")));
            stop.set(true);

            InputStream in = socket.getInputStream();
            int received = 0;
            for (byte[] reply = Protocol.readMessage(in); reply.length > 0; reply = Protocol.readMessage(in)) {
                if (!Arrays.equals(reply, payload(received))) {
                    throw new AssertionError("message " + received + " came back wrong");
                }
                received++;
            }
            writer.join(Net.WAIT.toMillis());
            assertThat(writerFailure.get()).isNull();
            assertThat(received).isEqualTo(sent.get()).isPositive();
        } finally {
            stop.set(true);
            socket.close(); // also unblocks the writer if the test failed early
            writer.join(Net.WAIT.toMillis());
        }
        assertThat(log).anyMatch(line -> line.matches("client 1: echoed \\d+ bytes, \\d+ wait for OP_WRITE"));
    }

    @Test
    void aClientThatLeavesOrResetsDoesNotDisturbTheOthers() throws IOException {
        try (Socket bystander = Net.connect(server.port())) {
            assertThat(Net.query(bystander, "before")).isEqualTo("before"); // client 1

            try (Socket leaving = Net.connect(server.port())) { // client 2
                assertThat(Net.query(leaving, "bye")).isEqualTo("bye");
            }
            await().atMost(Net.WAIT).until(() -> log.contains("client 2: EOF, closing"));

            Socket resetting = Net.connect(server.port()); // client 3
            assertThat(Net.query(resetting, "boom")).isEqualTo("boom");
            resetting.setSoLinger(true, 0); // close() now sends RST instead of FIN
            resetting.close();
            await().atMost(Net.WAIT).until(() -> log.stream().anyMatch(line -> line.startsWith("client 3: IO error: ")));

            assertThat(Net.query(bystander, "after")).isEqualTo("after");
        }
    }

    @Test
    void closeClosesEveryConnectionAndEndsTheLoop() throws Exception {
        try (Socket first = Net.connect(server.port()); Socket second = Net.connect(server.port())) {
            assertThat(Net.query(first, "one")).isEqualTo("one");
            assertThat(Net.query(second, "two")).isEqualTo("two");

            server.close();
            serverThread.join(Net.WAIT.toMillis());

            assertThat(serverThread.isAlive()).isFalse();
            assertThat(first.getInputStream().read()).isEqualTo(-1);
            assertThat(second.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void interruptingTheLoopThreadStopsIt() throws Exception {
        try (Socket client = Net.connect(server.port())) {
            assertThat(Net.query(client, "ping")).isEqualTo("ping");

            serverThread.interrupt(); // select() returns at once, and the loop takes it as "stop"

            serverThread.join(Net.WAIT.toMillis());
            assertThat(serverThread.isAlive()).isFalse();
            assertThat(client.getInputStream().read()).as("its connections are closed").isEqualTo(-1);
        }
    }

    @Test
    void serveAfterCloseReturnsAtOnceAndClosesTheListener() throws Exception {
        EventLoopSketch early = new EventLoopSketch("127.0.0.1", 0, true, line -> { });
        int port = early.port();
        early.close();

        Thread thread = new Thread(early::serve, "closed-before-serving");
        thread.start();
        thread.join(Net.WAIT.toMillis());
        assertThat(thread.isAlive()).as("serve() after close() returns at once").isFalse();
        assertThatThrownBy(() -> Net.connect(port).close()).as("nobody listens any more").isInstanceOf(IOException.class);
    }

    /** The payload of message {@code i}: different for every message, so a lost or repeated one shows. */
    private static byte[] payload(int i) {
        ByteBuffer buf = ByteBuffer.allocate(1000);
        while (buf.hasRemaining()) {
            buf.put((byte) (i + buf.position()));
        }
        buf.putInt(0, i);
        return buf.array();
    }
}

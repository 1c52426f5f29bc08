package dev.eventloop.chapter06;

import static dev.eventloop.chapter06.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chapter 6 server over real loopback sockets: the black-box tests every server of the
 * course passes, inherited from {@link BlackBoxServerContract} (the netty-server module runs
 * them against its Netty server too), and what only this server's counters and trace show.
 */
@Timeout(60)
@ExtendWith(LoopThreadFailures.class)
class ServerTest extends BlackBoxServerContract {
    private RunningServer running;

    @Override
    protected ServerUnderTest start(Consumer<String> log, String... options) throws IOException {
        RunningServer server = RunningServer.start(s -> { }, log, options);
        return new ServerUnderTest() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    @Override
    protected String whyAFloodMayStarveTheOthers() {
        return "the book's loop reads a connection until a read finds nothing, so a client that floods it has it to"
                + " itself for as long as its socket is never empty, which depends on how fast each side runs;"
                + " StarvationTest shows it, and exercise 1 bounds the turn";
    }

    @BeforeEach
    void startServer() throws IOException {
        running = RunningServer.start();
    }

    @AfterEach
    void stopServer() {
        running.close();
    }

    @Test
    void theClientsQuerySendsOneRequestAndReadsItsAnswer() throws IOException {
        try (Client client = Client.connect("127.0.0.1", running.port())) {
            assertThat(client.query("hello")).isEqualTo("hello");
        }
    }

    @Test
    void chapter4ClientWorksUnchanged() throws IOException {
        // chapter 4's client: one request, then wait for its answer, over the same protocol
        try (Socket socket = Wire.connect(running.port())) {
            for (String text : List.of("a", "bb", "")) {
                Wire.send(socket, bytes(text));
                assertThat(Wire.receive(socket)).isEqualTo(bytes(text));
            }
        }
    }

    @Test
    void clientMainPipelinesTheThreeGreetings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Client.run(new PrintStream(out, true, StandardCharsets.UTF_8), "--port", Integer.toString(running.port()));

        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("server says: hello1", "server says: hello2", "server says: hello3");
    }

    @Test
    void echoesAThousandPipelinedRequestsOfRandomSizeWhileTheyAreBeingWritten() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            payloads.add(Wire.randomPayload(random, random.nextInt(4096 + 1)));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = Wire.connect(running.port())) {
            Future<?> sent = writer.submit(() -> {
                OutputStream out = socket.getOutputStream();
                for (byte[] payload : payloads) {
                    out.write(Wire.encode(payload));
                }
                return null;
            });
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(Wire.receive(socket)).as("response %d (seed %d)", i, seed).isEqualTo(payloads.get(i));
            }
            sent.get();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aClientThatDoesNotReadStopsOnlyItself() throws Exception {
        Random random = new Random(42);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            payloads.add(Wire.randomPayload(random, 4096));
        }
        // Back-pressure must happen whatever the kernel's buffer autotuning would allow: the server's
        // side of each connection gets a fixed 16 KiB send buffer (a set size turns autotuning
        // off), the client a 16 KiB receive buffer, against 4 MB of responses.
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RunningServer small = startWithSmallSendBuffers();
                Socket greedy = connectWithReceiveBuffer(small.port(), 16 * 1024);
                Socket other = Wire.connect(small.port())) {
            // 4 MB of requests, and no reading until the server's writes start returning 0
            Future<?> sending = writer.submit(() -> {
                OutputStream out = greedy.getOutputStream();
                for (byte[] payload : payloads) {
                    out.write(Wire.encode(payload));
                }
                return null;
            });
            await().until(() -> small.stats().writesBlocked() > 0);

            // the loop still serves everyone else
            Wire.send(other, bytes("still there?"));
            assertThat(Wire.receive(other)).isEqualTo(bytes("still there?"));
            // and it stopped reading from the client it cannot answer: it holds no more than its
            // buffers, two of 4 + 4096 bytes
            assertThat(small.stats().peakBytesHeld()).as("most bytes ever read but not yet answered")
                    .isLessThanOrEqualTo(2L * (4 + 4096));

            // now read everything: every response arrives, in order
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(Wire.receive(greedy)).as("response %d", i).isEqualTo(payloads.get(i));
            }
            sending.get();
        } finally {
            writer.shutdownNow();
        }
    }

    /** A server whose side of each connection has a fixed 16 KiB send buffer: writes block early. */
    private static RunningServer startWithSmallSendBuffers() throws IOException {
        return RunningServer.accepting(listener -> {
            SocketChannel accepted = listener.accept();
            if (accepted != null) {
                accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            }
            return accepted;
        });
    }

    private static Socket connectWithReceiveBuffer(int port, int bytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(bytes); // before connect, so the window is agreed that small
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void readingResumesAfterEveryResponse() throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            // one at a time: each response must bring the connection back to reading
            for (int i = 0; i < 5; i++) {
                Wire.send(socket, bytes("ping-" + i));
                assertThat(Wire.receive(socket)).as("answer %d of a request/response alternation", i)
                        .isEqualTo(bytes("ping-" + i));
            }
            // then a pipelined burst in one write
            byte[][] burst = new byte[50][];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = bytes("burst-" + i);
            }
            socket.getOutputStream().write(Wire.frames(burst));
            for (int i = 0; i < burst.length; i++) {
                assertThat(Wire.receive(socket)).as("answer %d of a pipelined burst", i).isEqualTo(burst[i]);
            }
            // then idle until the loop has woken up empty-handed at least once, then one more request
            long waits = running.stats().waits();
            await("the loop wakes up at least once while the client is quiet").atMost(Duration.ofSeconds(5))
                    .until(() -> running.stats().waits() > waits);
            Wire.send(socket, bytes("after a quiet spell"));
            assertThat(Wire.receive(socket)).as("the answer after the connection was idle")
                    .isEqualTo(bytes("after a quiet spell"));
        }
    }

    @Test
    void anIdleLoopWaitsInsteadOfSpinning() throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            Wire.send(socket, bytes("then silence"));
            assertThat(Wire.receive(socket)).isEqualTo(bytes("then silence"));
            long waits = running.stats().waits();
            // With a 1000 ms poll timeout, a quiet second costs a wait or two. A loop that polls with
            // a timeout of 0 spins a core and makes hundreds of thousands.
            await("an idle loop makes at most 10 waits in a quiet second (the poll timeout is 1000 ms;"
                    + " a timeout of 0 spins)").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> running.stats().waits() - waits <= 10);
        }
    }

    @Test
    void anIdleLoopWaitsEvenAfterAConnectionHadToWaitForPollout() throws Exception {
        try (RunningServer small = startWithSmallSendBuffers();
                Socket socket = connectWithReceiveBuffer(small.port(), 16 * 1024)) {
            // 100 responses of 4 + 4096 bytes against 32 KiB of buffers: the server must wait for POLLOUT
            byte[][] payloads = new byte[100][];
            Random random = new Random(7);
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = Wire.randomPayload(random, 4096);
            }
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> sending = writer.submit(() -> {
                    socket.getOutputStream().write(Wire.frames(payloads));
                    return null;
                });
                await("a server write blocks").until(() -> small.stats().writesBlocked() > 0);
                for (int i = 0; i < payloads.length; i++) {
                    assertThat(Wire.receive(socket)).as("response %d", i).isEqualTo(payloads[i]);
                }
                sending.get();
            } finally {
                writer.shutdownNow();
            }
            // back in STATE_REQ with nothing to do: the loop must wait for POLLIN again, not for
            // POLLOUT, which an idle socket reports at once, again and again
            long waits = small.stats().waits();
            await("after waiting for POLLOUT, an idle connection costs at most 10 waits in a quiet second"
                    + " (waiting for POLLOUT on an idle socket spins)").during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3)).until(() -> small.stats().waits() - waits <= 10);
        }
    }

    @Test
    void aGoodRequestThenABadFrameInOneWriteIsAnsweredThenClosed() throws IOException {
        try (RunningServer traced = RunningServer.start("--trace");
                Socket socket = Wire.connect(traced.port())) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(Wire.encode(bytes("hi")));
            both.write(new byte[] {(byte) 0x88, 0x13, 0x00, 0x00}); // 5000, little-endian: too long
            socket.getOutputStream().write(both.toByteArray());

            assertThat(Wire.receive(socket)).as("the response owed for the request before the bad frame")
                    .isEqualTo(bytes("hi"));
            assertThat(Wire.closedByPeer(socket)).as("closed after the bad frame").isTrue();
            await().until(() -> traced.log.stream().anyMatch(line -> line.contains("close #1")));
            assertThat(traced.log.stream().filter("too long"::equals)).as("the bad frame is logged once").hasSize(1);
            assertThat(String.join("\n", traced.log)).as("STATE_END is final: no transition out of it")
                    .contains(">END").doesNotContain("END>");
        }
    }

    @Test
    void badInputClosesOnlyThatConnection() throws IOException {
        try (Socket bystander = Wire.connect(running.port())) {
            Wire.send(bystander, bytes("before"));
            assertThat(Wire.receive(bystander)).isEqualTo(bytes("before"));

            assertClosedAfter(new byte[] {0x01, 0x10, 0x00, 0x00}); // 4097: too long
            assertClosedAfter(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // too long, not -1
            assertClosedAfterHalfClose(new byte[] {0x05, 0x00}); // EOF in the header
            assertClosedAfterHalfClose(new byte[] {0x05, 0x00, 0x00, 0x00, 'a'}); // EOF in the body
            resetMidStream();

            await().until(() -> running.log.stream().filter("too long"::equals).count() == 2
                    && running.log.stream().filter("unexpected EOF"::equals).count() == 2
                    && running.log.stream().anyMatch(line -> line.startsWith("read() error")));

            Wire.send(bystander, bytes("after"));
            assertThat(Wire.receive(bystander)).isEqualTo(bytes("after"));
        }
        await().until(() -> running.stats().connections() == 0);
        assertThat(running.stats().openChannels()).isZero();
    }

    @Test
    void holdsNoConnectionOnceAllClientsHaveLeft() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = Wire.connect(running.port());
                sockets.add(socket);
                Wire.send(socket, bytes("x"));
                assertThat(Wire.receive(socket)).isEqualTo(bytes("x"));
            }
            await().until(() -> running.stats().connections() == 20);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        await().until(() -> running.stats().connections() == 0);
        await().until(() -> running.stats().registeredKeys() == 1); // the listener alone
        assertThat(running.stats().openChannels()).isZero();
    }

    private void assertClosedAfter(byte[] bytes) throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            socket.getOutputStream().write(bytes);
            assertThat(Wire.closedByPeer(socket)).as("the server closes the connection").isTrue();
        }
    }

    private void assertClosedAfterHalfClose(byte[] bytes) throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            socket.getOutputStream().write(bytes);
            socket.shutdownOutput();
            assertThat(Wire.closedByPeer(socket)).as("the server closes the connection").isTrue();
        }
    }

    private void resetMidStream() throws IOException {
        Socket socket = Wire.connect(running.port());
        socket.getOutputStream().write(new byte[] {0x05, 0x00, 0x00, 0x00, 'a'});
        socket.setSoLinger(true, 0); // close() sends RST instead of FIN
        socket.close();
    }
}

package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static dev.eventloop.exercises.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chapter 6 server over real loopback sockets. */
@Timeout(60)
@ExtendWith({GuardFailures.class, LoopThreadFailures.class})
class ServerTest {
    private RunningServer running;

    @BeforeEach
    void start() throws IOException {
        running = RunningServer.start();
    }

    @AfterEach
    void stop() {
        running.close();
    }

    @Test
    @Guards(value = "a request is answered with its own bytes",
            read = "docs/06-eventloop.md#parsing-and-answering-tryonerequest")
    void echoesARequest() throws IOException {
        try (Client client = Client.connect("127.0.0.1", running.port())) {
            assertThat(client.query("hello")).isEqualTo("hello");
        }
        await("the server logged the request").until(() -> running.logged("client says: hello"));
    }

    @Test
    @Guards(value = "pipelined requests are all answered, in order",
            read = "docs/06-eventloop.md#the-client-that-pipelines")
    void answersThreePipelinedRequestsInOrder() throws IOException {
        try (Client client = Client.connect("127.0.0.1", running.port())) {
            client.sendReq("hello1");
            client.sendReq("hello2");
            client.sendReq("hello3");

            assertThat(List.of(client.readRes(), client.readRes(), client.readRes()))
                    .containsExactly("hello1", "hello2", "hello3");
        }
    }

    @Test
    @Guards(value = "chapter 4's blocking client, one request and one answer at a time, works against this server",
            read = "docs/06-eventloop.md#a-server-and-a-client-by-hand")
    void chapter4ClientWorksUnchanged() throws IOException {
        // chapter 4's client: one request, then wait for its answer, over the same protocol
        try (Socket socket = Wire.connect(running.port())) {
            for (String text : List.of("a", "bb", "")) {
                Wire.send(socket, bytes(text));
                assertThatBytes(Wire.receive(socket)).isEqualTo(bytes(text));
            }
        }
    }

    @Test
    @Guards(value = "the exercises' client pipelines its greetings and prints every answer",
            read = "docs/06-eventloop.md#the-client-that-pipelines")
    void clientMainPipelinesTheThreeGreetings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Client.run(new PrintStream(out, true, StandardCharsets.UTF_8), "--port", Integer.toString(running.port()));

        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("server says: hello1", "server says: hello2", "server says: hello3");
    }

    @Test
    @Guards(value = "a thousand pipelined requests of random sizes, still being written, all come back right and in order",
            read = "docs/06-eventloop.md#the-client-that-pipelines")
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
                assertThatBytes(Wire.receive(socket)).as("response %d (seed %d)", i, seed).isEqualTo(payloads.get(i));
            }
            sent.get();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    @Guards(value = "a request that arrives one byte at a time is still parsed and answered",
            read = "docs/06-eventloop.md#short-reads-and-split-messages")
    void parsesARequestDribbledOneByteAtATime() throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            socket.setTcpNoDelay(true); // send each byte in its own segment
            OutputStream out = socket.getOutputStream();
            for (byte b : Wire.encode(bytes("drip"))) {
                out.write(b);
                out.flush();
            }
            assertThatBytes(Wire.receive(socket)).isEqualTo(bytes("drip"));
        }
    }

    @Test
    @Guards(value = "64 clients at once are all served",
            read = "docs/06-eventloop.md#the-loop-run")
    void servesSixtyFourClientsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 64; c++) {
                int clientNo = c;
                Callable<Integer> task = () -> {
                    try (Socket socket = Wire.connect(running.port())) {
                        for (int i = 0; i < 100; i++) {
                            byte[] payload = bytes("client " + clientNo + " request " + i);
                            Wire.send(socket, payload);
                            assertThatBytes(Wire.receive(socket)).isEqualTo(payload);
                        }
                    }
                    return 100;
                };
                results.add(pool.submit(task));
            }
            int answered = 0;
            for (Future<Integer> result : results) {
                answered += result.get();
            }
            assertThat(answered).isEqualTo(6400);
        } finally {
            pool.shutdownNow();
        }
        await("the server closed every connection once its client had left")
                .until(() -> running.stats().connections() == 0);
    }

    @Test
    @Guards(value = "a client that does not read its answers stops only itself: the server holds at most its two buffers"
            + " for it, and serves everyone else",
            read = "docs/07-production-failures.md#4-back-pressure")
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
                Socket greedy = Wire.connectWithReceiveBuffer(small.port(), 16 * 1024);
                Socket other = Wire.connect(small.port())) {
            // 4 MB of requests, and no reading until the server's writes start returning 0
            Future<?> sending = writer.submit(() -> {
                OutputStream out = greedy.getOutputStream();
                for (byte[] payload : payloads) {
                    out.write(Wire.encode(payload));
                }
                return null;
            });
            await("a write of the server blocked on the client that does not read")
                    .until(() -> small.stats().writesBlocked() > 0);

            // the loop still serves everyone else
            Wire.send(other, bytes("still there?"));
            assertThatBytes(Wire.receive(other)).isEqualTo(bytes("still there?"));
            // and it stopped reading from the client it cannot answer: it holds no more than its
            // buffers, two of 4 + 4096 bytes
            assertThat(small.stats().peakBytesHeld()).as("most bytes ever read but not yet answered")
                    .isLessThanOrEqualTo(2L * (4 + 4096));

            // now read everything: every response arrives, in order
            for (int i = 0; i < payloads.size(); i++) {
                assertThatBytes(Wire.receive(greedy)).as("response %d", i).isEqualTo(payloads.get(i));
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

    @Test
    @Guards(value = "once a response has gone out, the connection reads requests again",
            read = "docs/06-eventloop.md#writing-stateres-and-tryflushbuffer")
    void readingResumesAfterEveryResponse() throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            // one at a time: each response must bring the connection back to reading
            for (int i = 0; i < 5; i++) {
                Wire.send(socket, bytes("ping-" + i));
                assertThatBytes(Wire.receive(socket)).as("answer %d of a request/response alternation", i)
                        .isEqualTo(bytes("ping-" + i));
            }
            // then a pipelined burst in one write
            byte[][] burst = new byte[50][];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = bytes("burst-" + i);
            }
            socket.getOutputStream().write(Wire.frames(burst));
            for (int i = 0; i < burst.length; i++) {
                assertThatBytes(Wire.receive(socket)).as("answer %d of a pipelined burst", i).isEqualTo(burst[i]);
            }
            // then idle until the loop has woken up empty-handed at least once, then one more request
            long waits = running.stats().waits();
            await("the loop wakes up at least once while the client is quiet").atMost(Duration.ofSeconds(5))
                    .until(() -> running.stats().waits() > waits);
            Wire.send(socket, bytes("after a quiet spell"));
            assertThatBytes(Wire.receive(socket)).as("the answer after the connection was idle")
                    .isEqualTo(bytes("after a quiet spell"));
        }
    }

    @Test
    @Guards(value = "a loop with nothing to do waits for the next event instead of spinning",
            read = "docs/06-eventloop.md#ask-for-pollout--op_write-only-when-there-is-something-to-write")
    void anIdleLoopWaitsInsteadOfSpinning() throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            Wire.send(socket, bytes("then silence"));
            assertThatBytes(Wire.receive(socket)).isEqualTo(bytes("then silence"));
            long waits = running.stats().waits();
            // With a 1000 ms poll timeout, a quiet second costs a wait or two. A loop that polls with
            // a timeout of 0 spins a core and makes hundreds of thousands.
            await("an idle loop makes at most 10 waits in a quiet second (the poll timeout is 1000 ms;"
                    + " a timeout of 0 spins)").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> running.stats().waits() - waits <= 10);
        }
    }

    @Test
    @Guards(value = "a loop with no connection at all waits for the next event instead of spinning",
            read = "docs/06-eventloop.md#the-loop-run")
    void aLoopWithNoConnectionWaitsInsteadOfSpinning() {
        // no client has connected to this test's server
        long waits = running.stats().waits();
        await("a loop with no connection makes at most 10 waits in a quiet second (its wait's timeout is 1000 ms;"
                + " a timeout of 0 spins)").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> running.stats().waits() - waits <= 10);
    }

    @Test
    @Guards(value = "a connection back in STATE_REQ no longer waits for POLLOUT, so an idle loop waits instead of"
            + " spinning",
            read = "docs/06-eventloop.md#ask-for-pollout--op_write-only-when-there-is-something-to-write")
    void anIdleLoopWaitsEvenAfterAConnectionHadToWaitForPollout() throws Exception {
        try (RunningServer small = startWithSmallSendBuffers();
                Socket socket = Wire.connectWithReceiveBuffer(small.port(), 16 * 1024)) {
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
                    assertThatBytes(Wire.receive(socket)).as("response %d", i).isEqualTo(payloads[i]);
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
    @Guards(value = "a good request followed by a bad frame in one write is answered before the connection closes",
            read = "docs/06-eventloop.md#parsing-and-answering-tryonerequest")
    void aGoodRequestThenABadFrameInOneWriteIsAnsweredThenClosed() throws IOException {
        try (RunningServer traced = RunningServer.start("--trace");
                Socket socket = Wire.connect(traced.port())) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(Wire.encode(bytes("hi")));
            both.write(new byte[] {(byte) 0x88, 0x13, 0x00, 0x00}); // 5000, little-endian: too long
            socket.getOutputStream().write(both.toByteArray());

            assertThatBytes(Wire.receive(socket)).as("the response owed for the request before the bad frame")
                    .isEqualTo(bytes("hi"));
            assertThat(Wire.closedByPeer(socket)).as("closed after the bad frame").isTrue();
            await("the server closed the connection")
                    .until(() -> traced.log.stream().anyMatch(line -> line.contains("close #1")));
            assertThat(traced.log.stream().filter("too long"::equals)).as("the bad frame is logged once").hasSize(1);
            assertThat(String.join("\n", traced.log)).as("STATE_END is final: no transition out of it")
                    .contains(">END").doesNotContain("END>");
        }
    }

    @Test
    @Guards(value = "a frame longer than 4096 bytes closes its own connection, with a logged reason, and no other",
            read = "docs/06-eventloop.md#parsing-and-answering-tryonerequest")
    void badInputClosesOnlyThatConnection() throws IOException {
        try (Socket bystander = Wire.connect(running.port())) {
            Wire.send(bystander, bytes("before"));
            assertThatBytes(Wire.receive(bystander)).isEqualTo(bytes("before"));

            assertClosedAfter(new byte[] {0x01, 0x10, 0x00, 0x00}); // 4097: too long
            assertClosedAfter(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // too long, not -1
            assertClosedAfterHalfClose(new byte[] {0x05, 0x00}); // EOF in the header
            assertClosedAfterHalfClose(new byte[] {0x05, 0x00, 0x00, 0x00, 'a'}); // EOF in the body
            resetMidStream();

            await("the server closed each bad client with its reason logged: two \"too long\", two \"unexpected EOF\","
                    + " one \"read() error\"").until(() -> running.log.stream().filter("too long"::equals).count() == 2
                    && running.log.stream().filter("unexpected EOF"::equals).count() == 2
                    && running.log.stream().anyMatch(line -> line.startsWith("read() error")));

            Wire.send(bystander, bytes("after"));
            assertThatBytes(Wire.receive(bystander)).isEqualTo(bytes("after"));
        }
        await("the server closed every connection once its client had left")
                .until(() -> running.stats().connections() == 0);
        assertThat(running.stats().openChannels()).isZero();
    }

    @Test
    @Guards(value = "once every client has left, the server holds no connection",
            read = "docs/06-eventloop.md#back-in-the-loop-closing")
    void holdsNoConnectionOnceAllClientsHaveLeft() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = Wire.connect(running.port());
                sockets.add(socket);
                Wire.send(socket, bytes("x"));
                assertThatBytes(Wire.receive(socket)).isEqualTo(bytes("x"));
            }
            await("the server accepted the 20 clients").until(() -> running.stats().connections() == 20);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        await("the server closed every connection once its client had left")
                .until(() -> running.stats().connections() == 0);
        await("no selector key but the listener's is left")
                .until(() -> running.stats().registeredKeys() == 1); // the listener alone
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

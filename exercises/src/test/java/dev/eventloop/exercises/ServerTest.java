package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
@ExtendWith(LoopThreadFailures.class)
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
    void echoesARequest() throws IOException {
        try (Client client = Client.connect("127.0.0.1", running.port())) {
            assertThat(client.query("hello")).isEqualTo("hello");
        }
        await().until(() -> running.logged("client says: hello"));
    }

    @Test
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
            payloads.add(Wire.randomPayload(random, random.nextInt(Protocol.K_MAX_MSG + 1)));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = Wire.connect(running.port())) {
            Future<?> sent = writer.submit(() -> {
                OutputStream out = socket.getOutputStream();
                for (byte[] payload : payloads) {
                    out.write(Protocol.encode(payload));
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
    void parsesARequestDribbledOneByteAtATime() throws IOException {
        try (Socket socket = Wire.connect(running.port())) {
            socket.setTcpNoDelay(true); // send each byte in its own segment
            OutputStream out = socket.getOutputStream();
            for (byte b : Protocol.encode(bytes("drip"))) {
                out.write(b);
                out.flush();
            }
            assertThat(Wire.receive(socket)).isEqualTo(bytes("drip"));
        }
    }

    @Test
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
                            assertThat(Wire.receive(socket)).isEqualTo(payload);
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
        await().until(() -> running.stats().connections() == 0);
    }

    @Test
    void aClientThatDoesNotReadStopsOnlyItself() throws Exception {
        Random random = new Random(42);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            payloads.add(Wire.randomPayload(random, Protocol.K_MAX_MSG));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket greedy = Wire.connect(running.port()); Socket other = Wire.connect(running.port())) {
            // 4 MB of requests, and no reading until the server's writes start returning 0
            Future<?> sending = writer.submit(() -> {
                OutputStream out = greedy.getOutputStream();
                for (byte[] payload : payloads) {
                    out.write(Protocol.encode(payload));
                }
                return null;
            });
            await().until(() -> running.stats().writesBlocked() > 0);

            // the loop still serves everyone else
            Wire.send(other, bytes("still there?"));
            assertThat(Wire.receive(other)).isEqualTo(bytes("still there?"));
            // and it stopped reading from the client it cannot answer: it holds no more than its buffers
            assertThat(running.stats().peakBytesHeld()).as("most bytes ever read but not yet answered")
                    .isLessThanOrEqualTo(2L * (4 + Protocol.K_MAX_MSG));

            // now read everything: every response arrives, in order
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(Wire.receive(greedy)).as("response %d", i).isEqualTo(payloads.get(i));
            }
            sending.get();
        } finally {
            writer.shutdownNow();
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

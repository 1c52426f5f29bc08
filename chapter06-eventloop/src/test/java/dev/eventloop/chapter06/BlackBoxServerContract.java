package dev.eventloop.chapter06;

import static dev.eventloop.chapter06.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every server of the course does, seen from outside: through its sockets and its log
 * only. The protocol (a 4-byte little-endian unsigned length, then at most 4096 bytes, echoed
 * in the same framing), pipelining, the bad inputs that close a connection and what the log
 * says about them, back-pressure, half-close, many clients at once, and a quiet client's turn
 * while another floods.
 *
 * <p>A subclass says how to start its server ({@link #start}): chapter 6's is
 * {@link ServerTest}; the netty-server module runs the same tests against its Netty server,
 * through this class in chapter06-eventloop's test-jar. Every case counts (bytes, answers, log
 * lines), never times, so it passes on a slow machine as on a fast one.
 */
@Timeout(120)
public abstract class BlackBoxServerContract {
    /**
     * More than any server may take from a client that reads none of its answers: a server that
     * stops reading from it holds its buffers, and the kernel holds the sockets' (a few MiB on
     * each side at most, {@code net.ipv4.tcp_rmem} and {@code tcp_wmem} on Linux).
     */
    static final long UNBOUNDED = 128L << 20;
    /**
     * The longest turn a connection may get while others wait, in {@link Flood}'s 400-byte
     * requests: Netty's, 16 reads of up to 64 KiB (exercise 1's is 16 reads of 4 + 4096 bytes);
     * one more for a request cut between two turns.
     */
    static final long ONE_TURN_OF_FLOOD = 16L * 64 * 1024 / Flood.REQUEST_SIZE + 1;

    /** A server a subclass started: where it listens, and how to stop it. */
    public interface ServerUnderTest extends AutoCloseable {
        /** The port it listens on, on 127.0.0.1. */
        int port();

        /** Stops it: its listener and every connection closed, its threads ended. */
        @Override
        void close();
    }

    private final Deque<ServerUnderTest> started = new ArrayDeque<>();

    /**
     * Starts the server under test on 127.0.0.1 and a free port (port 0), with these
     * command-line options besides, handing every line it logs to {@code log}. The server must
     * log as chapter 6's does: {@code client says: <payload>} for each request unless
     * {@code --quiet}, {@code too long}, {@code unexpected EOF}, {@code EOF} (unless
     * {@code --quiet}), each line on its own, from the thread that serves that connection. The
     * tests close it when they are done.
     */
    protected abstract ServerUnderTest start(Consumer<String> log, String... options) throws Exception;

    /**
     * Why this server lets one flooding client keep the others waiting, if it does so by design:
     * then {@link #aQuietClientIsAnsweredWithinOneTurnOfAFlood} is skipped, with this reason.
     * Null, the default, for a server that gives each connection a bounded turn.
     */
    protected String whyAFloodMayStarveTheOthers() {
        return null;
    }

    /** A started server, and the lines it logged that the test keeps. */
    record Served(int port, Queue<String> log) {
        boolean logged(String line) {
            return log.contains(line);
        }

        long count(String line) {
            return log.stream().filter(line::equals).count();
        }
    }

    /** Starts the server with {@code options}, keeping every line it logs; closed after the test. */
    Served serve(String... options) throws Exception {
        return serve(line -> true, options);
    }

    /** Starts the server with {@code options}, keeping the lines that {@code keep} says to. */
    Served serve(Predicate<String> keep, String... options) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        ServerUnderTest server = start(line -> {
            if (keep.test(line)) {
                log.add(line);
            }
        }, options);
        started.push(server);
        return new Served(server.port(), log);
    }

    @AfterEach
    void closeTheServers() {
        Throwable first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (RuntimeException | Error e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }

    @Test
    void echoesARequest() throws Exception {
        Served server = serve();
        try (Socket socket = Wire.connect(server.port())) {
            Wire.send(socket, bytes("hello"));
            assertThat(Wire.receive(socket)).as("the answer to \"hello\": the same payload, framed the same way")
                    .isEqualTo(bytes("hello"));
            Wire.send(socket, new byte[0]);
            assertThat(Wire.receive(socket)).as("the answer to an empty request (length 0): an empty answer").isEmpty();
        }
        await("the server logs \"client says: hello\" for the request \"hello\"")
                .until(() -> server.logged("client says: hello"));
    }

    @Test
    void aQuietServerLogsNoRequest() throws Exception {
        Served server = serve("--quiet");
        try (Socket socket = Wire.connect(server.port())) {
            Wire.send(socket, bytes("hush"));
            assertThat(Wire.receive(socket)).as("the answer to \"hush\"").isEqualTo(bytes("hush"));
        }
        // a request's line is logged before its answer is sent: the answer came, so no line will
        assertThat(server.log()).as("the log of a server started with --quiet, once it has answered a request")
                .noneMatch(line -> line.startsWith("client says:"));
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        Served server = serve("--quiet");
        byte[][] requests = new byte[100][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = bytes("request " + i);
        }
        try (Socket socket = Wire.connect(server.port())) {
            socket.getOutputStream().write(Wire.frames(requests)); // all of them in one write, before any answer
            for (int i = 0; i < requests.length; i++) {
                assertThat(Wire.receive(socket)).as("answer %d of %d requests sent in one write: the answers come"
                        + " in the order of the requests", i, requests.length).isEqualTo(requests[i]);
            }
        }
    }

    @Test
    void parsesARequestDribbledOneByteAtATime() throws Exception {
        Served server = serve("--quiet");
        try (Socket socket = Wire.connect(server.port())) {
            socket.setTcpNoDelay(true); // send each byte in its own segment
            OutputStream out = socket.getOutputStream();
            for (byte b : Wire.encode(bytes("drip"))) {
                out.write(b);
                out.flush();
            }
            assertThat(Wire.receive(socket)).as("the answer to a request whose 8 bytes came one at a time")
                    .isEqualTo(bytes("drip"));
        }
    }

    @Test
    void echoesTheLargestMessage() throws Exception {
        Served server = serve("--quiet");
        byte[] largest = Wire.randomPayload(new Random(4096), 4096);
        try (Socket socket = Wire.connect(server.port())) {
            Wire.send(socket, largest);
            assertThat(Wire.receive(socket)).as("the answer to a request of 4096 bytes, the largest allowed")
                    .isEqualTo(largest);
            Wire.send(socket, bytes("after"));
            assertThat(Wire.receive(socket)).as("the next answer on the same connection: 4096 bytes is not too long")
                    .isEqualTo(bytes("after"));
        }
        assertThat(server.log()).as("the log after a request of exactly 4096 bytes").doesNotContain("too long");
    }

    @Test
    void aLengthOf4097IsTooLongAndClosesOnlyThatConnection() throws Exception {
        Served server = serve("--quiet");
        try (Socket bystander = Wire.connect(server.port()); Socket bad = Wire.connect(server.port())) {
            roundTrip(bystander, "before");
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(Wire.encode(bytes("hi")));
            both.write(new byte[] {0x01, 0x10, 0x00, 0x00}); // 4097, little-endian: one byte over the limit
            bad.getOutputStream().write(both.toByteArray());

            assertThat(Wire.receive(bad)).as("the answer owed for the request before the bad length, in the same write")
                    .isEqualTo(bytes("hi"));
            assertThat(Wire.closedByPeer(bad)).as("the server closes the connection after a length of 4097 (01 10 00 00),"
                    + " with no answer to it").isTrue();
            await("the server logs \"too long\" for the length of 4097").until(() -> server.logged("too long"));
            assertThat(server.count("too long")).as("\"too long\" lines in the log: one bad length, one line").isEqualTo(1);
            roundTrip(bystander, "after"); // another connection is served on
        }
    }

    @Test
    void anAllOnesLengthIsTooLongNotMinusOne() throws Exception {
        Served server = serve("--quiet");
        try (Socket socket = Wire.connect(server.port())) {
            socket.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertThat(Wire.closedByPeer(socket)).as("the server closes the connection after the length ff ff ff ff:"
                    + " read unsigned, 4294967295, far over 4096 (read signed, -1, it would pass a \"> 4096\" check)")
                    .isTrue();
        }
        await("the server logs \"too long\" for the length ff ff ff ff").until(() -> server.logged("too long"));
    }

    @Test
    void eofInsideAFrameIsAnUnexpectedEof() throws Exception {
        Served server = serve("--quiet");
        assertClosedAfterHalfClose(server, new byte[] {0x05, 0x00}, "EOF after 2 of the 4 bytes of the length");
        assertClosedAfterHalfClose(server, new byte[] {0x05, 0x00, 0x00, 0x00, 'a'},
                "EOF after 1 of the 5 bytes of the payload");
        await("the server logs \"unexpected EOF\" twice, once for each connection that ended inside a frame")
                .until(() -> server.count("unexpected EOF") == 2);
    }

    @Test
    void eofBetweenFramesIsACleanGoodbye() throws Exception {
        Served server = serve(); // not --quiet: the clean goodbye is logged as EOF
        try (Socket socket = Wire.connect(server.port())) {
            roundTrip(socket, "bye");
            socket.shutdownOutput(); // EOF right after a whole frame
            assertThat(Wire.closedByPeer(socket)).as("the server closes the connection after the client's EOF between"
                    + " two frames").isTrue();
        }
        await("the server logs \"EOF\" for the goodbye between two frames").until(() -> server.logged("EOF"));
        assertThat(server.log()).as("the log after a goodbye between two frames: no error")
                .doesNotContain("unexpected EOF", "too long");
    }

    @Test
    void aClientThatReadsNothingIsStoppedWhileTheOthersAreServed() throws Exception {
        Served server = serve("--quiet");
        NumberedRequests requests = new NumberedRequests();
        try (SocketChannel greedy = connectWithSmallBuffers(server.port()); Socket other = Wire.connect(server.port())) {
            // Send 4096-byte requests and read no answer, until the server takes no more: it has stopped
            // reading from this client, and the kernel's buffers on both sides are full. Between two
            // attempts, another client's round trip lets the server's loop come round.
            greedy.configureBlocking(false);
            long taken = 0;
            int attemptsWithNothingTaken = 0;
            for (int attempt = 1; attemptsWithNothingTaken < 3; attempt++) {
                long took = requests.send(greedy, UNBOUNDED - taken);
                taken += took;
                assertThat(taken).as("bytes of requests the server took from a client that reads none of its answers:"
                        + " a server that stops reading from it holds a bounded amount (its buffers, and the kernel's"
                        + " for both sockets, a few MiB), but this one is still reading after %d MiB, so it holds"
                        + " the answers without bound", UNBOUNDED >> 20).isLessThan(UNBOUNDED);
                Wire.send(other, bytes("still there? " + attempt));
                assertThat(Wire.receive(other)).as("another client's answer while one client reads nothing (attempt %d)",
                        attempt).isEqualTo(bytes("still there? " + attempt));
                attemptsWithNothingTaken = took == 0 ? attemptsWithNothingTaken + 1 : 0;
            }

            // Now read: every answer comes, in order, once the rest of the last request is sent.
            greedy.configureBlocking(true);
            long sent = requests.started();
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<?> answers = reader.submit(() -> {
                    InputStream in = greedy.socket().getInputStream(); // a stream: its reads time out
                    for (long i = 0; i < sent; i++) {
                        assertThat(Wire.readMessage(in)).as("answer %d of the %d requests of the client that read"
                                + " nothing until now", i, sent).isEqualTo(NumberedRequests.payload(i));
                    }
                    return null;
                });
                requests.finish(greedy);
                answers.get(60, TimeUnit.SECONDS);
            } finally {
                reader.shutdownNow();
            }
        }
    }

    @Test
    void aClientThatShutsDownItsSendingSideStillGetsEveryAnswer() throws Exception {
        Served server = serve("--quiet");
        Random random = new Random(11);
        byte[][] payloads = new byte[1000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = Wire.randomPayload(random, 4096);
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = Wire.connect(server.port())) {
            // 4 MB of requests, then EOF: more than the buffers hold, so the server sees the EOF with answers owed
            Future<?> sent = writer.submit(() -> {
                socket.getOutputStream().write(Wire.frames(payloads));
                socket.shutdownOutput(); // FIN: "no more requests", but still reading
                return null;
            });
            for (int i = 0; i < payloads.length; i++) {
                assertThat(Wire.receive(socket)).as("answer %d of %d, to requests sent before the client shut down its"
                        + " sending side", i, payloads.length).isEqualTo(payloads[i]);
            }
            assertThat(socket.getInputStream().read()).as("after the last answer, the server closes the connection")
                    .isEqualTo(-1);
            sent.get();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void servesSixtyFourClientsAtOnce() throws Exception {
        Served server = serve("--quiet");
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 64; c++) {
                int clientNo = c;
                Callable<Integer> client = () -> {
                    try (Socket socket = Wire.connect(server.port())) {
                        for (int i = 0; i < 100; i++) {
                            byte[] payload = bytes("client " + clientNo + " request " + i);
                            Wire.send(socket, payload);
                            assertThat(Wire.receive(socket)).as("client %d, answer %d", clientNo, i).isEqualTo(payload);
                        }
                    }
                    return 100;
                };
                results.add(pool.submit(client));
            }
            int answered = 0;
            for (Future<Integer> result : results) {
                answered += result.get();
            }
            assertThat(answered).as("answers to 64 clients connected at once, 100 requests each").isEqualTo(6400);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aQuietClientIsAnsweredWithinOneTurnOfAFlood() throws Exception {
        String reason = whyAFloodMayStarveTheOthers();
        assumeTrue(reason == null, () -> "not for this server, by design: " + reason);
        LoopHold hold = new LoopHold();
        AtomicLong floodAnswered = new AtomicLong();
        AtomicLong floodAnsweredAtHold = new AtomicLong(-1);
        AtomicLong floodAnsweredAtPing = new AtomicLong(-1);
        // not --quiet: the log shows the order of the answers; the flood's lines are counted, not kept
        Served server = serve(line -> {
            if (line.startsWith("client says: " + Flood.PAYLOAD_START)) {
                floodAnswered.incrementAndGet();
                return false;
            }
            if (line.equals("client says: ping")) {
                floodAnsweredAtPing.set(floodAnswered.get());
            } else if (line.equals("client says: hold")) {
                floodAnsweredAtHold.set(floodAnswered.get());
            }
            hold.accept(line); // does not return from "client says: hold" until the test lets go
            return true;
        });
        // The flood connects first: a server that serves its connections in the order it accepted them
        // comes to the flood first.
        try (Socket holder = Wire.connect(server.port());
                EndlessFlood flood = EndlessFlood.connect(server.port());
                Socket quiet = Wire.connect(server.port())) {
            flood.roundTrip();
            roundTrip(quiet, "here"); // both connections are being served before the scene is set
            // While the loop is held: the flood sends a first request, so that its socket is ready first;
            // then the quiet client sends one small request; then the flood fills its socket.
            hold.hold(holder);
            long queued = flood.fill(Flood.REQUEST_SIZE);
            Wire.send(quiet, bytes("ping"));
            queued += flood.fill(Long.MAX_VALUE);
            flood.flow(); // and goes on flooding, and reads its answers
            hold.release(holder);

            await("the server logs the quiet client's \"ping\" while another client floods it (%,d bytes were waiting"
                    + " when the loop went on, and more kept coming)".formatted(queued))
                    .atMost(Duration.ofSeconds(60)).until(() -> floodAnsweredAtPing.get() >= 0);
            assertThat(floodAnsweredAtPing.get() - floodAnsweredAtHold.get()).as("the flood's requests answered before"
                    + " the quiet client's one, which was waiting at the same time: at most one turn of 16 reads of up"
                    + " to 64 KiB (%d requests of %d bytes); more means one connection's turn lasts as long as it has"
                    + " bytes to read, and the others wait", ONE_TURN_OF_FLOOD, Flood.REQUEST_SIZE)
                    .isLessThanOrEqualTo(ONE_TURN_OF_FLOOD);
            assertThat(Wire.receive(quiet)).as("the quiet client's answer").isEqualTo(bytes("ping"));
            assertThat(flood.failure()).as("what went wrong with the flood's answers (null: nothing)").isNull();
        }
    }

    private static void roundTrip(Socket socket, String text) throws Exception {
        Wire.send(socket, bytes(text));
        assertThat(Wire.receive(socket)).as("the answer to \"%s\"", text).isEqualTo(bytes(text));
    }

    private static void assertClosedAfterHalfClose(Served server, byte[] bytes, String what) throws Exception {
        try (Socket socket = Wire.connect(server.port())) {
            socket.getOutputStream().write(bytes);
            socket.shutdownOutput();
            assertThat(Wire.closedByPeer(socket)).as("the server closes the connection after %s", what).isTrue();
        }
    }

    /** A client whose kernel buffers are small (16 KiB asked), so that it stops taking answers early. */
    private static SocketChannel connectWithSmallBuffers(int port) throws Exception {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024); // before connecting: the window
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024); // is agreed when connecting
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channel.socket().setSoTimeout(Wire.READ_TIMEOUT_MILLIS);
            return channel;
        } catch (Exception e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Requests of 4096 bytes, each told apart by its number: written as the kernel takes them,
     * without being kept, since an answer can be checked against {@link #payload} again.
     */
    private static final class NumberedRequests {
        private ByteBuffer frame = ByteBuffer.allocate(0);
        private long started;

        /** Request {@code i}'s payload: its number, then bytes that follow from it. */
        static byte[] payload(long i) {
            byte[] payload = Wire.randomPayload(new Random(i), 4096);
            ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putLong(i);
            return payload;
        }

        /** Writes requests until a write takes nothing, or {@code most} bytes; returns the bytes taken. */
        long send(SocketChannel channel, long most) throws Exception {
            long took = 0;
            while (took < most) {
                if (!frame.hasRemaining()) {
                    frame = ByteBuffer.wrap(Wire.encode(payload(started++)));
                }
                int n = channel.write(frame);
                if (n == 0) {
                    break;
                }
                took += n;
            }
            return took;
        }

        /** The requests begun: the last may not be whole yet. */
        long started() {
            return started;
        }

        /** Writes the rest of the last request begun (the channel in blocking mode). */
        void finish(SocketChannel channel) throws Exception {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }
    }
}

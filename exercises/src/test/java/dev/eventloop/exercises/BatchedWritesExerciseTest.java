package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static dev.eventloop.exercises.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.BufferOverflowException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exercise 3: every complete request in the read buffer is answered into the write buffer
 * before one write sends them all. The tagged tests are the exercise; the last test guards what
 * the change must not break.
 */
@Timeout(120)
@ExtendWith({StubCheck.class, GuardFailures.class, LoopThreadFailures.class})
class BatchedWritesExerciseTest {

    @Test
    @Tag(Exercise.Tags.BATCHED_WRITES)
    @Guards("a burst of pipelined requests that arrives in one read is answered, in order, with one write")
    void answersAPipelinedBurstWithOneWrite() throws IOException {
        byte[] burst = Wire.frames(tenByteRequests(100));
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            ScriptedChannel channel = new ScriptedChannel().arrive(burst); // all 100 arrive together

            channel.serveWhileReady(server, Conns.withBooksBuffers(channel, server.stats(), 1));

            assertThatBytes(channel.written()).as("the bytes written back: every response, in order").isEqualTo(burst);
            long writes = server.stats().writes();
            assertThat(writes).as(Exercise.BATCHED_WRITES.notDone(String.format(
                    "100 pipelined requests of 14 bytes (10-byte payloads) arrived in one read; your server answered"
                            + " them with %d write calls (limit 2).%nThe chapter 6 server sends each response on its"
                            + " own: 100 writes.",
                    writes))).isLessThanOrEqualTo(2);
        }
    }

    @Test
    @Tag(Exercise.Tags.BATCHED_WRITES)
    @Guards("every request is answered, in order, with at most one write per read or per full write buffer")
    void writesAtMostOncePerFullWriteBufferOrRead() throws IOException {
        byte[][] payloads = new byte[1000][];
        Arrays.setAll(payloads, i -> new byte[100]);
        byte[] all = Wire.frames(payloads);
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            ScriptedChannel channel = new ScriptedChannel();
            for (int at = 0; at < all.length; at += 4100) {
                channel.arrive(Arrays.copyOfRange(all, at, Math.min(all.length, at + 4100)));
            }

            channel.serveWhileReady(server, Conns.withBooksBuffers(channel, server.stats(), 1));

            assertThatBytes(channel.written()).as("the bytes written back: every response, in order").isEqualTo(all);
            Stats stats = server.stats();
            long limit = stats.reads() + all.length / (4 + 4096 - 104) + 1;
            assertThat(stats.writes()).as(Exercise.BATCHED_WRITES.notDone(String.format(
                    "1000 pipelined requests of 104 bytes (100-byte payloads) came in 4,100-byte chunks, taken in %d"
                            + " read calls; your server made %d write calls (limit %d: one per read call, or per full"
                            + " write buffer).%nThe chapter 6 server makes 1000.",
                    stats.reads(), stats.writes(), limit))).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    @Tag(Exercise.Tags.BATCHED_WRITES)
    @Guards("a batch that outgrows the write buffer goes out whole, in order, in one write per full buffer")
    void sendsABatchThatOutgrowsTheWriteBufferInOneWritePerFullBuffer() throws IOException {
        byte[][] payloads = new byte[12][];
        Arrays.setAll(payloads, i -> new byte[996]); // 1,000 bytes each with the 4-byte header
        byte[] all = Wire.frames(payloads);
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            ScriptedChannel channel = new ScriptedChannel().arrive(all); // one read brings all twelve
            // a read buffer of 3 x (4 + 4096) bytes, the book's write buffer of 4 + 4096
            channel.serveWhileReady(server, new Conn(channel, server.stats(), 1, 3 * 4100, 4100));

            assertThatBytes(channel.written()).as("the bytes written back: every response, in order").isEqualTo(all);
            long writes = server.stats().writes();
            assertThat(writes).as(Exercise.BATCHED_WRITES.notDone(String.format(
                    "12 pipelined requests of 1,000 bytes (header included) arrived in one read into a 12,300-byte"
                            + " read buffer; their responses fill the 4,100-byte write buffer three times over (4"
                            + " per buffer). Your server made %d write calls (limit 3: one per full write buffer).%n"
                            + "The chapter 6 server makes 12. A batch that stops at the first full buffer, or a"
                            + " response dropped when it does not fit, fails StateMachineTest.everyResponseIsSentWhenABatchOutgrowsTheWriteBuffer.",
                    writes))).isLessThanOrEqualTo(3);
        }
    }

    @Test
    @Tag(Exercise.Tags.BATCHED_WRITES)
    @Guards("a batch holds every response that fits into the write buffer, however many")
    void answersAsManyResponsesAsFitIntoTheWriteBufferWithOneWrite() throws IOException {
        byte[][] payloads = new byte[1025][];
        Arrays.setAll(payloads, i -> new byte[0]); // 4-byte frames: 4,100 bytes, one read buffer's worth
        byte[] burst = Wire.frames(payloads);
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            ScriptedChannel channel = new ScriptedChannel().arrive(burst);

            channel.serveWhileReady(server, Conns.withBooksBuffers(channel, server.stats(), 1));

            assertThatBytes(channel.written()).as("the bytes written back: every response, in order").isEqualTo(burst);
            long writes = server.stats().writes();
            assertThat(writes).as(Exercise.BATCHED_WRITES.notDone(String.format(
                    "1,025 empty requests (4 bytes each, 4,100 in all) arrived in one read; their responses fill the"
                            + " 4,100-byte write buffer exactly. Your server made %d write calls (limit 1). A batch"
                            + " holds every response that fits into wbuf, however many: a cap on the number of"
                            + " responses in a batch costs one more write each time it binds.%nThe chapter 6 server"
                            + " makes 1,025.", writes))).isLessThanOrEqualTo(1);
        }
    }

    @Test
    @Tag(Exercise.Tags.BATCHED_WRITES)
    @Guards("a response that would not fit whole into the write buffer, its 4-byte header included, waits for the next"
            + " batch")
    void holdsBackAResponseThatWouldFitOnlyWithoutItsHeader() throws IOException {
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            // After four 1,000-byte responses, 100 bytes of the 4,100-byte write buffer are left. The
            // next payload is a few bytes either side of fitting: it fits only if len + 4 <= 100.
            for (int len = 93; len <= 100; len++) {
                byte[][] payloads = new byte[6][];
                Arrays.setAll(payloads, i -> new byte[996]);
                payloads[4] = new byte[len];
                Arrays.fill(payloads[4], (byte) 'x');
                payloads[5] = bytes("after");
                byte[] all = Wire.frames(payloads);
                ScriptedChannel channel = new ScriptedChannel().arrive(all); // one read brings all six
                long writesBefore = server.stats().writes();
                try {
                    // a read buffer of 3 x (4 + 4096) bytes, the book's write buffer of 4 + 4096
                    channel.serveWhileReady(server, new Conn(channel, server.stats(), len, 3 * 4100, 4100));
                } catch (BufferOverflowException e) {
                    fail(Exercise.BATCHED_WRITES.notDone(String.format("With 4,000 bytes of responses in the 4,100-byte"
                            + " write buffer (100 bytes of room), a request with a %d-byte payload came: its response"
                            + " needs %d bytes, its 4-byte header and the payload. Your server appended it anyway, and"
                            + " the put overflowed (BufferOverflowException). The check of region 2 must count the"
                            + " whole response, HEADER_SIZE + len.", len, len + 4)));
                }
                assertThatBytes(channel.written()).as("every response, in order, with a %d-byte payload after 4,000"
                        + " bytes of responses", len).isEqualTo(all);
                long writes = server.stats().writes() - writesBefore;
                assertThat(writes).as(Exercise.BATCHED_WRITES.notDone(String.format("Six pipelined requests arrived in"
                        + " one read, their responses about 4,100 + 9 bytes; your server made %d write calls (limit 2:"
                        + " one per full write buffer).%nThe chapter 6 server makes 6.", writes)))
                        .isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    @Guards(value = "ten thousand pipelined requests to a client that reads slowly are all answered, in order, within"
            + " the server's two buffers",
            read = "docs/07-production-failures.md#4-back-pressure")
    void answersTenThousandPipelinedRequestsToASlowReaderWithinItsFixedBuffers() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            payloads.add(Wire.randomPayload(random, 1 + random.nextInt(4096)));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RunningServer running = RunningServer.start("--quiet"); Socket socket = Wire.connect(running.port())) {
            Future<?> sent = writer.submit(() -> {
                OutputStream out = socket.getOutputStream();
                for (byte[] payload : payloads) {
                    out.write(Wire.encode(payload));
                }
                return null;
            });
            InputStream slow = new SmallReads(socket.getInputStream(), 512);
            for (int i = 0; i < payloads.size(); i++) {
                assertThatBytes(Wire.readMessage(slow)).as("response %d (seed %d)", i, seed).isEqualTo(payloads.get(i));
            }
            sent.get();
            assertThat(running.stats().peakBytesHeld()).as("most bytes held at once, headers included")
                    .isLessThanOrEqualTo(2L * (4 + 4096));
        } finally {
            writer.shutdownNow();
        }
    }

    private static byte[][] tenByteRequests(int count) {
        byte[][] payloads = new byte[count][];
        for (int i = 0; i < count; i++) {
            payloads[i] = String.format("req-%06d", i).getBytes(StandardCharsets.UTF_8);
        }
        return payloads;
    }

    /** A reader that takes at most {@code max} bytes per read: a client slower than the server. */
    private static final class SmallReads extends InputStream {
        private final InputStream in;
        private final int max;

        SmallReads(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, Math.min(len, max));
        }
    }
}

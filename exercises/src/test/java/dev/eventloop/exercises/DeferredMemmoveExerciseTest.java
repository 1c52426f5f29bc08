package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exercise 2: consumed requests only advance {@code rbufStart}; the bytes move to the front of
 * the buffer only when a read needs the room. The first test is the exercise; the others guard
 * what the change must not break.
 */
@ExtendWith({StubCheck.class, GuardFailures.class, LoopThreadFailures.class})
class DeferredMemmoveExerciseTest {
    private Server server;

    @BeforeEach
    void setUp() throws IOException {
        server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { });
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    @Tag(Exercise.Tags.DEFERRED_MEMMOVE)
    @Guards("every request is answered, in order, and the read buffer is compacted at most once per read, moving no "
            + "more bytes than were read")
    void compactsAtMostOncePerReadAndMovesFewerBytesThanItReads() {
        byte[][] payloads = new byte[1000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = String.format("req-%06d", i).getBytes(StandardCharsets.UTF_8); // 10 bytes
        }
        byte[] all = Wire.frames(payloads); // 14 bytes per request with its 4-byte header: 14,000
        ScriptedChannel channel = new ScriptedChannel();
        for (int at = 0; at < all.length; at += 3500) { // 4 chunks of 250 whole requests each
            channel.arrive(Arrays.copyOfRange(all, at, Math.min(all.length, at + 3500)));
        }
        Conn conn = Conns.withBooksBuffers(channel, server.stats(), 1);

        channel.serveWhileReady(server, conn);

        assertThatBytes(channel.written()).as("the bytes written back: every response, in order").isEqualTo(all);
        Stats stats = server.stats();
        String measured = String.format(
                "1000 pipelined requests of 14 bytes (a 10-byte payload after the 4-byte header) came in 4 chunks of"
                        + " 3,500 bytes; your server read them with %d read calls,"
                        + " %,d bytes in all.%nIt compacted the read buffer %,d times and moved %,d bytes. It may"
                        + " compact at most once per read call and move no more bytes than it read. The chapter 6"
                        + " memmove after every request with bytes behind it costs 996 compactions here.",
                stats.reads(), stats.bytesRead(), stats.compactions(), stats.bytesMoved());
        assertThat(stats.compactions()).as(Exercise.DEFERRED_MEMMOVE.notDone(measured)).isLessThanOrEqualTo(stats.reads());
        assertThat(stats.bytesMoved()).as(Exercise.DEFERRED_MEMMOVE.notDone(measured)).isLessThanOrEqualTo(stats.bytesRead());
    }

    @Test
    @Tag(Exercise.Tags.DEFERRED_MEMMOVE)
    @Guards("every request is answered, in order, and unconsumed bytes move only through memmove, only when a read "
            + "has no room")
    void movesBytesOnlyThroughMemmoveAndOnlyWhenAReadNeedsTheRoom() throws IOException {
        movesOnlyThroughMemmoveAndOnlyWhenNeeded(3000);
        movesOnlyThroughMemmoveAndOnlyWhenNeeded(4050); // leaves the buffer 50 bytes of room, not none
    }

    private static void movesOnlyThroughMemmoveAndOnlyWhenNeeded(int chunk) throws IOException {
        byte[][] payloads = new byte[1000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = String.format("req-%06d", i).getBytes(StandardCharsets.UTF_8); // 10 bytes
        }
        byte[] all = Wire.frames(payloads); // 14 bytes per request with its header: 14,000
        ScriptedChannel channel = new ScriptedChannel();
        for (int at = 0; at < all.length; at += chunk) { // no multiple of 14: a request is cut each time
            channel.arrive(Arrays.copyOfRange(all, at, Math.min(all.length, at + chunk)));
        }
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            channel.serveWhileReady(server, Conns.withBooksBuffers(channel, server.stats(), 1)); // the book's read buffer: 4 + 4096 bytes
            checkMoves(server.stats(), channel, chunk, all);
        }
    }

    private static void checkMoves(Stats stats, ScriptedChannel channel, int chunk, byte[] all) {
        assertThatBytes(channel.written()).as("the bytes written back, %,d-byte chunks: every response, in order", chunk)
                .isEqualTo(all);
        long end = 0;
        long arrived = 0;
        for (ScriptedChannel.Read read : channel.reads()) {
            long unconsumed = arrived - read.writtenBefore();
            if (read.landedAt() < end && unconsumed > 0) {
                assertThat(end).as(Exercise.DEFERRED_MEMMOVE.notDone(String.format(
                        "1000 requests of 14 bytes (header included) came in %,d-byte chunks. Before a read, your"
                                + " server moved %d unconsumed bytes to the front although the buffer still had %d"
                                + " bytes of room after them. Move them only when the read would have no room.",
                        chunk, unconsumed, 4100 - end))).isEqualTo(4100);
            }
            arrived += read.bytes();
            end = read.landedAt() + read.bytes();
        }
        long seen = bytesSeenMoving(channel.reads());
        assertThat(stats.bytesMoved()).as(Exercise.DEFERRED_MEMMOVE.notDone(String.format(
                "Where the reads landed in the read buffer shows %,d unconsumed bytes moved to its front, but"
                        + " memmove(...) counted %,d moved bytes. Move them with the given memmove helper (the book's"
                        + " memmove), not by hand or with ByteBuffer.compact(), so the counts see every move.",
                seen, stats.bytesMoved()))).isGreaterThanOrEqualTo(seen);
        assertThat(stats.compactions()).as(Exercise.DEFERRED_MEMMOVE.notDone(String.format(
                "1000 requests of 14 bytes (header included) came in %,d-byte chunks: %d read calls, %,d"
                        + " compactions. At most one per read call.", chunk, stats.reads(), stats.compactions())))
                .isLessThanOrEqualTo(stats.reads());
    }

    /**
     * The unconsumed bytes that moved between reads, seen from outside: a read that lands before
     * the end of the previous one, while bytes are still unanswered, means those bytes moved.
     * (Responses echo requests, so the bytes written back are the bytes consumed.)
     */
    private static long bytesSeenMoving(List<ScriptedChannel.Read> reads) {
        long moved = 0;
        long arrived = 0;
        int end = 0;
        for (ScriptedChannel.Read read : reads) {
            long unconsumed = arrived - read.writtenBefore();
            if (read.landedAt() < end && unconsumed > 0) {
                moved += unconsumed;
            }
            arrived += read.bytes();
            end = read.landedAt() + read.bytes();
        }
        return moved;
    }

    @Test
    @Tag(Exercise.Tags.DEFERRED_MEMMOVE)
    @Timeout(60)
    @Guards("on a real socket, every request is answered, in order, and the read buffer is compacted at most once "
            + "per read")
    void compactsAtMostOncePerReadOnARealSocket() throws IOException {
        byte[][] payloads = new byte[1000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = String.format("req-%06d", i).getBytes(StandardCharsets.UTF_8);
        }
        byte[] all = Wire.frames(payloads);
        try (RunningServer running = RunningServer.start("--quiet"); Socket socket = Wire.connect(running.port())) {
            socket.getOutputStream().write(all); // one write: the server reads it in a few big reads
            for (int i = 0; i < payloads.length; i++) {
                assertThatBytes(Wire.receive(socket)).as("the payload of response %d", i).isEqualTo(payloads[i]);
            }
            Stats stats = running.stats();
            assertThat(stats.compactions()).as(Exercise.DEFERRED_MEMMOVE.notDone(String.format(
                    "1000 pipelined requests of 14 bytes (10-byte payloads) in one write: your server read them with"
                            + " %d read calls and compacted the read buffer %d times (limit: one per read call).%n"
                            + "Chapter 6 compacts after every request that has more bytes behind it.",
                    stats.reads(), stats.compactions()))).isLessThanOrEqualTo(stats.reads());
        }
    }

    @Test
    @Guards(value = "a largest message that starts in the middle of the read buffer still fits, and is answered",
            read = "docs/exercises/02-deferred-memmove.md#the-tests-that-check-it")
    void aMaximumMessageThatStartsMidBufferStillFits() {
        byte[] small = "first".getBytes(StandardCharsets.UTF_8);
        byte[] max = new byte[4096];
        Arrays.fill(max, (byte) 'm');
        byte[] both = Wire.frames(small, max);
        int midBuffer = 4 + small.length + 2000; // the big one starts at byte 9
        ScriptedChannel channel = new ScriptedChannel()
                .arrive(Arrays.copyOfRange(both, 0, midBuffer))
                .arrive(Arrays.copyOfRange(both, midBuffer, both.length));

        channel.serveWhileReady(server, Conns.withBooksBuffers(channel, server.stats(), 1));

        assertThatBytes(channel.written()).as("both responses, the one with a %,d-byte payload whole", max.length)
                .isEqualTo(both);
    }

    @Test
    @Guards(value = "requests cut at every byte offset still parse",
            read = "docs/06-eventloop.md#short-reads-and-split-messages")
    void requestsSplitAtEveryByteOffsetStillParse() {
        byte[] three = Wire.frames("alpha".getBytes(StandardCharsets.UTF_8), new byte[0],
                "gamma-gamma".getBytes(StandardCharsets.UTF_8));
        for (int split = 0; split <= three.length; split++) {
            ScriptedChannel channel = new ScriptedChannel()
                    .arrive(Arrays.copyOfRange(three, 0, split))
                    .arrive(Arrays.copyOfRange(three, split, three.length));

            channel.serveWhileReady(server, Conns.withBooksBuffers(channel, server.stats(), split));

            assertThatBytes(channel.written()).as("split at byte %d", split).isEqualTo(three);
        }
    }
}

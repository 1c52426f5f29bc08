package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static dev.eventloop.exercises.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exercise 1: the loop keeps its interest set between waits, as epoll does, so that idle
 * connections cost nothing per wake-up; and, since level-triggered readiness reports whatever is
 * left, a connection gets a turn of a few reads per wake-up rather than being read until it is
 * empty.
 */
@Timeout(60)
@Tag(Exercise.Tags.EPOLL)
@ExtendWith({StubCheck.class, GuardFailures.class, LoopThreadFailures.class})
class EpollExerciseTest {
    private static final int IDLE = 100;
    private static final int ROUND_TRIPS = 100;
    /** The specification of a turn: one wake-up reads one connection at most 16 times (Netty's default). */
    private static final int READS_PER_TURN = 16;
    /** Where the page explains turns. */
    private static final String FAIRNESS = "docs/exercises/01-epoll.md, \"A turn of at most 16 reads\"";

    @Test
    @Guards("the loop tells the poller about a connection only when it is added or its state changes")
    void declaresInterestOnlyWhenAConnectionIsAddedOrChangesState() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet")) {
            List<Socket> idle = openIdle(running, IDLE);
            try {
                roundTrips(running, ROUND_TRIPS);
            } finally {
                closeAll(idle);
            }
            Stats stats = running.stats();
            long accepted = IDLE + 1;
            // A connection's interest changes only when its state does: to POLLOUT when a write
            // blocks, and back. Small answers on loopback rarely block, and each time one did, the
            // counted writes saw it.
            long limit = accepted + 1 + 2 * stats.writesBlocked() + 4; // + the listener, + a little slack
            assertThat(stats.interestUpdates())
                    .as(Exercise.EPOLL.notDone(String.format(
                            "%d idle connections, then one client made %d round trips, %d of whose writes blocked:"
                                    + " your loop made %,d interest updates (limit %d: 1 per accepted connection and"
                                    + " the listener, and 2 per blocked write, to POLLOUT and back).%n"
                                    + "Declare interest only when a connection's state changes. The chapter 6 poll"
                                    + " loop declares every connection again on every wait: about (connections + 1)"
                                    + " per iteration.",
                            IDLE, ROUND_TRIPS, stats.writesBlocked(), stats.interestUpdates(), limit)))
                    .isLessThanOrEqualTo(limit);
        }
    }

    @Test
    @Guards("a wake-up runs the state machine of the ready connections, and of no others")
    void aWakeUpExaminesOnlyTheConnectionsThatAreReady() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet")) {
            List<Socket> idle = openIdle(running, IDLE);
            try {
                Stats stats = running.stats();
                long waitsBefore = stats.waits();
                long examinedBefore = stats.entriesExamined();
                long readsBefore = stats.reads();

                roundTrips(running, ROUND_TRIPS);

                long waits = stats.waits() - waitsBefore;
                long examined = stats.entriesExamined() - examinedBefore;
                long reads = stats.reads() - readsBefore;
                // each round trip: one read that brings the request, and one that finds nothing
                // (EAGAIN) if the loop still reads until it does; readsAgainOnlyWhen... counts that
                assertThat(reads)
                        .as(Exercise.EPOLL.notDone(String.format(
                                "With %d idle connections open, %d round trips cost your loop %,d read calls (limit"
                                        + " %d, 3 per round trip; a loop that reads only the ready connection needs 1"
                                        + " or 2). A wake-up must run the state machine of the connections that are"
                                        + " ready, and no others.",
                                IDLE, ROUND_TRIPS, reads, 3 * ROUND_TRIPS)))
                        .isLessThanOrEqualTo(3L * ROUND_TRIPS);
                double perWakeUp = (double) examined / Math.max(1, waits);
                assertThat(perWakeUp)
                        .as(Exercise.EPOLL.notDone(String.format(
                                "With %d idle connections open, your loop examined %.1f entries per wake-up over %d"
                                        + " wake-ups, though about 1 connection was ready each time (limit 2).%n"
                                        + "The chapter 6 poll loop scans every connection, ready or not: %d per wake-up.",
                                IDLE, perWakeUp, waits, IDLE + 2)))
                        .isLessThanOrEqualTo(2.0);
            } finally {
                closeAll(idle);
            }
        }
    }

    @Test
    @Guards("a turn reads a connection again only while each read fills the room it was offered")
    void readsAgainOnlyWhenAReadFilledTheRoomItWasOffered() throws IOException {
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            // Two small requests, arrived one after the other: the first read returns 9 bytes of
            // the 4,100 it could take. That read emptied the socket; the second request is news
            // the next wait will bring.
            byte[] first = Wire.encode(bytes("first"));
            byte[] second = Wire.encode(bytes("second"));
            ScriptedChannel small = new ScriptedChannel().arrive(first).arrive(second);
            Conn conn = Conns.withBooksBuffers(small, server.stats(), 1);
            server.connectionIo(conn); // one wake-up
            checkOneWakeUp(small.readCalls(), "Two requests of 9 and 10 bytes arrived one after the other");
            small.serveWhileReady(server, conn); // the next wake-up brings the second
            assertThatBytes(small.written()).as("both responses, in order").isEqualTo(Wire.frames(bytes("first"),
                    bytes("second")));

            // Twenty 1,000-byte requests at once, more than any read's room: every read fills the
            // room it is offered until the bytes run short, so all of them come in one wake-up.
            byte[][] payloads = new byte[20][];
            Arrays.setAll(payloads, i -> new byte[996]); // 1,000 bytes each with the 4-byte header
            byte[] twenty = Wire.frames(payloads);
            ScriptedChannel big = new ScriptedChannel().arrive(twenty);
            server.connectionIo(Conns.withBooksBuffers(big, server.stats(), 2)); // one wake-up
            checkOneWakeUp(big.readCalls(), "Twenty 1,000-byte requests (20,000 bytes) arrived at once");
            assertThatBytes(big.written()).as("all twenty responses in one wake-up").isEqualTo(twenty);
        }
    }

    @Test
    @Guards("a small request costs one read call, not a second one that finds nothing")
    void readsOncePerRequestOnARealSocket() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet")) {
            Stats stats = running.stats();
            long readsBefore = stats.reads();
            roundTrips(running, ROUND_TRIPS); // one request at a time, each sent with one write
            long reads = stats.reads() - readsBefore;
            long limit = ROUND_TRIPS + 2; // + the read that sees the client's goodbye (EOF), + 1 of slack
            assertThat(reads).as(Exercise.EPOLL.notDone(String.format(
                    "%d round trips, one small request at a time, cost your server %,d read calls (limit %d: one per"
                            + " request, and the one that sees the end of the stream).%nThe chapter 6 loop reads until"
                            + " read returns 0 (EAGAIN): 2 per request. See the page's \"One read per wake-up\".",
                    ROUND_TRIPS, reads, limit))).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    @Guards("a client that never stops sending gets turns of at most 16 reads, and each turn answers what it read")
    void aClientThatNeverStopsSendingGetsTurnsOf16Reads() throws IOException {
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            // 1,000 requests of 400 bytes, arrived at once: 400,000 bytes, far more than a few turns can take
            byte[][] payloads = new byte[1000][];
            Arrays.setAll(payloads, i -> Arrays.copyOf(bytes(String.format("request %04d", i)), 396));
            byte[] flood = Wire.frames(payloads);
            ScriptedChannel socket = new ScriptedChannel().arrive(flood);
            Conn conn = Conns.withBooksBuffers(socket, server.stats(), 1);
            for (int wakeUp = 1; wakeUp <= 3; wakeUp++) {
                int before = socket.readCalls().size();
                server.connectionIo(conn);
                List<ScriptedChannel.ReadCall> turn = socket.readCalls().subList(before, socket.readCalls().size());
                checkTurnOfAFlood(wakeUp, turn);
                long read = socket.readCalls().stream().mapToLong(call -> Math.max(0, call.returned())).sum();
                int answered = (int) (read / 400) * 400;
                assertThatBytes(socket.written()).as(Exercise.EPOLL.notDone(String.format("After turn %d your server had read"
                        + " %,d bytes: %,d whole requests, but it had answered %,d bytes of them, not %,d. A turn ends"
                        + " after its last read, and every whole request that read brought is answered before it"
                        + " ends: the socket's readiness says nothing about requests already in rbuf, so a request left"
                        + " there waits until the client sends more, perhaps for ever.", wakeUp, read, read / 400,
                        socket.written().length, answered))).isEqualTo(Arrays.copyOf(flood, answered));
            }
            socket.serveWhileReady(server, conn);
            assertThatBytes(socket.written()).as("every answer, in order, once the flood has been read").isEqualTo(flood);
        }
    }

    @Test
    @Guards("a quiet client is answered within one turn of a client that floods")
    void aQuietClientIsAnsweredWithinOneTurnOfAFlood() throws Exception {
        LoopHold hold = new LoopHold();
        // not --quiet: the server logs each request it answers, so the log shows their order
        try (RunningServer running = RunningServer.start(server -> { }, hold);
                Socket holder = Wire.connect(running.port());
                Flood flood = Flood.connect(running.port());
                Socket quiet = Wire.connect(running.port())) {
            await("the server accepted the three clients").until(() -> running.stats().connections() == 3);
            // While the loop is held, one client floods and another sends one small request: at the
            // next wait both are ready, the flood with far more than a turn can take.
            hold.hold(holder);
            long queued = flood.fill();
            Wire.send(quiet, bytes("ping"));
            hold.release(holder);
            assertThat(queued).as("bytes of the flood waiting in the kernel when the loop went on: more than three"
                    + " turns' worth, or this test proves nothing").isGreaterThan(3L * READS_PER_TURN * Conns.BOOK_BUFFER);
            CompletableFuture<Void> floodAnswers = flood.finishAndReadAnswers();
            try {
                assertThatBytes(Wire.receive(quiet)).as("the answer to the quiet client").isEqualTo(bytes("ping"));
            } catch (SocketTimeoutException e) {
                fail(Exercise.EPOLL.notDone(String.format("A client sent one small request while another flooded"
                        + " the server (%,d bytes of requests waiting, and more coming): it got no answer within %d s."
                        + " Your loop served the flood and nobody else. See %s.", queued, Wire.READ_TIMEOUT_MILLIS / 1000,
                        FAIRNESS)));
            }
            floodAnswers.get(30, TimeUnit.SECONDS);

            long longestTurn = running.stats().mostReadsInOneTurn();
            assertThat(longestTurn).as(Exercise.EPOLL.notDone(String.format("With %,d bytes of one client's requests"
                    + " waiting, your loop read that connection up to %,d times in one wake-up (limit %d), and every other"
                    + " client waited meanwhile. Under a flood a read never comes back empty: a loop that reads until it"
                    + " does serves one client for as long as it sends, and the others starve. Give a connection a"
                    + " turn of at most READS_PER_WAKE_UP (%d) reads per wake-up; level-triggered readiness reports"
                    + " what it leaves in the socket at the next wait. See %s.", queued, longestTurn, READS_PER_TURN,
                    READS_PER_TURN, FAIRNESS))).isLessThanOrEqualTo(READS_PER_TURN);
            List<String> log = List.copyOf(running.log);
            int held = log.indexOf("client says: hold");
            int pinged = log.indexOf("client says: ping");
            assertThat(pinged).as("the log holds the quiet client's request after the one that held the loop: %s",
                    running.logExcerpt()).isGreaterThan(held).isGreaterThanOrEqualTo(0);
            long floodFirst = log.subList(held, pinged).stream()
                    .filter(line -> line.startsWith("client says: " + Flood.PAYLOAD_START)).count();
            long oneTurn = (long) READS_PER_TURN * Conns.BOOK_BUFFER / Flood.REQUEST_SIZE; // whole 400-byte requests in 16 full reads
            assertThat(floodFirst).as(Exercise.EPOLL.notDone(String.format("Both clients were ready at the same wait,"
                    + " and your server answered %,d of the flood's requests before the quiet client's one (limit %d:"
                    + " one turn, %d reads of at most %,d bytes). A ready connection must not wait for more than one"
                    + " turn of each other connection. See %s.", floodFirst, oneTurn, READS_PER_TURN, Conns.BOOK_BUFFER,
                    FAIRNESS))).isLessThanOrEqualTo(oneTurn);
        }
    }

    /**
     * The rule of a turn, for a connection whose every read fills the room it is offered: read
     * again, but no more than {@value #READS_PER_TURN} times in one wake-up.
     */
    private static void checkTurnOfAFlood(int wakeUp, List<ScriptedChannel.ReadCall> turn) {
        assertThat(turn.size()).as(Exercise.EPOLL.notDone(String.format("A client sent 400,000 bytes of requests at"
                + " once. In wake-up %d your server read that connection %,d times (limit %d), answering as it went,"
                + " and every other client waited all that time. Under a flood a read never comes back empty: a loop"
                + " that reads until it does serves one client for as long as it sends, and the others starve. Give a"
                + " connection a turn of at most READS_PER_WAKE_UP reads per wake-up; level-triggered readiness reports"
                + " what it leaves in the socket at the next wait. (In this test, as in the real loop, every call of"
                + " connectionIo is one wake-up.) See %s.", wakeUp, turn.size(), READS_PER_TURN, FAIRNESS)))
                .isLessThanOrEqualTo(READS_PER_TURN);
        for (int i = 0; i < turn.size(); i++) {
            assertThat(turn.get(i).filled()).as("read %d of wake-up %d was offered %,d bytes and, with 400,000 bytes"
                    + " arrived, returned %,d: the room it was offered is wrong", i + 1, wakeUp, turn.get(i).offered(),
                    turn.get(i).returned()).isTrue();
        }
        String stopped = turn.isEmpty() ? "did not read that connection at all, though it was ready"
                : String.format("read that connection %d times, and stopped, though each read filled the room it was"
                        + " offered: more was waiting", turn.size());
        assertThat(turn.size()).as(Exercise.EPOLL.notDone(String.format("A client sent 400,000 bytes of requests at"
                + " once. In wake-up %d your server %s. Read again while a read fills its room, up to"
                + " READS_PER_WAKE_UP (%d) reads in each wake-up: the budget is counted afresh at every wake-up, and a"
                + " shorter turn costs one more wait for the same bytes. See %s.", wakeUp, stopped, READS_PER_TURN,
                FAIRNESS))).isEqualTo(READS_PER_TURN);
    }

    /** The rule of one wake-up: every read but the last filled the room it was offered; the last did not. */
    private static void checkOneWakeUp(List<ScriptedChannel.ReadCall> calls, String what) {
        assertThat(calls).as("the read calls of one wake-up").isNotEmpty();
        for (int i = 0; i < calls.size() - 1; i++) {
            ScriptedChannel.ReadCall call = calls.get(i);
            assertThat(call.filled()).as(Exercise.EPOLL.notDone(String.format(
                    "%s. In one wake-up your server called read %d times: %s.%nRead %d was offered %,d bytes of room"
                            + " and returned %,d, and still your server read again. A read that returns less than its"
                            + " room took everything the socket had: with level-triggered readiness (epoll's default,"
                            + " and the JDK's Selector) the next wait reports the connection again when more arrives."
                            + " The chapter 6 loop reads until read returns 0 (EAGAIN), one system call for nothing.",
                    what, calls.size(), describe(calls), i + 1, call.offered(), call.returned()))).isTrue();
        }
        ScriptedChannel.ReadCall last = calls.get(calls.size() - 1);
        assertThat(last.filled()).as(Exercise.EPOLL.notDone(String.format(
                "%s. In one wake-up your server called read %d times: %s.%nThe last read filled all %,d bytes of room"
                        + " it was offered, and your server stopped reading. More may be waiting in the socket: after"
                        + " answering what it brought, read again (compare what read returned with the room it had,"
                        + " not with the buffer's capacity).",
                what, calls.size(), describe(calls), last.offered()))).isFalse();
    }

    private static String describe(List<ScriptedChannel.ReadCall> calls) {
        return calls.stream().map(c -> String.format("%,d of %,d", c.returned(), c.offered()))
                .collect(Collectors.joining(", "));
    }


    private static List<Socket> openIdle(RunningServer running, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(Wire.connect(running.port()));
        }
        await("the server accepted every idle connection").until(() -> running.stats().connections() == count);
        return sockets;
    }

    private static void roundTrips(RunningServer running, int count) throws IOException {
        try (Socket active = Wire.connect(running.port())) {
            for (int i = 0; i < count; i++) {
                byte[] payload = ("round trip " + i).getBytes(StandardCharsets.UTF_8);
                Wire.send(active, payload);
                assertThatBytes(Wire.receive(active)).as("the answer to round trip %d", i).isEqualTo(payload);
            }
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

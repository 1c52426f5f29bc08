package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exercise 1: the loop keeps its interest set between waits, as epoll does, so that idle
 * connections cost nothing per wake-up.
 */
@Timeout(60)
@Tag(Exercise.Tags.EPOLL)
@ExtendWith({StubCheck.class, LoopThreadFailures.class})
class EpollExerciseTest {
    private static final int IDLE = 100;
    private static final int ROUND_TRIPS = 100;

    @Test
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
                                        + " %d: at most 2 per round trip). A wake-up must run the state machine of the"
                                        + " connections that are ready, and no others.",
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
    void readsAgainOnlyWhenAReadFilledTheRoomItWasOffered() throws IOException {
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) {
            // Two small requests, arrived one after the other: the first read returns 9 bytes of
            // the 4,100 it could take. That read emptied the socket; the second request is news
            // the next wait will bring.
            byte[] first = Wire.encode(bytes("first"));
            byte[] second = Wire.encode(bytes("second"));
            ScriptedChannel small = new ScriptedChannel().arrive(first).arrive(second);
            Conn conn = new Conn(small, server.stats(), 1);
            server.connectionIo(conn); // one wake-up
            checkOneWakeUp(small.readCalls(), "Two requests of 9 and 10 bytes arrived one after the other");
            small.serveWhileReady(server, conn); // the next wake-up brings the second
            assertThat(small.written()).as("both responses, in order").isEqualTo(Wire.frames(bytes("first"),
                    bytes("second")));

            // Twenty 1,000-byte requests at once, more than any read's room: every read fills the
            // room it is offered until the bytes run short, so all of them come in one wake-up.
            byte[][] payloads = new byte[20][];
            Arrays.setAll(payloads, i -> new byte[996]); // 1,000 bytes each with the 4-byte header
            byte[] twenty = Wire.frames(payloads);
            ScriptedChannel big = new ScriptedChannel().arrive(twenty);
            server.connectionIo(new Conn(big, server.stats(), 2)); // one wake-up
            checkOneWakeUp(big.readCalls(), "Twenty 1,000-byte requests (20,000 bytes) arrived at once");
            assertThat(big.written()).as("all twenty responses in one wake-up").isEqualTo(twenty);
        }
    }

    @Test
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Socket> openIdle(RunningServer running, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(Wire.connect(running.port()));
        }
        await().until(() -> running.stats().connections() == count);
        return sockets;
    }

    private static void roundTrips(RunningServer running, int count) throws IOException {
        try (Socket active = Wire.connect(running.port())) {
            for (int i = 0; i < count; i++) {
                byte[] payload = ("round trip " + i).getBytes(StandardCharsets.UTF_8);
                Wire.send(active, payload);
                assertThat(Wire.receive(active)).as("the answer to round trip %d", i).isEqualTo(payload);
            }
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

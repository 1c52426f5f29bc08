package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static dev.eventloop.exercises.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the essentials first: a wrong answer fails where it is wrong
@ExtendWith({StubCheck.class, GuardFailures.class, LoopThreadFailures.class})
class EpollExerciseTest {
    private static final int IDLE = 100;
    private static final int ROUND_TRIPS = 100;
    /** The specification of a turn: one wake-up reads one connection at most 16 times (Netty's default). */
    private static final int READS_PER_TURN = 16;
    /** Where the page explains turns. */
    private static final String FAIRNESS = "docs/exercises/01-epoll.md, \"A turn of at most 16 reads\"";

    @Test
    @Order(1)
    @Guards("the server waits on one Epoll set, which counts into the server's own Stats, and opens no Poll")
    void waitsOnOneEpollSetAndNoPoll() throws IOException {
        long pollsBefore = Poll.opened();
        long epollsBefore = Epoll.opened();
        try (RunningServer running = RunningServer.start("--quiet")) {
            assertWaitsOnOneEpollSet(running, pollsBefore, epollsBefore);
            roundTrips(running, 20);
        }
    }

    /**
     * Exercise 1's first requirement, checked where the server cannot go round it: since the
     * server was opened, this JVM opened no {@link Poll} and exactly one {@link Epoll} set, and
     * the loop's waits are counted in the server's own {@link Stats}.
     */
    static void assertWaitsOnOneEpollSet(RunningServer running, long pollsBefore, long epollsBefore) {
        long polls = Poll.opened() - pollsBefore;
        long epolls = Epoll.opened() - epollsBefore;
        assertThat(polls).as(Exercise.EPOLL.notDone(String.format("Your server opened %d Poll: the chapter 6 poller is"
                + " still there. A loop that waits with poll hands the kernel every connection at every wake-up,"
                + " whatever its counters say; exercise 1 replaces it with one Epoll set, kept between waits.",
                polls))).isZero();
        assertThat(epolls).as(Exercise.EPOLL.notDone(String.format("Your server opened %d Epoll sets: it needs one,"
                + " opened with the server and kept for its whole life.", epolls))).isEqualTo(1);
        try {
            await("the loop's first wait").atMost(Duration.ofSeconds(5))
                    .until(() -> running.stats().lastWaitTimeoutMillis() >= 0);
        } catch (ConditionTimeoutException e) {
            fail(Exercise.EPOLL.notDone("Your server's loop runs, but the server's Stats counted no wait: the Epoll"
                    + " set was opened with a Stats other than the server's own, so nothing it does is measured."
                    + " Open it as chapter 6 opens its Poll: new Epoll(stats, trace)."));
        }
    }

    @Test
    @Order(4)
    @Guards("a wake-up looks up no connection outside the events the wait returned")
    void aWakeUpWalksNoConnectionTable() throws IOException {
        AtomicReference<ConnectionTableWalks> table = new AtomicReference<>();
        try (RunningServer running = RunningServer.start(server -> table.set(ConnectionTableWalks.install(server)),
                "--quiet")) {
            List<Socket> idle = openIdle(running, IDLE);
            try {
                long before = table.get().visited();
                roundTrips(running, ROUND_TRIPS);
                long visited = table.get().visited() - before;
                assertThat(visited).as(Exercise.EPOLL.notDone(String.format("With %d idle connections open, %d round"
                        + " trips made your loop go through %,d entries of the connection table fd2conn (limit %d)."
                        + " A wait returns the ready connections, each with its Conn as the event's data: serve those,"
                        + " and walk no table to find them. The chapter 6 poll loop goes through the whole table at"
                        + " every iteration to build its list.", IDLE, ROUND_TRIPS, visited, ROUND_TRIPS)))
                        .isLessThanOrEqualTo(ROUND_TRIPS);
            } finally {
                closeAll(idle);
            }
        }
    }

    @Test
    @Order(5)
    @Guards("a wake-up serves every connection the wait reported ready")
    void aWakeUpServesEveryConnectionTheWaitReported() throws Exception {
        int clients = 100;
        long pollsBefore = Poll.opened();
        long epollsBefore = Epoll.opened();
        LoopHold hold = new LoopHold();
        // not --quiet: the loop is held in its log (LoopHold)
        try (RunningServer running = RunningServer.start(server -> { }, hold);
                Socket holder = Wire.connect(running.port())) {
            assertWaitsOnOneEpollSet(running, pollsBefore, epollsBefore);
            await("the server accepted the client that holds the loop").until(() -> running.stats().connections() == 1);
            List<Socket> sockets = openIdle(running, clients);
            try {
                // The count of waits below means something only if a quiet loop waits: one that
                // spins makes thousands whatever it serves.
                long quiet = running.stats().waits();
                try {
                    await("a quiet loop waits").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                            .until(() -> running.stats().waits() - quiet <= 10);
                } catch (ConditionTimeoutException e) {
                    fail(Exercise.EPOLL.notDone(String.format("Your loop spins: with nothing to do, it waited %,d times"
                            + " in a quiet second (limit 10). Wait with the timeout chapter 6 uses, pollTimeout(): a"
                            + " timeout of 0 returns at once, every time.", running.stats().waits() - quiet)));
                }
                // While the loop is held, every client sends one request: at the next wait, all of
                // them are ready at once.
                hold.hold(holder);
                for (int i = 0; i < clients; i++) {
                    Wire.send(sockets.get(i), bytes("ready " + i));
                }
                long waits = running.stats().waits();
                hold.release(holder);
                for (int i = 0; i < clients; i++) {
                    assertThatBytes(Wire.receive(sockets.get(i))).as("the answer to client %d", i)
                            .isEqualTo(bytes("ready " + i));
                }
                long woke = running.stats().waits() - waits;
                assertThat(woke).as(Exercise.EPOLL.notDone(String.format("%d clients were ready at the same wait, and"
                        + " your loop needed %d waits to answer them (limit 5). A wait returns every ready connection:"
                        + " serve each one before waiting again. A loop that serves one event per wait, counting on"
                        + " level-triggered readiness to bring the others back, pays a system call per connection.",
                        clients, woke))).isLessThanOrEqualTo(5);
            } finally {
                closeAll(sockets);
            }
        }
    }

    @Test
    @Order(6)
    @Guards("a connection whose write the socket took only in part waits for EPOLLOUT, then for EPOLLIN again")
    void aBlockedWriteSwitchesTheInterestToEpolloutAndBack() throws Exception {
        long pollsBefore = Poll.opened();
        long epollsBefore = Epoll.opened();
        byte[][] payloads = new byte[100][];
        Random random = new Random(11);
        Arrays.setAll(payloads, i -> Wire.randomPayload(random, 4096));
        ExecutorService writer = Executors.newSingleThreadExecutor();
        // The server's side of the connection gets a fixed 16 KiB send buffer, the client a 16 KiB
        // receive buffer, against 400 KB of responses: the server's writes must block.
        try (RunningServer running = RunningServer.accepting(listener -> {
            SocketChannel accepted = listener.accept();
            if (accepted != null) {
                accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            }
            return accepted;
        }, "--quiet"); Socket client = Wire.connectWithReceiveBuffer(running.port(), 16 * 1024)) {
            assertWaitsOnOneEpollSet(running, pollsBefore, epollsBefore);
            Stats stats = running.stats();
            long updates = stats.interestUpdates();
            Future<?> sending = writer.submit(() -> {
                client.getOutputStream().write(Wire.frames(payloads));
                return null;
            });
            await("a write of the server blocked on the client that does not read yet")
                    .until(() -> stats.writesBlocked() > 0);
            try {
                for (int i = 0; i < payloads.length; i++) {
                    assertThatBytes(Wire.receive(client)).as("response %d", i).isEqualTo(payloads[i]);
                }
                sending.get(10, TimeUnit.SECONDS);
                Wire.send(client, bytes("and one more"));
                assertThatBytes(Wire.receive(client)).as("the answer to a request after the others")
                        .isEqualTo(bytes("and one more"));
            } catch (IOException e) { // a read timeout, or an EOF: the idle timeout closes a connection left stalled
                fail(Exercise.EPOLL.notDone(String.format("%,d of your server's writes could not send everything,"
                        + " and then the responses stopped coming (%s). A connection whose write the socket took only"
                        + " in part goes to STATE_RES, and must wait for EPOLLOUT there (EPOLL_CTL_MOD), then for"
                        + " EPOLLIN again once it is back in STATE_REQ: a connection that only ever waits for EPOLLIN"
                        + " is never told that it may write again.", stats.writesBlocked(), e.getMessage())));
            }
            long made = stats.interestUpdates() - updates;
            assertThat(made).as(Exercise.EPOLL.notDone(String.format("%,d of your server's writes could not send"
                    + " everything, and your loop changed the connection's interest %d times: it must switch to"
                    + " EPOLLOUT when the connection enters STATE_RES, and back to EPOLLIN when it leaves it (at"
                    + " least 2). A connection that waits for both at once, or only ever for EPOLLIN, never"
                    + " changes.", stats.writesBlocked(), made))).isGreaterThanOrEqualTo(2);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    @Order(2)
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
    @Order(3)
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
    @Order(7)
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
    @Order(8)
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
    @Order(9)
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
    @Order(10)
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
        long open = running.stats().connections() + count;
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(Wire.connect(running.port()));
        }
        await("the server accepted every new connection").until(() -> running.stats().connections() == open);
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

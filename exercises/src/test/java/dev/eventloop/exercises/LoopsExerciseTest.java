package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static dev.eventloop.exercises.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exercise 5 (optional): {@code --loops N} runs N event loops, each on a thread of its own; the
 * first accepts and hands each connection to the loops in turn, as a task on the chosen loop's
 * queue followed by its wakeup; {@code execute} hands any task to a loop the same way.
 *
 * <p>Who did what is counted where the learner's code cannot go round it: each connection's
 * {@link CountedChannel} records the thread that set it up as its owner and counts a read, write
 * or close from any other thread; each loop's {@link Stats} does the same for the calls on its
 * {@link Epoll} or {@link Poll}, and counts its wakeups. No test times anything.
 */
@Timeout(120)
@Tag(Exercise.Tags.LOOPS)
@ExtendWith({StubCheck.class, GuardFailures.class, LoopThreadFailures.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the quick cases first: a wrong answer fails early
class LoopsExerciseTest {
    /** The server's wait timeout when nothing else is due: what a loop that nobody wakes waits out. */
    private static final long WAIT_TIMEOUT_MILLIS = 1000;

    @Test
    @Order(1)
    @Guards("with --loops 2, each loop owns 50 of 100 connections: the loops take them in turn")
    void twoLoopsOwnFiftyOfAHundredConnectionsEach() throws IOException {
        assertTheLoopsTakeTheConnectionsInTurn(2, 100);
    }

    @Test
    @Order(2)
    @Guards("with --loops 3, each loop owns 33 of 99 connections: no loop is skipped")
    void threeLoopsOwnThirtyThreeOfNinetyNineConnectionsEach() throws IOException {
        assertTheLoopsTakeTheConnectionsInTurn(3, 99);
    }

    private static void assertTheLoopsTakeTheConnectionsInTurn(int loops, int clients) throws IOException {
        try (RunningServer running = RunningServer.start("--quiet", "--loops", String.valueOf(loops))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                connectAndRoundTrip(running, clients, sockets);
                assertNoCallFromAnotherThread(running.server.statsOfEveryLoop());
                Map<Thread, Long> owners = owners(running);
                List<Long> perLoop = owners.values().stream().sorted(Collections.reverseOrder()).toList();
                List<Long> even = Collections.nCopies(loops, (long) (clients / loops));
                assertThat(perLoop).as(Exercise.LOOPS.notDone(String.format("With --loops %d, %d clients connected one"
                        + " after the other, and their connections were set up by %d thread(s), owning %s of them."
                        + " Each loop should own %d: the first loop accepts, and hands each new connection to the"
                        + " next loop in turn, itself included, every loop once before any loop twice.%s",
                        loops, clients, owners.size(), perLoop, clients / loops, owners.size() < loops
                                ? " A loop that owns none was never started, or never handed a connection." : "")))
                        .isEqualTo(even);
            } finally {
                closeAll(sockets);
            }
        }
    }

    @Test
    @Order(3)
    @Guards("every read, write, close, epoll_ctl and epoll_wait comes from the thread of the loop that owns the connection"
            + " or the set")
    void everyCallOnAConnectionOrAnEpollSetComesFromTheLoopThatOwnsIt() throws IOException {
        List<Stats> loops;
        try (RunningServer running = RunningServer.start("--quiet", "--loops", "2")) {
            loops = running.server.statsOfEveryLoop();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    sockets.add(Wire.connect(running.port()));
                }
                // three requests in one write, then the answers: reads, writes and state changes on its loop
                for (Socket socket : sockets) {
                    socket.getOutputStream().write(Wire.frames(bytes("one"), bytes("two"), bytes("three")));
                }
                for (Socket socket : sockets) {
                    for (String text : List.of("one", "two", "three")) {
                        assertThatBytes(Wire.receive(socket)).as("the answer to %s", text).isEqualTo(bytes(text));
                    }
                }
                assertOwnedByLoops(running, 2);
            } finally {
                closeAll(sockets); // each loop sees EOF, and closes its connections itself
            }
            await("the server closed the connections of the clients that left")
                    .until(() -> loops.stream().mapToLong(Stats::openChannels).sum() == 0);
        }
        assertNoCallFromAnotherThread(loops);
    }

    @Test
    @Order(4)
    @Guards("a loop handed a connection is woken, not left to wait out its timeout")
    void aLoopThatIsHandedAConnectionIsWokenRatherThanWaitingOutItsTimeout() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet", "--loops", "2")) {
            Stats second = running.server.statsOfEveryLoop().get(1);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) { // every second one goes to the second loop, in a wait or between two
                    Socket socket = Wire.connect(running.port());
                    sockets.add(socket);
                    roundTrip(socket, "hello " + i);
                }
                assertOwnedByLoops(running, 2);
            } finally {
                closeAll(sockets);
            }
            long wakeUps = second.wakeUps();
            assertThat(wakeUps).as(Exercise.LOOPS.notDone(String.format("Five connections were handed to the second"
                    + " loop, and nothing woke it: %d wakeup calls on its poller. A task in its queue does not end a wait"
                    + " in progress: the loop served each connection only when its wait timed out, up to %d ms later. A"
                    + " task queued for a loop is followed by that loop's wakeup(), so that its wait returns at once.",
                    wakeUps, WAIT_TIMEOUT_MILLIS))).isPositive();
        }
    }

    @Test
    @Order(5)
    @Guards("execute(task) runs the task on the loop's thread, and wakes the loop to do so")
    void executeRunsATaskOnTheLoopThread() throws Exception {
        try (RunningServer running = RunningServer.start("--quiet")) {
            Stats stats = running.stats();
            await("the loop is waiting").until(() -> stats.waits() > 0);
            try (Socket socket = Wire.connect(running.port())) {
                roundTrip(socket, "hello"); // the loop's thread is now known: it owns this connection
            }
            Thread loop = owners(running).keySet().iterator().next();
            long wakeUpsBefore = stats.wakeUps();
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            try {
                running.server.execute(() -> ran.complete(Thread.currentThread()));
            } catch (UnsupportedOperationException e) {
                fail(Exercise.LOOPS.notDone("execute(task) threw: " + e.getMessage()));
            }
            Thread thread = taskResult(ran, "a task handed to an idle loop with execute");
            assertThat(thread).as(Exercise.LOOPS.notDone(String.format("execute(task) ran the task on thread %s, not on"
                    + " the loop's (%s). A task runs on the loop's own thread, which alone may touch its connections.",
                    thread.getName(), loop.getName()))).isSameAs(loop);
            assertThat(stats.wakeUps() - wakeUpsBefore).as(Exercise.LOOPS.notDone("execute(task) did not wake the loop,"
                    + " which waited out its timeout before it ran the task. Queue the task, then call the poller's"
                    + " wakeup().")).isPositive();
        }
    }

    @Test
    @Order(6)
    @Guards("a queued task runs at the loop's next iteration, even while every wait returns events")
    void aQueuedTaskRunsAtTheNextIterationEvenWhileEveryWaitReturnsEvents() throws Exception {
        LoopHold hold = new LoopHold();
        // not --quiet: the hold works through the log line of the request that holds the loop
        try (RunningServer running = RunningServer.start(server -> { }, hold);
                Socket holder = Wire.connect(running.port());
                Flood flood = Flood.connect(running.port())) {
            Stats stats = running.stats();
            await("the server accepted the two clients").until(() -> stats.connections() == 2);
            hold.hold(holder);
            long queued = flood.fill(); // many turns of reading, each wait reports the flood ready
            long waitsWhenQueued = stats.waits();
            CompletableFuture<Long> ranAfterWaits = new CompletableFuture<>();
            try {
                running.server.execute(() -> ranAfterWaits.complete(stats.waits()));
            } catch (UnsupportedOperationException e) {
                hold.release(holder);
                fail(Exercise.LOOPS.notDone("execute(task) threw: " + e.getMessage()));
            }
            hold.release(holder);
            CompletableFuture<Void> answers = flood.finishAndReadAnswers();
            long waitsBeforeTask = taskResult(ranAfterWaits, "a task queued while a flood kept the loop busy")
                    - waitsWhenQueued;
            answers.get(60, TimeUnit.SECONDS);
            long turns = queued / (Server.READS_PER_WAKE_UP * Options.BOOK_BUFFER);
            assertThat(turns).as("turns of reading the flood queued for the loop: more than two, or this test proves"
                    + " nothing").isGreaterThan(2);
            assertThat(waitsBeforeTask).as(Exercise.LOOPS.notDone(String.format("A task was queued while the loop was"
                    + " busy (%,d bytes of a flood waiting, %d turns of reading at least), and the loop made %d waits"
                    + " before it ran the task (limit 1). Every wait returned the flood's event: a loop that runs its"
                    + " tasks only after a wait that returned nothing runs them only when it is idle. Run the queued"
                    + " tasks every iteration.", queued, turns, waitsBeforeTask))).isLessThanOrEqualTo(1);
        }
    }

    @Test
    @Order(7)
    @Guards("close() stops every loop, and each closes its connections and its poller")
    void closeStopsEveryLoopAndClosesEveryConnectionAndPoller() throws IOException {
        // an idle timeout far beyond the test: only close() may end a connection
        RunningServer running = RunningServer.start("--quiet", "--loops", "3", "--idle-timeout", "3600000");
        int port = running.port();
        List<Stats> loops = running.server.statsOfEveryLoop();
        List<Socket> sockets = new ArrayList<>();
        Map<Thread, Long> owners;
        try {
            connectAndRoundTrip(running, 30, sockets);
            owners = assertOwnedByLoops(running, 3);
            running.close();
            for (Socket socket : sockets) {
                assertThat(socket.getInputStream().read()).as(Exercise.LOOPS.notDone("After close(), a client of the"
                        + " server was still connected: its read did not see the end of the stream. close() stops every"
                        + " loop, and each loop closes its own connections.")).isEqualTo(-1);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(Exercise.LOOPS.notDone("After close(), a client of the server waited "
                    + Wire.READ_TIMEOUT_MILLIS / 1000 + " s for its connection to end, and it did not. close() stops every"
                    + " loop, and each loop closes its own connections."), e);
        } finally {
            closeAll(sockets);
            running.close();
        }
        List<String> alive = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> owners.keySet().stream().noneMatch(Thread::isAlive));
        } catch (ConditionTimeoutException e) {
            owners.keySet().stream().filter(Thread::isAlive).forEach(t -> alive.add(t.getName()));
        }
        assertThat(alive).as(Exercise.LOOPS.notDone(String.format("close() returned, and the threads of %d loops still"
                + " ran 10 s later: %s. close() stops every loop, and waits until each has closed its connections.",
                alive.size(), alive))).isEmpty();
        Map<String, Long> open = new TreeMap<>();
        for (int i = 0; i < loops.size(); i++) {
            open.put("loop " + (i + 1) + ": connections", loops.get(i).openChannels());
            open.put("loop " + (i + 1) + ": pollers", loops.get(i).openPollers());
        }
        assertThat(open.values().stream().mapToLong(Long::longValue).sum()).as(Exercise.LOOPS.notDone(
                "After close(), descriptors of the server were still open: " + open
                        + ". Each loop closes its connections and its poller as it stops.")).isZero();
        try (ServerSocketChannel again = ServerSocketChannel.open()) {
            again.bind(new InetSocketAddress("127.0.0.1", port)); // the listener is closed: its port is free
        }
    }

    /**
     * The threads that own the server's connections, with how many each, over every loop's counters:
     * a connection's owner is the thread that set it up (made its {@link CountedChannel}).
     */
    private static Map<Thread, Long> owners(RunningServer running) {
        return running.server.statsOfEveryLoop().stream().flatMap(s -> s.owners().entrySet().stream())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum));
    }

    /** Fails, saying what to do, unless no connection or poller was called from a thread other than its owner's. */
    private static void assertNoCallFromAnotherThread(List<Stats> loops) {
        long calls = loops.stream().mapToLong(Stats::callsFromAnotherThread).sum();
        String first = loops.stream().map(Stats::firstCallFromAnotherThread).filter(c -> c != null).findFirst().orElse("");
        assertThat(calls).as(Exercise.LOOPS.notDone(String.format("%d calls on a connection or an epoll set came from a"
                + " thread other than the loop that owns it; the first: %s. A loop owns its connections and its epoll"
                + " set: only its thread sets up, reads, writes, registers or closes them, and no lock is needed."
                + " Another thread hands the loop a task instead (execute), which the loop runs on its own thread.",
                calls, first))).isZero();
    }

    /** Fails, saying what to do, unless the server's connections were set up by exactly {@code loops} threads. */
    private static Map<Thread, Long> assertOwnedByLoops(RunningServer running, int loops) {
        Map<Thread, Long> owners = owners(running);
        assertThat(owners.size()).as(Exercise.LOOPS.notDone(String.format("With --loops %d, the server's connections"
                + " were set up by %d thread(s): %s. Each loop runs on a thread of its own, and the first hands the"
                + " connections it accepts to every loop in turn.", loops, owners.size(), owners.entrySet().stream()
                        .map(e -> e.getValue() + " by " + e.getKey().getName()).toList()))).isEqualTo(loops);
        return owners;
    }

    private static <T> T taskResult(CompletableFuture<T> task, String what) throws InterruptedException,
            ExecutionException {
        try {
            return task.get(Wire.READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(Exercise.LOOPS.notDone(what + " had not run " + Wire.READ_TIMEOUT_MILLIS / 1000
                    + " s later. The loop runs the tasks in its queue every iteration."));
        }
    }

    /**
     * Connects {@code clients} clients, adding them to {@code sockets}, then makes one round trip on each: all
     * requests first, then all answers, so that a loop that is slow to serve its connections holds up the test once.
     */
    private static void connectAndRoundTrip(RunningServer running, int clients, List<Socket> sockets)
            throws IOException {
        for (int i = 0; i < clients; i++) {
            sockets.add(Wire.connect(running.port()));
        }
        for (int i = 0; i < clients; i++) {
            Wire.send(sockets.get(i), bytes("hello " + i));
        }
        for (int i = 0; i < clients; i++) {
            try {
                assertThatBytes(Wire.receive(sockets.get(i))).as("the answer to hello %d", i)
                        .isEqualTo(bytes("hello " + i));
            } catch (SocketTimeoutException e) {
                // a loop whose table another thread changed may have died of it: that is the cause to report
                assertNoCallFromAnotherThread(running.server.statsOfEveryLoop());
                throw new AssertionError(Exercise.LOOPS.notDone(String.format("%d clients connected and sent one request"
                        + " each. A client got no answer within %d s (client %d): its connection went to a loop that"
                        + " does not serve it. A loop serves the connections handed to it once its thread runs, and"
                        + " runs the tasks in its queue every iteration.", clients, Wire.READ_TIMEOUT_MILLIS / 1000,
                        i + 1)), e);
            }
        }
    }

    private static void roundTrip(Socket socket, String text) throws IOException {
        Wire.send(socket, bytes(text));
        assertThatBytes(Wire.receive(socket)).as("the answer to %s", text).isEqualTo(bytes(text));
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exercise 4 (optional): a connection that shows no IO readiness for the idle timeout is closed;
 * the wait's timeout is the nearest deadline; expiring costs work in proportion to the
 * connections that expire.
 *
 * <p>The server's clock is replaced by one the test moves by hand ({@code Server.useClock}), so
 * no test waits for a timeout to pass: "5 seconds later" is one assignment. Real time only bounds
 * how long a test waits for the loop to get there.
 */
@Timeout(120)
@Tag(Exercise.Tags.IDLE_TIMEOUT)
@ExtendWith({StubCheck.class, GuardFailures.class, LoopThreadFailures.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the quick cases first: a wrong answer fails early
class IdleTimeoutExerciseTest {
    /** The specification's default: 5 seconds without IO readiness. */
    private static final long DEFAULT_TIMEOUT_MILLIS = 5000;
    /**
     * Where the hand-moved clock starts: any value will do, 0 included. This one is not a whole
     * second, so that a loop that looks at its deadlines only when the clock's second changes
     * cannot pass by luck.
     */
    private static final long START = 1_234_567;

    private final AtomicLong now = new AtomicLong(START);

    @Test
    @Order(1)
    @Guards("connections idle for the timeout are closed at the next wake-up, and active ones are kept")
    void closesConnectionsIdleForTheTimeoutAndKeepsActiveOnes() throws IOException {
        try (RunningServer running = start()) { // no --idle-timeout: the default, 5 s
            // the active client connects first, so that accept order is not activity order
            try (Socket active = Wire.connect(running.port());
                    Socket silent = Wire.connect(running.port());
                    Socket halfHeader = Wire.connect(running.port())) {
                halfHeader.getOutputStream().write(new byte[] {5, 0}); // 2 of a header's 4 bytes, then nothing
                await("the server accepted the three clients and read the half header")
                        .until(() -> running.stats().connections() == 3 && running.stats().bytesRead() == 2);
                roundTrip(running, active, "at 0 s");

                now.set(START + 3000);
                roundTrip(running, active, "at 3 s");
                roundTrip(running, active, "at 3 s, again"); // the loop has finished the iteration of the one before
                assertThat(running.stats().connections())
                        .as(Exercise.IDLE_TIMEOUT.notDone("After 3 s of a 5 s idle timeout, a connection was closed"
                                + " already: " + running.logExcerpt()))
                        .isEqualTo(3);

                // a wake-up 10 ms before silent and halfHeader are due, in the same second of the clock
                now.set(START + DEFAULT_TIMEOUT_MILLIS - 10);
                roundTrip(running, active, "at 4.99 s");
                roundTrip(running, active, "at 4.99 s, again"); // the loop has finished the iteration of the one before
                // silent and halfHeader: idle for exactly the timeout, which is enough; active: for 2 s
                now.set(START + DEFAULT_TIMEOUT_MILLIS);
                roundTrip(running, active, "at 5 s");
                roundTrip(running, active, "at 5 s, again"); // the loop has finished the iteration of the one before
                assertThat(running.stats().connections())
                        .as(Exercise.IDLE_TIMEOUT.notDone("At 5 s on the server's clock, with a 5 s timeout, two clients"
                                + " idle since they connected were still open after two wake-ups, which must each end by"
                                + " closing the connections that are due (idle for exactly the timeout is due). The log: "
                                + running.logExcerpt()))
                        .isEqualTo(1);
                awaitClosed(silent, "a client that connected and sent nothing, idle for 5 s", running);
                awaitClosed(halfHeader, "a client that sent half a header, idle for 5 s", running);
                roundTrip(running, active, "at 5 s, after the others were closed");
                assertThat(running.log.stream().filter(line -> line.startsWith("idle timeout")).count())
                        .as("one log line that starts with \"idle timeout\" per connection closed for it; the log: %s",
                                running.logExcerpt())
                        .isEqualTo(2);
                assertThat(running.stats().connections()).as("connections left: the active one").isEqualTo(1);
            }
        }
    }

    @Test
    @Order(4)
    @Guards("a client that reads its responses slowly but steadily is not idle")
    void aClientThatReadsSlowlyButSteadilyIsNotIdle() throws Exception {
        int responses = 200;
        int payloadSize = 4000;
        Acceptor smallSendBuffers = listener -> {
            SocketChannel accepted = listener.accept();
            if (accepted != null) {
                accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024); // writes block early
                accepted.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20); // requests wait here, not in the client
            }
            return accepted;
        };
        // Big buffers: one read brings many requests, so the server writes for a long time between
        // two reads. The client reads slowly; the server's clock moves 500 ms each time the server
        // has written more: steady progress, but hardly ever a read.
        try (RunningServer running = start(smallSendBuffers, "--quiet", "--idle-timeout", "5000", "--rbuf", "1048576",
                "--wbuf", "1048576");
                Socket silent = Wire.connect(running.port());
                Socket slow = Wire.connectWithReceiveBuffer(running.port(), 8 * 1024)) {
            Random random = new Random(4);
            List<byte[]> payloads = new ArrayList<>();
            ByteArrayOutputStream requests = new ByteArrayOutputStream();
            for (int i = 0; i < responses; i++) {
                byte[] payload = Wire.randomPayload(random, payloadSize);
                payloads.add(payload);
                requests.writeBytes(Wire.encode(payload));
            }
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    slow.getOutputStream().write(requests.toByteArray()); // blocks while the server does not read
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Stats stats = running.stats();
            long longestWithoutReads = 0; // in clock milliseconds
            long readsBefore = stats.reads();
            long writtenBefore = stats.bytesWritten();
            long sinceARead = 0;
            for (int i = 0; i < responses; i++) {
                byte[] response;
                try {
                    response = Wire.receive(slow);
                } catch (IOException e) {
                    fail(Exercise.IDLE_TIMEOUT.notDone(String.format("A client that read its responses slowly was"
                            + " closed after %d of %d, %d ms into the test on the server's clock (%s), though the"
                            + " server had written to it at least every 500 ms. Readiness in either direction is"
                            + " activity, not only a request. The log: %s", i, responses, now.get() - START, e,
                            running.logExcerpt())));
                    return;
                }
                assertThatBytes(response).as("response %d", i).isEqualTo(payloads.get(i));
                long written = stats.bytesWritten();
                if (written > writtenBefore) { // progress: let 500 ms pass on the server's clock
                    writtenBefore = written;
                    now.addAndGet(500);
                    long reads = stats.reads();
                    sinceARead = reads == readsBefore ? sinceARead + 500 : 0;
                    longestWithoutReads = Math.max(longestWithoutReads, sinceARead);
                    readsBefore = reads;
                }
            }
            sending.get();
            // the case this test is about must have happened: a long stretch of writes and no reads
            assertThat(longestWithoutReads)
                    .as("the longest stretch, in clock milliseconds, in which the server wrote but did not read;"
                            + " more than the 5000 ms timeout, or this test proves nothing")
                    .isGreaterThan(DEFAULT_TIMEOUT_MILLIS);
            // and all the while the timer worked: the silent client, idle since the start, is gone
            roundTrip(running, slow, "after the responses");
            roundTrip(running, slow, "again"); // so the iteration of the one before is over, expiry included
            assertThat(running.log.stream().filter(line -> line.startsWith("idle timeout")).count())
                    .as(Exercise.IDLE_TIMEOUT.notDone(String.format("%d ms into the test on the server's clock, with a"
                            + " 5000 ms timeout, the server should have closed one connection for it, the client that"
                            + " connected first and never sent anything, and no other. The log: %s", now.get() - START,
                            running.logExcerpt())))
                    .isEqualTo(1);
            assertThat(Wire.closedByPeer(silent)).as("the silent client sees its connection closed").isTrue();
        }
    }

    @SuppressWarnings("try") // a connection only needs to be open to have a deadline
    @Test
    @Order(3)
    @Guards("the wait lasts until the nearest idle deadline, and no longer")
    void theWaitLastsUntilTheNearestDeadline() throws IOException {
        try (RunningServer running = start("--idle-timeout", "5000")) {
            try (Socket silent = Wire.connect(running.port())) {
                await("the server accepted the client").until(() -> running.stats().connections() == 1);
                // Nothing is due for 5 s: the loop has no reason to wake up within the next second.
                long waits = running.stats().waits();
                await("the loop waited twice more").until(() -> running.stats().waits() > waits + 1);
                long quiet = running.stats().lastWaitTimeoutMillis();
                assertThat(quiet < 0 || quiet >= 1000)
                        .as(Exercise.IDLE_TIMEOUT.notDone(String.format("With one connection and 5 s before its"
                                + " deadline, your loop waited with a timeout of %d ms. Nothing is due for 5 s on"
                                + " the server's clock: wait at least the book's 1000 ms (or longer). A short fixed"
                                + " tick does this, waking an idle server over and over for nothing; so does a"
                                + " deadline reckoned on another clock than the server's `clock`"
                                + " (System.currentTimeMillis() or System.nanoTime(), which this test does not"
                                + " move).", quiet)))
                        .isTrue();

                now.set(START + 4990); // the deadline is 10 ms away
                try (Socket other = Wire.connect(running.port())) { // an accept wakes the loop up
                    await("the server accepted the second client").until(() -> running.stats().connections() == 2);
                    try {
                        await("a wait with a timeout of at most 10 ms").atMost(Duration.ofSeconds(5))
                                .until(() -> running.stats().lastWaitTimeoutMillis() >= 0
                                && running.stats().lastWaitTimeoutMillis() <= 10);
                    } catch (ConditionTimeoutException e) {
                        fail(Exercise.IDLE_TIMEOUT.notDone(String.format("10 ms before a connection's idle deadline,"
                                + " your loop waited with a timeout of %d ms. The wait's timeout must be the time"
                                + " left until the nearest deadline (the least recently active connection's), so"
                                + " that the connection is closed on time; and that time is reckoned on the"
                                + " server's `clock`, which this test moves, not on System.currentTimeMillis() or"
                                + " System.nanoTime().", running.stats().lastWaitTimeoutMillis())));
                    }
                }
            }
        }
    }

    @Test
    @Order(5)
    @Guards("expiring looks only at the connections that are due, and the one after them")
    void expiringExaminesOnlyTheConnectionsThatExpire() throws IOException {
        int idle = 1000;
        int roundTrips = 100;
        try (RunningServer running = start("--quiet", "--idle-timeout", "5000")) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < idle; i++) {
                    sockets.add(Wire.connect(running.port()));
                }
                await("the server accepted every idle connection").atMost(Duration.ofSeconds(60))
                        .until(() -> running.stats().connections() == idle);
                now.set(START + 1000);
                try (Socket active = Wire.connect(running.port())) {
                    Stats stats = running.stats();
                    roundTrip(running, active, "first");
                    long checks = stats.idleChecks();
                    long waits = stats.waits();
                    for (int i = 0; i < roundTrips; i++) {
                        now.addAndGet(30); // 3 s of the clock in all, crossing whole seconds: nothing gets due
                        roundTrip(running, active, "round trip " + i);
                    }
                    long checked = stats.idleChecks() - checks;
                    long woke = stats.waits() - waits;
                    long limit = 3 * woke + 10;
                    assertThat(checked)
                            .as(Exercise.IDLE_TIMEOUT.notDone(String.format("With %d idle connections that are not"
                                    + " due yet and one active client, %d round trips (%d wake-ups, over 3 s of the"
                                    + " server's clock) made your loop look at %,d connections' idle deadlines (limit"
                                    + " %d: a few per wake-up).%nKeep the connections in order of last activity:"
                                    + " then only the front one can be due, and a wake-up looks at it and stops. A"
                                    + " sweep of every connection, even once a second, looks at all of them.", idle,
                                    roundTrips, woke, checked, limit)))
                            .isLessThanOrEqualTo(limit);

                    // every idle one is due; active, last active at START + 1000, is not (a wake-up may
                    // come before the next request, and must not find it due)
                    now.set(START + DEFAULT_TIMEOUT_MILLIS + 1);
                    long checksBefore = stats.idleChecks();
                    long waitsBefore = stats.waits();
                    roundTrip(running, active, "after the idle ones are due");
                    roundTrip(running, active, "again"); // the loop has finished the iteration of the one before
                    assertThat(stats.connections()).as(Exercise.IDLE_TIMEOUT.notDone(String.format("%d connections"
                            + " idle for longer than the 5 s timeout were still open after two wake-ups, which must each"
                            + " end by closing the connections that are due; %d connections are open.", idle,
                            stats.connections()))).isEqualTo(1);
                    long expiring = stats.idleChecks() - checksBefore;
                    long expiringLimit = idle + 3 * (stats.waits() - waitsBefore) + 10;
                    assertThat(expiring)
                            .as(Exercise.IDLE_TIMEOUT.notDone(String.format("Closing %d idle connections made"
                                    + " your loop look at %,d connections' idle deadlines (limit %d: each one that"
                                    + " expires once, and a few per wake-up).", idle, expiring, expiringLimit)))
                            .isLessThanOrEqualTo(expiringLimit);
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    @SuppressWarnings("try") // the silent and the leaving clients only need to connect
    @Test
    @Order(2)
    @Guards("a connection its client closed is not timed out later")
    void aConnectionItsClientClosedIsNotTimedOutLater() throws IOException {
        try (RunningServer running = start("--idle-timeout", "5000");
                Socket active = Wire.connect(running.port());
                Socket silent = Wire.connect(running.port())) {
            try (Socket leaving = Wire.connect(running.port())) {
                await("the server accepted the three clients").until(() -> running.stats().connections() == 3);
            } // the client closes it: EOF
            await("the server closed the connection whose client left").until(() -> running.stats().connections() == 2);
            // in steps shorter than the timeout, so that active is never due, whenever the loop wakes up
            now.set(START + 4000);
            roundTrip(running, active, "4 s later");
            now.set(START + 8000); // leaving and silent would be due now
            roundTrip(running, active, "8 s later");
            roundTrip(running, active, "again"); // so the iteration of the one before is over, expiry included
            long timedOut = running.log.stream().filter(line -> line.startsWith("idle timeout")).count();
            assertThat(timedOut).as(Exercise.IDLE_TIMEOUT.notDone("At 8 s on the server's clock, with a 5 s timeout, a"
                    + " client that connected and sent nothing was still open after two wake-ups: nothing timed it"
                    + " out. The log: " + running.logExcerpt())).isPositive();
            assertThat(timedOut).as(Exercise.IDLE_TIMEOUT.notDone("A connection its client had closed (and the server"
                    + " had destroyed) was timed out later, beside the silent one: a destroyed connection must leave the"
                    + " idle structure too. The log: " + running.logExcerpt())).isEqualTo(1);
        }
    }

    @Test
    @Order(7)
    @Guards("a connection that ended leaves the idle structure at once, however far from due it was")
    void aConnectionThatEndedIsForgottenAtOnce() throws IOException {
        int churned = 200;
        List<WeakReference<SocketChannel>> accepted = Collections.synchronizedList(new ArrayList<>());
        Acceptor remembering = listener -> {
            SocketChannel channel = listener.accept();
            if (channel != null) {
                accepted.add(new WeakReference<>(channel));
            }
            return channel;
        };
        try (RunningServer running = start(remembering, "--quiet", "--idle-timeout", "5000");
                Socket silent = Wire.connect(running.port())) {
            await("the server accepted the silent client").until(() -> running.stats().connections() == 1);
            // 200 clients come, ask, and leave, behind the silent one, which is far from due
            for (int i = 0; i < churned; i++) {
                try (Socket client = Wire.connect(running.port())) {
                    roundTrip(running, client, "passing through " + i);
                }
            }
            await("the server closed every connection whose client left")
                    .until(() -> running.stats().connections() == 1);
            // Nothing of a closed connection may stay reachable: its socket, its Conn, its buffers. A
            // few may wait for the loop's next wait (the last wait's events still name them).
            List<WeakReference<SocketChannel>> left = accepted.subList(1, accepted.size());
            try {
                await("the closed connections can be collected").atMost(Duration.ofSeconds(10)).until(() -> {
                    System.gc();
                    return held(left) <= 5;
                });
            } catch (ConditionTimeoutException e) {
                fail(Exercise.IDLE_TIMEOUT.notDone(String.format("%d clients came, asked and left while a silent one"
                        + " was far from due; the server closed their connections, and still holds %d of them, buffers"
                        + " and all (limit 5). A destroyed connection must leave the idle structure at once, in"
                        + " destroy: one left there until the expiry reaches it stays as long as the connections in"
                        + " front of it, for ever behind a client that is never due.", churned, held(left))));
            }
            // and the silent one is still timed out
            now.set(START + DEFAULT_TIMEOUT_MILLIS);
            try (Socket waker = Wire.connect(running.port())) {
                roundTrip(running, waker, "at 5 s");
                roundTrip(running, waker, "at 5 s, again"); // the loop has finished the iteration of the one before
                assertThat(running.stats().connections()).as(Exercise.IDLE_TIMEOUT.notDone("At 5 s on the server's"
                        + " clock, with a 5 s timeout, a client that connected and sent nothing was still open after"
                        + " two wake-ups: nothing timed it out. The log: " + running.logExcerpt())).isEqualTo(1);
            }
            awaitClosed(silent, "a client that connected and sent nothing, idle for 5 s", running);
        }
    }

    private static long held(List<WeakReference<SocketChannel>> channels) {
        synchronized (channels) {
            return channels.stream().filter(channel -> channel.get() != null).count();
        }
    }

    @Test
    @Order(6)
    @Guards("a client that floods is not idle after its turn")
    void aClientThatFloodsIsNotIdleAfterItsTurn() throws Exception {
        // Here the server's clock moves one millisecond per read, on any connection: a turn of 16
        // reads lasts 16 ms of it, longer than the 10 ms timeout. A connection is idle only if it
        // was not served for the timeout, so one that has just had a long turn is not.
        LoopHold hold = new LoopHold();
        Consumer<Server> clockOfReads = server -> server.useClock(() -> START + server.stats().reads());
        // not --quiet: the loop is held in its log (LoopHold)
        try (RunningServer running = RunningServer.start(clockOfReads, hold, "--idle-timeout", "10");
                Socket holder = Wire.connect(running.port());
                Flood flood = Flood.connect(running.port())) {
            await("the server accepted both clients").until(() -> running.stats().connections() == 2);
            hold.hold(holder);
            long queued = flood.fill(); // many turns' worth, waiting in the kernel when the loop goes on
            hold.release(holder);
            try {
                flood.finishAndReadAnswers().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                fail(Exercise.IDLE_TIMEOUT.notDone(String.format("A client that had sent %,d bytes of requests at once"
                        + " was cut off while the server was answering them (%s). On this test's clock each read"
                        + " takes 1 ms, so a turn of 16 reads lasts longer than the 10 ms timeout: touch a connection"
                        + " after serving it, not before, or the very client the loop is busy with looks idle. The"
                        + " log: %s", queued, e.getCause().getMessage(), Flood.logWithoutFlood(running.log))));
            }
            // and the loop's timer kept working while the flood was served: the holder, silent since its
            // request, was due after the flood's first turn, many wake-ups ago
            assertThat(running.stats().connections()).as(Exercise.IDLE_TIMEOUT.notDone("While one client flooded"
                    + " the server, another one stayed silent for far longer than the 10 ms timeout (on this test's"
                    + " clock of one millisecond per read) and was not closed: the expiry must run at every wake-up,"
                    + " busy or not. The log: " + Flood.logWithoutFlood(running.log))).isEqualTo(1);
            awaitClosed(holder, "a client silent since its first request, while another flooded", running);
        }
    }

    /** A server on the test's clock. */
    private RunningServer start(String... args) throws IOException {
        return start(ServerSocketChannel::accept, args);
    }

    /** A server on the test's clock, accepting each connection with {@code acceptor}. */
    private RunningServer start(Acceptor acceptor, String... args) throws IOException {
        return RunningServer.accepting(acceptor, server -> server.useClock(now::get), args);
    }

    /** A request and its answer, on a connection that must stay open; if it does not, the log says why. */
    private static void roundTrip(RunningServer running, Socket socket, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        try {
            Wire.send(socket, payload);
            assertThatBytes(Wire.receive(socket)).as("the answer to \"%s\"", text).isEqualTo(payload);
        } catch (IOException e) {
            fail(Exercise.IDLE_TIMEOUT.notDone(String.format("A connection that was not idle failed at \"%s\" (%s).%s"
                    + " The log: %s", text, e, timedOutAgain(running), running.logExcerpt())));
        }
    }

    /** What the log says if the server timed out more connections than it ever accepted, or nothing. */
    private static String timedOutAgain(RunningServer running) {
        long timeouts = running.log.stream().filter(line -> line.startsWith("idle timeout")).count();
        long accepted = running.stats().acceptAttempts(); // at least as many as it accepted
        return timeouts <= accepted ? "" : String.format(" The server logged %,d \"idle timeout\" lines, though it"
                + " accepted at most %d connections: it timed the same connection out again and again.", timeouts, accepted);
    }

    /** Waits for the server to close {@code socket}: its next read sees EOF (or a reset). */
    private static void awaitClosed(Socket socket, String who, RunningServer running) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        try {
            int b = in.read();
            assertThat(b).as("%s: the server closes the connection, sending nothing", who).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            fail(Exercise.IDLE_TIMEOUT.notDone(String.format("%s was not closed within 10 s of real time after its"
                    + " 5 s idle timeout had passed on the server's clock. The log: %s", who, running.logExcerpt())));
        } catch (IOException reset) {
            // a reset is a close too
        }
    }
}

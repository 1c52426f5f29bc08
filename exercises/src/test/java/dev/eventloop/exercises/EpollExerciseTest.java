package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
                // each round trip: one read that brings the request, one that finds nothing (EAGAIN)
                assertThat(reads)
                        .as(Exercise.EPOLL.notDone(String.format(
                                "With %d idle connections open, %d round trips cost your loop %,d read calls (limit"
                                        + " %d: about 2 per round trip). A wake-up must run the state machine of the"
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

package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the loop does when {@code accept} fails ("Too many open files") or a new connection's
 * setup does, simulated through the package-private {@code Server.open} that takes an {@link Acceptor}. {@link HardeningTest} shows the loop
 * survives an episode; these pin down the pause, the log lines and the failed connection.
 */
@Timeout(30)
@ExtendWith(LoopThreadFailures.class)
class AcceptFailuresTest {
    private static final String TOO_MANY = "Too many open files";

    @SuppressWarnings("try") // the waiting client only needs to be in the backlog
    @Test
    void whileAcceptKeepsFailingTheLoopRetriesOncePerPauseAndWaitsInBetween() throws IOException {
        try (RunningServer running = RunningServer.accepting(listener -> {
            throw new IOException(TOO_MANY);
        }, "--quiet"); Socket waiting = Wire.connect(running.port())) { // stays in the backlog
            await().until(() -> running.stats().acceptAttempts() > 0);
            long start = System.nanoTime();
            long attempts = running.stats().acceptAttempts();
            long waits = running.stats().waits();

            // Nothing else happens on this server: only the pause ends each wait. Each retry comes
            // ACCEPT_BACKOFF_MILLIS (100 ms) after the last, so 5 take about half a second; the
            // generous bound is what a pause of the poll timeout (1000 ms) would break.
            await("5 more accept attempts").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                    .until(() -> running.stats().acceptAttempts() >= attempts + 5);
            long millis = (System.nanoTime() - start) / 1_000_000;
            long waited = running.stats().waits() - waits;

            assertThat(millis).as("5 retries, each a whole pause after the one before")
                    .isGreaterThanOrEqualTo(4 * Server.ACCEPT_BACKOFF_MILLIS);
            assertThat(waited).as("waits for 5 retries: a loop that waits 0 ms while paused spins through"
                    + " thousands").isLessThanOrEqualTo(50);
        }
    }

    @Test
    void anOrdinaryAcceptLogsNothingAndAnEpisodeLogsItsStartAndItsEndOnce() throws IOException {
        AtomicBoolean outOfDescriptors = new AtomicBoolean();
        try (RunningServer running = RunningServer.accepting(listener -> {
            if (outOfDescriptors.get()) {
                throw new IOException(TOO_MANY);
            }
            return listener.accept();
        }, "--quiet"); Socket first = Wire.connect(running.port())) {
            roundTrip(first, "an ordinary accept");

            outOfDescriptors.set(true);
            long attempts = running.stats().acceptAttempts();
            try (Socket second = Wire.connect(running.port())) {
                await().until(() -> running.stats().acceptAttempts() > attempts + 1); // failed twice at least
                outOfDescriptors.set(false);
                roundTrip(second, "accepted after the episode");
            }

            assertThat(running.log.stream().filter(line -> line.startsWith("accept()"))).containsExactly(
                    "accept() error: " + TOO_MANY + "; pausing accept for 100 ms at a time until it works again",
                    "accept() works again");
        }
    }

    @Test
    void aConnectionWhoseSetupFailsIsClosedAndTheNextOneIsServed() throws IOException {
        List<FaultyChannel> refused = new CopyOnWriteArrayList<>();
        try (RunningServer running = RunningServer.accepting(listener -> {
            SocketChannel accepted = listener.accept();
            if (accepted == null || !refused.isEmpty()) {
                return accepted;
            }
            // the first connection: TCP_NODELAY cannot be set on it
            FaultyChannel faulty = new FaultyChannel().standingFor(accepted)
                    .refusingOptionsWith(new IOException("Protocol not available"));
            refused.add(faulty);
            return faulty;
        }, "--quiet")) {
            try (Socket socket = Wire.connect(running.port())) {
                assertThat(Wire.closedByPeer(socket)).as("the server closes a connection it cannot set up").isTrue();
            }
            assertThat(running.log).contains("socket setup error: Protocol not available");

            try (Socket next = Wire.connect(running.port())) {
                roundTrip(next, "served");
                assertThat(running.stats().openChannels()).as("open connection channels: the failed one never"
                        + " became a connection").isEqualTo(1);
            }
        }
    }

    private static void roundTrip(Socket socket, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        Wire.send(socket, payload);
        assertThat(Wire.receive(socket)).isEqualTo(payload);
    }
}

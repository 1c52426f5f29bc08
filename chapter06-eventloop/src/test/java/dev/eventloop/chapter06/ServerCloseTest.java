package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@link Server#close()} promises: from any thread, before or after {@link Server#run()}. */
@Timeout(30)
@ExtendWith(LoopThreadFailures.class)
class ServerCloseTest {

    @Test
    void closeReturnsOnlyOnceTheLoopHasClosedEverything() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet");
                Socket a = Wire.connect(running.port());
                Socket b = Wire.connect(running.port())) {
            roundTrip(a, "a");
            roundTrip(b, "b");

            running.server.close(); // from this thread, not the loop's

            // no waiting here: all of it is done by the time close() returns
            assertThat(running.log).contains("stopped (closed the listener and 2 connections)");
            assertThat(running.stats().openChannels()).as("open connection channels").isZero();
            assertThat(running.stats().connections()).as("connections in the table").isZero();
        }
    }

    @Test
    void closeWakesAnIdleLoopRatherThanWaitingOutItsPollTimeout() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet")) {
            // once a wait has timed out, the loop is at the start of its next 1000 ms one
            await("a poll timeout passes").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> running.stats().waits() > 0);

            long start = System.nanoTime();
            running.server.close();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(millis).as("close() interrupts the wait (it took %d ms; the poll timeout is %d ms)",
                    millis, Server.POLL_TIMEOUT_MILLIS).isLessThan(Server.POLL_TIMEOUT_MILLIS / 2);
        }
    }

    @Test
    void anInterruptedCloseReturnsAndKeepsTheInterrupt() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet"); Socket socket = Wire.connect(running.port())) {
            roundTrip(socket, "the loop runs");

            Thread.currentThread().interrupt();
            running.server.close(); // stops the loop, but does not wait for it: this thread was interrupted

            assertThat(Thread.interrupted()).as("the interrupt is still there for the caller to see").isTrue();
        } // RunningServer.close(): a close() that waits this time, and the loop thread has ended
    }

    @Test
    void closeBeforeRunFreesThePortAndRunThenRefusesToStart() throws IOException {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Server server = Server.open(Options.parse("--port", "0"), log::add);
        int port = server.port();

        server.close();

        try (ServerSocketChannel again = ServerSocketChannel.open()) {
            again.bind(new InetSocketAddress("127.0.0.1", port)); // "Address already in use" if still bound
        }
        assertThatThrownBy(server::run).isInstanceOf(IllegalStateException.class)
                .hasMessage("run() may be called once, before close()");
    }

    private static void roundTrip(Socket socket, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        Wire.send(socket, payload);
        assertThat(Wire.receive(socket)).isEqualTo(payload);
    }
}

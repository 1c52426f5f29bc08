package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An exception thrown on the event loop thread fails the test with that exception's message,
 * not with what the test saw next (a closed connection, a read that timed out).
 */
@Timeout(30)
@ExtendWith(GuardFailures.class)
@Guards(value = "a test reports the event loop thread's death as the reason it failed",
        read = "exercises/README.md")
class LoopThreadFailuresTest {
    private static final String INVARIANT = "an invariant of the loop failed (a stand-in for the server's own checks)";

    @Test
    void closeThrowsTheErrorThatKilledTheLoopThreadWithItsMessage() throws IOException {
        RunningServer running = dyingOnFirstAccept();
        try (Socket socket = Wire.connect(running.port())) {
            Wire.closedByPeer(socket); // the dying loop closes the listener, and resets this connection
        } catch (IOException reset) {
            // reset before connect() even returned: as good
        }

        assertThatThrownBy(running::close).isInstanceOf(EventLoopDied.class)
                .hasMessageContaining("The event loop thread died").hasMessageContaining(INVARIANT)
                .cause().isInstanceOf(AssertionError.class).hasMessage(INVARIANT);
    }

    @Test
    void aTestThatFailsWhileTheLoopDiesFailsWithTheLoopsErrorAndKeepsItsOwnAsSuppressed() throws IOException {
        RunningServer running = dyingOnFirstAccept();

        Throwable reported = catchThrowable(() -> new LoopThreadFailures().interceptTestMethod(() -> {
            try (Socket socket = Wire.connect(running.port())) {
                Wire.send(socket, "hello".getBytes(StandardCharsets.UTF_8));
                Wire.receive(socket); // never answered: the loop dies and the connection is reset
            }
            return null;
        }, null, null));

        assertThat(reported).isInstanceOf(EventLoopDied.class).hasMessageContaining(INVARIANT);
        assertThat(reported.getSuppressed()).as("what the test itself saw").singleElement().isInstanceOf(IOException.class);
        assertThatThrownBy(running::close).isInstanceOf(EventLoopDied.class).hasMessageContaining(INVARIANT);
    }

    @Test
    void aLoopErrorWithoutAMessageIsReportedWithWhereItWasThrown() {
        AssertionError bare = new AssertionError();

        assertThat(new EventLoopDied(bare)).hasMessageContaining("java.lang.AssertionError at ")
                .hasMessageContaining(LoopThreadFailuresTest.class.getName() + ".aLoopErrorWithoutAMessage");
    }

    @Test
    void aFailureWithAHealthyLoopIsReportedAsItIs() throws IOException {
        RunningServer running = RunningServer.start("--quiet");
        AssertionError own = new AssertionError("the test's own reason");

        Throwable reported = catchThrowable(() -> new LoopThreadFailures().interceptTestMethod(() -> {
            throw own;
        }, null, null));

        assertThat(reported).isSameAs(own);
        running.close();
    }

    private static RunningServer dyingOnFirstAccept() throws IOException {
        return RunningServer.accepting(listener -> {
            throw new AssertionError(INVARIANT);
        }, "--quiet");
    }
}

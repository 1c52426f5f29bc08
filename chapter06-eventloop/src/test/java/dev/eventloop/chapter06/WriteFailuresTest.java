package dev.eventloop.chapter06;

import static dev.eventloop.chapter06.Conn.State.STATE_END;
import static dev.eventloop.chapter06.Conn.State.STATE_REQ;
import static dev.eventloop.chapter06.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tryFlushBuffer} against the two things a real send buffer does besides taking
 * everything: taking only part of a response, and failing. Driven step by step on a
 * {@link FaultyChannel}, as {@link StateMachineTest} does.
 */
@Timeout(10)
class WriteFailuresTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();
    private Server server;

    @BeforeEach
    void setUp() throws IOException {
        server = Server.open(Options.parse("--port", "0"), log::add);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aShortWriteIsFollowedAtOnceByAnotherUntilTheResponseIsOut() {
        FaultyChannel socket = new FaultyChannel().takingAtMost(3); // room for 3 bytes per write
        Conn conn = Conns.withBooksBuffers(socket, server.stats(), 1);
        byte[] frame = Protocol.encode(bytes("hello world")); // 4 + 11 bytes
        socket.arrive(frame);

        server.connectionIo(conn); // POLLIN

        // A short write is not EAGAIN: the book's loop writes again at once, without a trip
        // through poll for POLLOUT.
        assertThat(socket.written()).as("the whole response, in this one call").isEqualTo(frame);
        assertThat(server.stats().writes()).as("15 bytes, 3 per write").isEqualTo(5);
        assertThat(conn.state).isEqualTo(STATE_REQ);
    }

    @Test
    void aFailingWriteEndsTheConnectionAndIsLoggedOnce() {
        FaultyChannel socket = new FaultyChannel().failingWritesWith(new IOException("Broken pipe"));
        Conn conn = Conns.withBooksBuffers(socket, server.stats(), 1);
        socket.arrive(Wire.frames(bytes("one"), bytes("two"))); // one read brings both

        server.connectionIo(conn);

        assertThat(conn.state).as("the loop closes it after this iteration").isEqualTo(STATE_END);
        assertThat(log).as("the second request is not handled: the connection is over")
                .containsExactly("client says: one", "write() error: Broken pipe");
        assertThat(server.stats().writes()).as("a failed write is not retried").isEqualTo(1);
    }
}

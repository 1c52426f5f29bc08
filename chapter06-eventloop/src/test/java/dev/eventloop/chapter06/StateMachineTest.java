package dev.eventloop.chapter06;

import static dev.eventloop.chapter06.Conn.State.STATE_END;
import static dev.eventloop.chapter06.Conn.State.STATE_REQ;
import static dev.eventloop.chapter06.Conn.State.STATE_RES;
import static dev.eventloop.chapter06.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection state machine, driven step by step on a {@link ScriptedChannel}: each call
 * to {@code connectionIo} is what the loop does when {@code poll} reports the connection ready.
 */
class StateMachineTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();
    private Server server;
    private ScriptedChannel channel;
    private Conn conn;

    @BeforeEach
    void setUp() throws IOException {
        server = Server.open(Options.parse("--port", "0"), log::add);
        channel = new ScriptedChannel();
        conn = Conns.withBooksBuffers(channel, server.stats(), 1);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void answersBufferedRequestsAfterAPartialFlushWithoutNewInput() {
        byte[] three = Wire.frames(bytes("one"), bytes("two"), bytes("three"));
        channel.arrive(three).allowWrites(5); // the send buffer fills in the middle of response 1

        server.connectionIo(conn); // POLLIN: reads all three requests, cannot finish response 1
        assertThat(conn.state).isEqualTo(STATE_RES);
        assertThat(channel.written()).hasSize(5);

        channel.allowWrites(Long.MAX_VALUE); // the client reads; nothing more will arrive
        server.connectionIo(conn); // POLLOUT

        // The book's first version stops here after response 1, waiting for POLLIN that never comes.
        assertThat(channel.written()).as("all three responses, in order").isEqualTo(three);
        assertThat(conn.state).isEqualTo(STATE_REQ);
        assertThat(conn.rbufSize).isZero();
    }

    @Test
    void parsesARequestThatArrivesOneByteAtATime() {
        byte[] frame = Wire.encode(bytes("dribble"));
        for (byte b : frame) {
            channel.arrive(new byte[] {b});
        }

        server.connectionIo(conn);

        assertThat(channel.written()).isEqualTo(frame);
        assertThat(server.stats().reads()).as("one read per byte, then one that finds nothing")
                .isEqualTo(frame.length + 1);
    }

    @Test
    void aMaximumMessageFillsTheReadBufferExactlyAndIsAnswered() {
        byte[] frame = Wire.encode(new byte[4096]);
        assertThat(frame).hasSize(conn.rbuf.capacity());
        channel.arrive(frame);

        server.connectionIo(conn);

        assertThat(channel.written()).isEqualTo(frame);
        assertThat(conn.state).isEqualTo(STATE_REQ);
    }

    @Test
    void answersEachPipelinedRequestWithItsOwnWriteAndMovesTheRestForwardEachTime() {
        byte[][] payloads = new byte[100][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = bytes(String.format("req-%06d", i)); // 10 bytes each
        }
        byte[] all = Wire.frames(payloads);
        channel.arrive(all);

        server.connectionIo(conn);

        assertThat(channel.written()).isEqualTo(all);
        Stats stats = server.stats();
        // The costs exercises 2 and 3 remove: a write per response, a memmove per request.
        assertThat(stats.writes()).isEqualTo(100);
        assertThat(stats.compactions()).isEqualTo(99);
        assertThat(stats.bytesMoved()).isEqualTo(14L * (99 * 100 / 2));
    }

    @Test
    void rejectsALengthOneOverTheLimit() {
        channel.arrive(new byte[] {0x01, 0x10, 0x00, 0x00});

        server.connectionIo(conn);

        assertThat(conn.state).isEqualTo(STATE_END);
        assertThat(log).contains("too long");
        assertThat(channel.written()).isEmpty();
    }

    @Test
    void rejectsAllOnesAsTooLongRatherThanNegative() {
        channel.arrive(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});

        server.connectionIo(conn);

        assertThat(conn.state).isEqualTo(STATE_END);
        assertThat(log).contains("too long");
    }

    @Test
    void aGoodRequestThenABadFrameInOneReadIsAnsweredThenTheConnectionEnds() {
        byte[] hi = Wire.encode(bytes("hi"));
        byte[] tooLong = {(byte) 0x88, 0x13, 0x00, 0x00}; // 5000, little-endian
        byte[] both = new byte[hi.length + tooLong.length];
        System.arraycopy(hi, 0, both, 0, hi.length);
        System.arraycopy(tooLong, 0, both, hi.length, tooLong.length);
        channel.arrive(both); // one read brings both

        server.connectionIo(conn);

        assertThat(channel.written()).as("the response owed for the request before the bad frame").isEqualTo(hi);
        assertThat(conn.state).isEqualTo(STATE_END);
        assertThat(log.stream().filter("too long"::equals)).as("the bad frame is logged once").hasSize(1);
    }

    @Test
    void everyResponseIsSentWhenABatchOutgrowsTheWriteBuffer() {
        // A read buffer three times the book's and the book's write buffer of 4 + 4096 bytes: the
        // twelve 1,000-byte requests of one read do not fit into one write buffer of responses.
        ScriptedChannel big = new ScriptedChannel();
        Conn wide = new Conn(big, server.stats(), 7, 3 * (4 + 4096), 4 + 4096);
        byte[][] payloads = new byte[12][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = new byte[996]; // 1,000 bytes with the 4-byte header
            java.util.Arrays.fill(payloads[i], (byte) ('a' + i));
        }
        byte[] all = Wire.frames(payloads);
        big.arrive(all).allowWrites(2_500); // and the send buffer fills in the middle of it

        server.connectionIo(wide); // POLLIN: reads all twelve, sends what the socket takes
        assertThat(wide.state).as("waiting for POLLOUT after a partial write").isEqualTo(STATE_RES);
        big.allowWrites(Long.MAX_VALUE); // the client reads; nothing more will arrive
        server.connectionIo(wide); // POLLOUT

        assertThat(big.written()).as("every response, in order, without new input (12 of 1,000 bytes each)")
                .isEqualTo(all);
        assertThat(wide.state).isEqualTo(STATE_REQ);
    }

    @Test
    void eofBetweenMessagesIsACleanClose() {
        channel.arrive(Wire.encode(bytes("bye"))).endOfStream();

        server.connectionIo(conn);

        assertThat(channel.written()).isEqualTo(Wire.encode(bytes("bye")));
        assertThat(conn.state).isEqualTo(STATE_END);
        assertThat(log).contains("EOF").doesNotContain("unexpected EOF");
    }

    @Test
    void eofInsideTheHeaderOrTheBodyIsUnexpected() {
        channel.arrive(new byte[] {0x05, 0x00}).endOfStream();
        server.connectionIo(conn);
        assertThat(conn.state).isEqualTo(STATE_END);

        ScriptedChannel body = new ScriptedChannel().arrive(new byte[] {0x05, 0, 0, 0, 'a', 'b'}).endOfStream();
        Conn second = Conns.withBooksBuffers(body, server.stats(), 2);
        server.connectionIo(second);
        assertThat(second.state).isEqualTo(STATE_END);

        assertThat(log).containsExactly("unexpected EOF", "unexpected EOF");
    }
}

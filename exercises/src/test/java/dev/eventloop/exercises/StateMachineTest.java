package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static dev.eventloop.exercises.Conn.State.STATE_END;
import static dev.eventloop.exercises.Conn.State.STATE_REQ;
import static dev.eventloop.exercises.Conn.State.STATE_RES;
import static dev.eventloop.exercises.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-connection state machine, driven step by step on a {@link ScriptedChannel}: each
 * {@code serveWhileReady} is what the loop does while the connection is reported ready. These
 * tests guard what every exercise must keep working.
 */
@ExtendWith(GuardFailures.class)
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
    @Guards(value = "requests already in rbuf are answered once a partial flush completes, without new input (no"
            + " pipelining stall)",
            read = "docs/06-eventloop.md#the-pipelining-stall")
    void answersBufferedRequestsAfterAPartialFlushWithoutNewInput() {
        byte[] three = Wire.frames(bytes("one"), bytes("two"), bytes("three"));
        channel.arrive(three).allowWrites(5); // the send buffer fills in the middle of response 1

        channel.serveWhileReady(server, conn); // POLLIN: reads all three requests, cannot finish response 1
        assertThat(conn.state).isEqualTo(STATE_RES);
        assertThat(channel.written()).hasSize(5);

        channel.allowWrites(Long.MAX_VALUE); // the client reads; nothing more will arrive
        channel.serveWhileReady(server, conn); // POLLOUT

        // The book's first version stops here after response 1, waiting for POLLIN that never comes.
        assertThatBytes(channel.written()).as("all three responses, in order").isEqualTo(three);
        assertThat(conn.state).isEqualTo(STATE_REQ);

        byte[] four = Wire.encode(bytes("four")); // nothing of the three requests is left over
        channel.arrive(four);
        channel.serveWhileReady(server, conn);
        assertThatBytes(channel.written()).as("the three responses, then the fourth alone")
                .isEqualTo(Wire.frames(bytes("one"), bytes("two"), bytes("three"), bytes("four")));
    }

    @Test
    @Guards(value = "a request that arrives one byte per read is parsed",
            read = "docs/06-eventloop.md#short-reads-and-split-messages")
    void parsesARequestThatArrivesOneByteAtATime() {
        byte[] frame = Wire.encode(bytes("dribble"));
        for (byte b : frame) {
            channel.arrive(new byte[] {b});
        }

        channel.serveWhileReady(server, conn);

        assertThatBytes(channel.written()).isEqualTo(frame);
    }

    @Test
    @Guards(value = "a message of 4096 bytes fills the read buffer exactly and is answered",
            read = "docs/06-eventloop.md#reading-statereq-and-tryfillbuffer")
    void aMaximumMessageFillsTheReadBufferExactlyAndIsAnswered() {
        byte[] frame = Wire.encode(new byte[4096]);
        assertThat(frame).hasSize(conn.rbuf.capacity());
        channel.arrive(frame);

        channel.serveWhileReady(server, conn);

        assertThatBytes(channel.written()).isEqualTo(frame);
        assertThat(conn.state).isEqualTo(STATE_REQ);
    }

    @Test
    @Guards(value = "a length of 4097 is too long: logged once, and the connection ends",
            read = "docs/06-eventloop.md#parsing-and-answering-tryonerequest")
    void rejectsALengthOneOverTheLimit() {
        channel.arrive(new byte[] {0x01, 0x10, 0x00, 0x00});

        channel.serveWhileReady(server, conn);

        assertThat(conn.state).as("the state after a frame of length 4097 (too long)").isEqualTo(STATE_END);
        assertThat(log).contains("too long");
        assertThat(channel.written()).isEmpty();
    }

    @Test
    @Guards(value = "the length ff ff ff ff is read unsigned, as 4294967295, too long, not as -1",
            read = "docs/06-eventloop.md#little-endian-unsigned-lengths")
    void rejectsAllOnesAsTooLongRatherThanNegative() {
        channel.arrive(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});

        channel.serveWhileReady(server, conn);

        assertThat(conn.state).as("the state after a frame of length ff ff ff ff (too long)").isEqualTo(STATE_END);
        assertThat(log).contains("too long");
    }

    @Test
    @Guards(value = "a good request followed by a bad frame in one read is answered before the connection ends, and"
            + " STATE_END is never left",
            read = "docs/06-eventloop.md#parsing-and-answering-tryonerequest")
    void aGoodRequestThenABadFrameInOneReadIsAnsweredThenTheConnectionEnds() {
        byte[] hi = Wire.encode(bytes("hi"));
        byte[] tooLong = {(byte) 0x88, 0x13, 0x00, 0x00}; // 5000, little-endian
        byte[] both = new byte[hi.length + tooLong.length];
        System.arraycopy(hi, 0, both, 0, hi.length);
        System.arraycopy(tooLong, 0, both, hi.length, tooLong.length);
        channel.arrive(both); // one read brings both

        channel.serveWhileReady(server, conn);

        assertThatBytes(channel.written()).as("the response owed for the request before the bad frame").isEqualTo(hi);
        assertThat(conn.state).as("the state once the response owed was sent: the bad frame behind it ends the"
                + " connection").isEqualTo(STATE_END);
        assertThat(log.stream().filter("too long"::equals)).as("the bad frame is logged once").hasSize(1);
    }

    @Test
    @Guards(value = "when the responses owed outgrow the write buffer, every one is sent, in order, without new input",
            read = "docs/exercises/03-batched-writes.md#the-tests-that-check-it")
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

        big.serveWhileReady(server, wide); // POLLIN: reads all twelve, sends what the socket takes
        assertThat(wide.state).as("waiting for POLLOUT after a partial write").isEqualTo(STATE_RES);
        big.allowWrites(Long.MAX_VALUE); // the client reads; nothing more will arrive
        big.serveWhileReady(server, wide); // POLLOUT

        assertThatBytes(big.written()).as("every response, in order, without new input (12 of 1,000 bytes each)")
                .isEqualTo(all);
        assertThat(wide.state).isEqualTo(STATE_REQ);
    }

    @Test
    @Guards(value = "EOF between messages ends the connection cleanly",
            read = "docs/06-eventloop.md#reading-statereq-and-tryfillbuffer")
    void eofBetweenMessagesIsACleanClose() {
        channel.arrive(Wire.encode(bytes("bye"))).endOfStream();

        channel.serveWhileReady(server, conn);

        assertThatBytes(channel.written()).isEqualTo(Wire.encode(bytes("bye")));
        assertThat(conn.state).isEqualTo(STATE_END);
        assertThat(log).contains("EOF").doesNotContain("unexpected EOF");
    }

    @Test
    @Guards(value = "EOF inside a message ends the connection with the log line unexpected EOF",
            read = "docs/06-eventloop.md#reading-statereq-and-tryfillbuffer")
    void eofInsideTheHeaderOrTheBodyIsUnexpected() {
        channel.arrive(new byte[] {0x05, 0x00}).endOfStream();
        channel.serveWhileReady(server, conn);
        assertThat(conn.state).isEqualTo(STATE_END);

        ScriptedChannel body = new ScriptedChannel().arrive(new byte[] {0x05, 0, 0, 0, 'a', 'b'}).endOfStream();
        Conn second = Conns.withBooksBuffers(body, server.stats(), 2);
        body.serveWhileReady(server, second);
        assertThat(second.state).isEqualTo(STATE_END);

        assertThat(log).containsExactly("unexpected EOF", "unexpected EOF");
    }
}

package dev.eventloop.exercises;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * One client connection and where it is in the state machine: the book's {@code struct Conn}.
 *
 * <p>The buffers are fixed: a read buffer and a write buffer of {@code 4 + k_max_msg} bytes
 * each, so one connection never holds more than two whole messages, however much its client
 * sends. Like the C code, this class keeps the fill levels in plain {@code int} fields
 * ({@code rbufStart}, {@code rbufSize}, {@code wbufSize}, {@code wbufSent}) and sets a buffer's position and limit
 * only right before handing it to a channel, so a reader never has to wonder which mode a
 * {@link ByteBuffer} is in.
 */
final class Conn {
    /** The three states of the book; a connection is in exactly one. */
    enum State {
        /** Reading requests; the loop waits for POLLIN. */
        STATE_REQ,
        /** Sending a response; the loop waits for POLLOUT and does not read. */
        STATE_RES,
        /** Finished (EOF, error or bad input); the loop closes it after this iteration. */
        STATE_END
    }

    /** The book's {@code fd}, for poll and the connection table. */
    final SocketChannel socket;
    /** The same socket for {@code read} and {@code write}: a {@link CountedChannel}. */
    final ByteChannel channel;
    /** A small number for logs and traces; Java has no file descriptor numbers to print. */
    final int id;
    State state = State.STATE_REQ;
    // buffer for reading: unconsumed bytes are rbuf[rbufStart, rbufSize)
    int rbufStart = 0;
    int rbufSize = 0;
    final ByteBuffer rbuf = newBuffer();
    // buffer for writing
    int wbufSize = 0;
    int wbufSent = 0;
    final ByteBuffer wbuf = newBuffer();

    /** A new connection on {@code socket}, whose reads and writes {@code stats} counts. */
    Conn(SocketChannel socket, Stats stats, int id) {
        this.socket = socket;
        this.channel = new CountedChannel(socket, stats);
        this.id = id;
    }

    private static ByteBuffer newBuffer() {
        // Direct buffers: a heap buffer would be copied through a temporary direct one on every IO.
        // Little-endian: the protocol's byte order (a ByteBuffer starts out big-endian).
        return ByteBuffer.allocateDirect(Protocol.HEADER_SIZE + Protocol.K_MAX_MSG)
                .order(ByteOrder.LITTLE_ENDIAN);
    }
}

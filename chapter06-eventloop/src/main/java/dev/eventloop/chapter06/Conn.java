package dev.eventloop.chapter06;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * One client connection and where it is in the state machine: the book's {@code struct Conn}.
 *
 * <p>The buffers are fixed: a read buffer and a write buffer of {@code 4 + k_max_msg} bytes
 * each, as in the book, so one connection never holds more than two whole messages, however much
 * its client sends. (A server may give its connections larger ones, {@code --rbuf} and
 * {@code --wbuf}, as the book's second edition reads into a larger buffer.)
 *
 * <p>Like the C code, this class keeps the fill levels in plain {@code int} fields
 * ({@code rbufSize}, {@code wbufSize}, {@code wbufSent}), and the server sets a buffer's position
 * and limit only right before it hands the buffer to a channel or fills it, so a reader never
 * has to wonder which mode a {@link ByteBuffer} is in.
 */
final class Conn {
    /** The book's buffer size: {@code 4 + k_max_msg}, a header and the largest message. */
    static final int BOOK_BUFFER = Options.BOOK_BUFFER;

    // tag::conn-state[]
    /** The three states of the book; a connection is in exactly one. */
    enum State {
        /** Reading requests; the loop waits for POLLIN. */
        STATE_REQ,
        /** Sending a response; the loop waits for POLLOUT and does not read. */
        STATE_RES,
        /** Finished (EOF, error or bad input); the loop closes it after this iteration. */
        STATE_END
    }
    // end::conn-state[]

    // tag::conn-buffers[]
    /** The book's {@code fd}, for poll and the connection table. */
    final SocketChannel socket;
    /** The same socket for {@code read} and {@code write}: a {@link CountedChannel}. */
    final ByteChannel channel;
    /** A small number for logs and traces; Java has no file descriptor numbers to print. */
    final int id;
    State state = State.STATE_REQ;
    // buffer for reading
    int rbufSize = 0;
    final ByteBuffer rbuf;
    // buffer for writing
    int wbufSize = 0;
    int wbufSent = 0;
    final ByteBuffer wbuf;
    // end::conn-buffers[]

    /**
     * A new connection on {@code socket}, whose reads and writes {@code stats} counts, with
     * buffers of the given sizes: each must hold at least one largest message and its header,
     * {@value #BOOK_BUFFER} bytes, the book's size.
     */
    Conn(SocketChannel socket, Stats stats, int id, int rbufCapacity, int wbufCapacity) {
        if (rbufCapacity < BOOK_BUFFER || wbufCapacity < BOOK_BUFFER) {
            throw new IllegalArgumentException("a buffer must hold a whole message of " + BOOK_BUFFER
                    + " bytes: got rbuf " + rbufCapacity + ", wbuf " + wbufCapacity);
        }
        this.socket = socket;
        this.channel = new CountedChannel(socket, stats);
        this.id = id;
        this.rbuf = newBuffer(rbufCapacity);
        this.wbuf = newBuffer(wbufCapacity);
    }

    // tag::new-buffer[]
    private static ByteBuffer newBuffer(int capacity) {
        // Direct buffers: a heap buffer would be copied through a temporary direct one on every IO.
        // Little-endian: the protocol's byte order (a ByteBuffer starts out big-endian).
        return ByteBuffer.allocateDirect(capacity)
                .order(ByteOrder.LITTLE_ENDIAN);
    }
    // end::new-buffer[]
}

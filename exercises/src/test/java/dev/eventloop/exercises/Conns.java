package dev.eventloop.exercises;

import java.nio.channels.SocketChannel;

/** Connections for tests that drive the state machine directly, one {@code connectionIo} call at a time. */
final class Conns {
    /** The book's buffer size, stated here: a 4-byte header and the largest message, 4096 bytes. */
    static final int BOOK_BUFFER = 4 + 4096;

    private Conns() {
    }

    /** A connection on {@code socket} with the book's buffers, counted in {@code stats}. */
    static Conn withBooksBuffers(SocketChannel socket, Stats stats, int id) {
        return new Conn(socket, stats, id, BOOK_BUFFER, BOOK_BUFFER);
    }
}

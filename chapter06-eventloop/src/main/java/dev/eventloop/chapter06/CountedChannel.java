package dev.eventloop.chapter06;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection's socket as the state machine reads and writes it: every {@code read} and
 * {@code write} goes straight to the socket and is counted in {@link Stats} on the way.
 *
 * <p>It is made once, when a connection is accepted, so that the server's {@code read} and
 * {@code write} lines stay plain calls, as in the book ({@code conn.channel.read(conn.rbuf)} for
 * {@code read(conn->fd, ...)}), and no code that reads or writes a connection can forget to
 * count. Closing it closes the socket.
 */
final class CountedChannel implements ByteChannel {
    private final SocketChannel socket;
    private final Stats stats;
    private boolean closed;
    /** The wait after which this connection was last read, and its reads since then: its turn so far. */
    private long turnWakeUp = -1;
    private int turnReads;

    CountedChannel(SocketChannel socket, Stats stats) {
        this.socket = socket;
        this.stats = stats;
        stats.channelOpened();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long wakeUp = stats.waits();
        turnReads = wakeUp == turnWakeUp ? turnReads + 1 : 1;
        turnWakeUp = wakeUp;
        stats.readInTurn(turnReads);
        return stats.read(socket, dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return stats.write(socket, src);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            stats.channelClosed(); // counted even if close fails: the descriptor is gone either way
        }
        socket.close();
    }
}

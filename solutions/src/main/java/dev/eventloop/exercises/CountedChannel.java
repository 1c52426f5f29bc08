package dev.eventloop.exercises;

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
    private final Thread owner = Thread.currentThread(); // given for exercise 5 (loops)
    /** The wait after which this connection was last read, and its reads since then: its turn so far. */
    private long turnWakeUp = -1;
    private int turnReads;

    CountedChannel(SocketChannel socket, Stats stats) {
        this.socket = socket;
        this.stats = stats;
        stats.channelOpened();
        stats.owns(owner); // given for exercise 5 (loops)
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkOwner("read"); // given for exercise 5 (loops)
        long wakeUp = stats.waits();
        turnReads = wakeUp == turnWakeUp ? turnReads + 1 : 1;
        turnWakeUp = wakeUp;
        stats.readInTurn(turnReads);
        return stats.read(socket, dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkOwner("write"); // given for exercise 5 (loops)
        return stats.write(socket, src);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        checkOwner("close"); // given for exercise 5 (loops)
        if (!closed) {
            closed = true;
            stats.channelClosed(); // counted even if close fails: the descriptor is gone either way
        }
        socket.close();
    }
    // ---- given for exercise 5 (loops) begin ----

    /**
     * Counts a call from a thread other than the connection's owner: the thread that set it up, the
     * loop it was handed to (exercise 5).
     */
    private void checkOwner(String call) {
        Thread current = Thread.currentThread();
        if (owner != current) {
            stats.calledFromAnotherThread(call + " on a connection owned by thread " + owner.getName() + ", from thread "
                    + current.getName());
        }
    }
    // ---- given for exercise 5 (loops) end ----
}

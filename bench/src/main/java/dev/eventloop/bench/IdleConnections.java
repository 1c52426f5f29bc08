package dev.eventloop.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connections that the server must hold while the active ones run: they send nothing during the
 * measurement, but each answers one echo right after it is opened and one at the end.
 *
 * <p>They are opened {@value #CHUNK} at a time, and each chunk is echoed before the next is
 * opened. A connection's handshake completes in the kernel, before the server calls
 * {@code accept}; the echo proves the server has really taken it in. It also keeps the listen
 * backlog from overflowing, even a server's that kept the JDK's default of 50: a full backlog
 * makes the kernel drop handshakes, and the client retry them a second later, again and again.
 */
final class IdleConnections implements Closeable {
    static final int CHUNK = 32;

    private final List<SocketChannel> channels = new ArrayList<>();
    private final int size;
    private final Duration timeout;
    private int round;

    private IdleConnections(int size, Duration timeout) {
        this.size = size;
        this.timeout = timeout;
    }

    /** Opens {@code count} connections to {@code address} and checks each with one echo. */
    static IdleConnections open(InetSocketAddress address, int count, int size, Duration timeout) throws IOException {
        IdleConnections idle = new IdleConnections(size, timeout);
        try {
            while (idle.channels.size() < count) {
                List<SocketChannel> chunk = new ArrayList<>();
                for (int i = 0; i < CHUNK && idle.channels.size() + chunk.size() < count; i++) {
                    chunk.add(LoadGenerator.connect(address));
                }
                idle.channels.addAll(chunk);
                idle.echo(chunk, idle.channels.size() - chunk.size());
            }
            idle.round++;
            return idle;
        } catch (IOException | RuntimeException e) {
            idle.close();
            throw e;
        }
    }

    /**
     * Sends one message on every idle connection and checks that each comes back intact.
     *
     * @return how many connections answered
     */
    int check() throws IOException {
        echo(channels, 0);
        round++;
        return channels.size();
    }

    /** One echo on each of {@code list}; the n-th channel of the list is connection {@code first + n}. */
    private void echo(List<SocketChannel> list, int first) throws IOException {
        if (list.isEmpty()) {
            return;
        }
        try (Selector selector = Selector.open()) {
            int pending = 0;
            for (int i = 0; i < list.size(); i++) {
                SocketChannel ch = list.get(i);
                ByteBuffer message = Messages.batch(first + i, 1, size);
                Messages.stamp(message, 1, size, round);
                ch.write(message); // a few dozen bytes on an idle socket: the kernel takes them all
                if (message.hasRemaining()) {
                    throw new LoadException("idle connection " + (first + i) + ": could not send its echo");
                }
                message.clear();
                ch.register(selector, SelectionKey.OP_READ, new Echo(first + i, message));
                pending++;
            }
            long timeoutNanos = timeout.toNanos();
            long lastProgress = System.nanoTime();
            while (pending > 0) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Echo echo = (Echo) key.attachment();
                    int n = ((SocketChannel) key.channel()).read(echo.recv);
                    if (n < 0) {
                        throw new LoadException("EOF on idle connection " + echo.id);
                    }
                    lastProgress = System.nanoTime();
                    if (!echo.recv.hasRemaining()) {
                        echo.recv.flip();
                        int at = echo.recv.mismatch(echo.expected);
                        if (at >= 0) {
                            throw new LoadException("wrong echo on idle connection " + echo.id + ": "
                                    + Messages.mismatch(echo.expected, echo.recv, at, size));
                        }
                        key.cancel();
                        pending--;
                    }
                }
                selector.selectedKeys().clear();
                if (pending > 0 && System.nanoTime() - lastProgress > timeoutNanos) {
                    throw new LoadException("timeout: " + pending + " of " + list.size()
                            + " idle connections got no echo within " + timeout.toSeconds() + " s");
                }
            }
        }
        // closing the selector deregistered the channels; they may join another selector later
    }

    /** One idle connection's echo in flight. */
    private static final class Echo {
        final int id;
        final ByteBuffer expected;
        final ByteBuffer recv;

        Echo(int id, ByteBuffer expected) {
            this.id = id;
            this.expected = expected;
            this.recv = ByteBuffer.allocate(expected.capacity());
        }
    }

    /** How many idle connections are open. */
    int size() {
        return channels.size();
    }

    @Override
    public void close() {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        channels.clear();
    }
}

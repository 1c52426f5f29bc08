package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Two connected TCP sockets on 127.0.0.1, the test bench for this chapter's experiments: what
 * one end writes, the other can read, and each end can be switched to nonblocking mode.
 *
 * <p>The pair is made the way any server makes a connection (a listener on a free port, a
 * {@code connect}, an {@code accept}), and the listener is closed at once: the connection does
 * not need it any more.
 *
 * <p>{@link #fillClientSendBuffer} writes a recognisable byte pattern ({@link #patternByte})
 * from the client end, so that the server end can check that it received every byte
 * {@code write} said it took, in order, and nothing else.
 */
public final class LoopbackPair implements Closeable {
    /** How much one {@code write} in {@link #fillClientSendBuffer} asks to send. */
    public static final int CHUNK = 64 * 1024;
    /** Read timeout set on both sockets; it applies to their stream adaptors, not to channel reads. */
    public static final int READ_TIMEOUT_MILLIS = 10_000;

    private final SocketChannel client;
    private final SocketChannel server;
    /** The bytes-sent cursor: how many pattern bytes the client's writes have taken so far. */
    private long clientSent;

    /**
     * What happened while the client wrote to a server end that does not read.
     *
     * @param bytesTaken the sum of what the writes returned, this time
     * @param writes how many times {@code write} was called
     * @param firstShortWrite what the first write that took less than asked returned (0 or
     *     more), or -1 if every write took all it was asked
     * @param full whether the last write returned 0 (the send buffer is full); {@code false} if
     *     the byte limit ended the loop first
     */
    public record Fill(long bytesTaken, int writes, int firstShortWrite, boolean full) {
    }

    private LoopbackPair(SocketChannel client, SocketChannel server) {
        this.client = client;
        this.server = server;
    }

    /** Connects two sockets through a listener on 127.0.0.1 and a free port. Both start blocking. */
    public static LoopbackPair open() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            // the course's one backlog; one client would do here
            listener.bind(new InetSocketAddress("127.0.0.1", 0), Options.SOMAXCONN);
            SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            SocketChannel server = null;
            try {
                server = listener.accept(); // does not wait: the connection is already established
                client.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
                server.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
                return new LoopbackPair(client, server);
            } catch (IOException e) {
                client.close();
                if (server != null) {
                    server.close();
                }
                throw e;
            }
        }
    }

    /** The end that called {@code connect}. */
    public SocketChannel client() {
        return client;
    }

    /** The end that {@code accept} returned. */
    public SocketChannel server() {
        return server;
    }

    /** The byte at position {@code offset} of the endless pattern the client writes. */
    public static byte patternByte(long offset) {
        return (byte) (offset % 251); // a prime, so the pattern never lines up with buffer sizes
    }

    /**
     * Switches the client to nonblocking mode and writes the pattern, {@link #CHUNK} bytes at a
     * time, until a {@code write} returns 0 or about {@code maxBytes} were taken. The server end
     * is not read meanwhile, so its receive buffer and then the client's send buffer fill up.
     *
     * <p>Each write starts where the previous one stopped: a short write means "this many
     * bytes, no more", and the next write must send the rest, just as an event loop must keep
     * unsent bytes and a cursor into them.
     */
    public Fill fillClientSendBuffer(long maxBytes) throws IOException {
        client.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long taken = 0;
        int writes = 0;
        int firstShortWrite = -1;
        while (taken < maxBytes) {
            chunk.clear();
            for (int i = 0; i < CHUNK; i++) {
                chunk.put(patternByte(clientSent + i));
            }
            chunk.flip();
            int n = client.write(chunk);
            writes++;
            taken += n;
            clientSent += n;
            if (n < CHUNK && firstShortWrite < 0) {
                firstShortWrite = n;
            }
            if (n == 0) {
                return new Fill(taken, writes, firstShortWrite, true);
            }
        }
        return new Fill(taken, writes, firstShortWrite, false);
    }

    /** How many pattern bytes the client's writes have taken since the pair was opened. */
    public long clientBytesSent() {
        return clientSent;
    }

    /** Closes both ends. */
    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}

package dev.eventloop.exercises;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A socket whose every read and write the test decides, for driving the state machine one step
 * at a time without depending on the kernel's buffer sizes or on timing.
 *
 * <p>{@link #arrive} queues bytes; each {@code read} returns at most one queued chunk, 0 when
 * nothing is queued (EAGAIN), -1 after {@link #endOfStream()}. Each {@code write} takes at most
 * the current {@linkplain #allowWrites budget}, 0 when it is used up (the send buffer is full).
 * {@link #serveWhileReady} plays the event loop: level-triggered, as poll and epoll are by default.
 */
final class ScriptedChannel extends SocketChannel {
    private final Deque<byte[]> inbound = new ArrayDeque<>();
    private final ByteArrayOutputStream outbound = new ByteArrayOutputStream();
    private boolean eof;
    private long writeBudget = Long.MAX_VALUE;
    private final List<Read> reads = new ArrayList<>();
    private final List<ReadCall> readCalls = new ArrayList<>();

    /**
     * One read that brought bytes: where in the server's buffer they landed, how many, and how
     * many bytes the server had written back before it. From these a test sees how the server
     * moves its unconsumed bytes, whatever code moved them.
     */
    record Read(int landedAt, int bytes, int writtenBefore) {
    }

    /** One call to {@code read}: the room it was offered, and what it returned (0 EAGAIN, -1 EOF). */
    record ReadCall(int offered, int returned) {
        boolean filled() {
            return returned == offered;
        }
    }

    ScriptedChannel() {
        super(SelectorProvider.provider());
    }

    /** Queues bytes for one future read (a read takes one chunk, or part of it if it must). */
    ScriptedChannel arrive(byte[] chunk) {
        if (chunk.length > 0) { // an empty chunk would read as EAGAIN, which is not an arrival
            inbound.add(chunk.clone());
        }
        return this;
    }

    /** The peer closed its sending side: once the queue is drained, reads return -1. */
    ScriptedChannel endOfStream() {
        eof = true;
        return this;
    }

    /** From now on, writes may take {@code bytes} more bytes in total. */
    ScriptedChannel allowWrites(long bytes) {
        writeBudget = bytes;
        return this;
    }

    /** The reads that brought bytes, in order. */
    List<Read> reads() {
        return List.copyOf(reads);
    }

    /** Every call to {@code read} so far, in order, those that found nothing included. */
    List<ReadCall> readCalls() {
        return List.copyOf(readCalls);
    }

    /**
     * What a level-triggered event loop does with this connection: it reports the connection
     * ready, and the server runs {@code connectionIo}, for as long as there is something for the
     * state to wait for: bytes queued or the end of the stream (STATE_REQ), room to write
     * (STATE_RES). A server that reads only some of what has arrived is called again, as the
     * real loop would call it after its next wait.
     */
    void serveWhileReady(Server server, Conn conn) {
        int wakeUps = 0;
        while (readyFor(conn.state)) {
            if (++wakeUps > 100_000) {
                throw new AssertionError("The connection stayed ready for 100,000 wake-ups in " + conn.state
                        + " with " + inbound.stream().mapToInt(c -> c.length).sum() + " bytes still queued: connectionIo"
                        + " returns without reading or writing what it is ready for.");
            }
            server.connectionIo(conn);
        }
    }

    private boolean readyFor(Conn.State state) {
        return switch (state) {
            case STATE_REQ -> !inbound.isEmpty() || eof;
            case STATE_RES -> writeBudget > 0;
            case STATE_END -> false;
        };
    }

    /** Everything the server has written so far. */
    byte[] written() {
        return outbound.toByteArray();
    }

    @Override
    public int read(ByteBuffer dst) {
        int offered = dst.remaining();
        if (inbound.isEmpty()) {
            int none = eof ? -1 : 0;
            readCalls.add(new ReadCall(offered, none));
            return none;
        }
        byte[] chunk = inbound.poll();
        int n = Math.min(chunk.length, offered);
        readCalls.add(new ReadCall(offered, n));
        reads.add(new Read(dst.position(), n, outbound.size()));
        dst.put(chunk, 0, n);
        if (n < chunk.length) {
            inbound.addFirst(Arrays.copyOfRange(chunk, n, chunk.length));
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = (int) Math.min(src.remaining(), writeBudget);
        byte[] bytes = new byte[n];
        src.get(bytes);
        outbound.write(bytes, 0, n);
        writeBudget -= n;
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public SocketChannel bind(SocketAddress local) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> T getOption(SocketOption<T> name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public SocketChannel shutdownInput() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SocketChannel shutdownOutput() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Socket socket() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isConnectionPending() {
        return false;
    }

    @Override
    public boolean connect(SocketAddress remote) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean finishConnect() {
        return true;
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return null;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return null;
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        // nothing to release
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // always "nonblocking": reads and writes never wait
    }
}

package dev.eventloop.chapter06;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A socket that misbehaves the way real ones do, on the test's say: a {@code write} that takes
 * only a few bytes at a time (a send buffer with little room), a {@code write} that fails (the
 * peer reset the connection), a socket option the system refuses. Each read returns at most one
 * chunk queued with {@link #arrive}, 0 when none is queued.
 *
 * <p>Closing it also closes the channel it {@linkplain #standingFor stands for}, if any: a real
 * accepted connection, so that its client sees whether the server closed it.
 */
final class FaultyChannel extends FakeSocketChannel {
    private final Deque<byte[]> inbound = new ArrayDeque<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private SocketChannel real;
    private int maxPerWrite = Integer.MAX_VALUE;
    private IOException writeFailure;
    private IOException optionFailure;

    /** Closing this channel closes {@code accepted} too. */
    FaultyChannel standingFor(SocketChannel accepted) {
        this.real = accepted;
        return this;
    }

    FaultyChannel arrive(byte[] chunk) {
        inbound.add(chunk.clone());
        return this;
    }

    /** Each write takes at most {@code bytes} bytes. */
    FaultyChannel takingAtMost(int bytes) {
        this.maxPerWrite = bytes;
        return this;
    }

    /** Every write throws {@code failure}. */
    FaultyChannel failingWritesWith(IOException failure) {
        this.writeFailure = failure;
        return this;
    }

    /** Every {@code setOption} throws {@code failure}. */
    FaultyChannel refusingOptionsWith(IOException failure) {
        this.optionFailure = failure;
        return this;
    }

    /** Everything written so far. */
    byte[] written() {
        return written.toByteArray();
    }

    @Override
    public int read(ByteBuffer dst) {
        byte[] chunk = inbound.poll();
        if (chunk == null) {
            return 0;
        }
        int n = Math.min(chunk.length, dst.remaining());
        dst.put(chunk, 0, n);
        if (n < chunk.length) {
            inbound.addFirst(Arrays.copyOfRange(chunk, n, chunk.length));
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (writeFailure != null) {
            throw writeFailure;
        }
        byte[] bytes = new byte[Math.min(src.remaining(), maxPerWrite)];
        src.get(bytes);
        written.write(bytes, 0, bytes.length);
        return bytes.length;
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        if (optionFailure != null) {
            throw optionFailure;
        }
        return this;
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        if (real != null) {
            real.close();
        }
    }
}

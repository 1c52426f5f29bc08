package dev.eventloop.chapter06;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A socket whose every read and write the test decides, for driving the state machine one step
 * at a time without depending on the kernel's buffer sizes or on timing.
 *
 * <p>{@link #arrive} queues bytes; each {@code read} returns at most one queued chunk, 0 when
 * nothing is queued (EAGAIN), -1 after {@link #endOfStream()}. Each {@code write} takes at most
 * the current {@linkplain #allowWrites budget}, 0 when it is used up (the send buffer is full).
 */
final class ScriptedChannel extends FakeSocketChannel {
    private final Deque<byte[]> inbound = new ArrayDeque<>();
    private final ByteArrayOutputStream outbound = new ByteArrayOutputStream();
    private boolean eof;
    private long writeBudget = Long.MAX_VALUE;
    private final List<Read> reads = new ArrayList<>();

    /**
     * One read that brought bytes: where in the server's buffer they landed, how many, and how
     * many bytes the server had written back before it. From these a test sees how the server
     * moves its unconsumed bytes, whatever code moved them.
     */
    record Read(int landedAt, int bytes, int writtenBefore) {
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

    /** Everything the server has written so far. */
    byte[] written() {
        return outbound.toByteArray();
    }

    @Override
    public int read(ByteBuffer dst) {
        if (inbound.isEmpty()) {
            return eof ? -1 : 0;
        }
        byte[] chunk = inbound.poll();
        int n = Math.min(chunk.length, dst.remaining());
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
}

package dev.eventloop.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The read side of one server connection, alone: a fixed read buffer of {@code 4 + 4096} bytes,
 * filled by "reads" from a stream of pipelined requests, and emptied by parsing them. Two
 * strategies for giving the consumed bytes back, each line for line as the course's servers do it:
 *
 * <ul>
 *   <li>{@link CompactEveryRequest}: chapter 6's {@code tryOneRequest}. After each request, the
 *       bytes behind it are moved to the front of the buffer ({@code compact()}, the book's
 *       {@code memmove}). A read that brought D requests moves about D²/2 requests' worth of bytes.
 *   <li>{@link DeferredCompaction}: the solutions' {@code rbufStart}, and the compaction at the top
 *       of their {@code tryFillBuffer}.
 *       Parsing only advances a start offset; before the next read, the buffer starts over at 0 if
 *       everything was consumed, and moves the partial message to the front only if the buffer is
 *       full.
 * </ul>
 *
 * <p>The socket is replaced by a copy from a source buffer holding the whole batch, at most as many
 * bytes as the read buffer has room for, as a {@code read} on a socket holding the batch would
 * give. The response is built the same way in both (copied into a write buffer, as chapter 6 does),
 * so that the only difference measured is the compaction.
 */
public abstract class ReadBufferModel {
    static final int HEADER_SIZE = 4;
    static final int K_MAX_MSG = 4096;

    final ByteBuffer rbuf = ByteBuffer.allocateDirect(HEADER_SIZE + K_MAX_MSG).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer wbuf = ByteBuffer.allocateDirect(HEADER_SIZE + K_MAX_MSG).order(ByteOrder.LITTLE_ENDIAN);
    int rbufSize;
    /** Bytes moved by compaction so far: the cost this benchmark is about, counted. */
    long bytesMoved;
    /** Something of every response, so that the JIT cannot skip building them. */
    long checksum;

    /**
     * Feeds the whole of {@code batch} (position to limit) through the read buffer, "reading" as
     * much as fits each time, and handles every request in it.
     */
    public final void feed(ByteBuffer batch) {
        int from = batch.position();
        int end = batch.limit();
        while (from < end) {
            beforeRead();
            int n = Math.min(rbuf.capacity() - rbufSize, end - from);
            rbuf.put(rbufSize, batch, from, n); // the read(): kernel bytes land after what is there
            rbufSize += n;
            from += n;
            while (tryOneRequest()) {
                // pipelining: every whole request in the buffer, one after the other
            }
        }
        if (unconsumed() != 0) {
            throw new IllegalStateException("the batch must hold whole requests; left " + unconsumed());
        }
    }

    /** Gives room back before a read, if the strategy does it then. */
    abstract void beforeRead();

    /** Parses and answers one request, if a whole one is buffered. */
    abstract boolean tryOneRequest();

    /** Bytes read but not yet parsed. */
    abstract int unconsumed();

    /** The checksum of every response built so far. */
    public long checksum() {
        return checksum;
    }

    /** Bytes moved by compaction so far. */
    public long bytesMoved() {
        return bytesMoved;
    }

    /** Builds the echo of the request at {@code start} into wbuf, as chapter 6 does. */
    final void respond(int start, int len) {
        wbuf.clear();
        wbuf.putInt(0, len);
        wbuf.put(HEADER_SIZE, rbuf, start + HEADER_SIZE, len);
        checksum += wbuf.get(HEADER_SIZE + len - 1) + len;
    }

    /** Chapter 6: remove each request from the buffer as soon as it is handled. */
    public static final class CompactEveryRequest extends ReadBufferModel {
        @Override
        void beforeRead() {
            // nothing to do: the buffer always starts at 0
        }

        @Override
        int unconsumed() {
            return rbufSize;
        }

        // tag::compact-every-request[]
        @Override
        boolean tryOneRequest() {
            if (rbufSize < HEADER_SIZE) {
                return false;
            }
            long len = Integer.toUnsignedLong(rbuf.getInt(0));
            int msgSize = HEADER_SIZE + (int) len;
            if (msgSize > rbufSize) {
                return false;
            }
            respond(0, (int) len);
            // remove the request from the buffer: move everything behind it to the front
            int remain = rbufSize - msgSize;
            if (remain > 0) {
                rbuf.limit(rbufSize).position(msgSize);
                rbuf.compact();
                bytesMoved += remain;
            }
            rbufSize = remain;
            return true;
        }
        // end::compact-every-request[]
    }

    /** The solutions: advance a start offset; move bytes only when a read needs the room. */
    public static final class DeferredCompaction extends ReadBufferModel {
        int rbufStart;

        @Override
        int unconsumed() {
            return rbufSize - rbufStart;
        }

        // tag::deferred-compaction[]
        @Override
        void beforeRead() {
            if (rbufStart == rbufSize) {
                // everything consumed: start over at the front, nothing to move
                rbufStart = 0;
                rbufSize = 0;
            } else if (rbufSize == rbuf.capacity()) {
                // no room left after the data: move the partial message to the front
                int remain = rbufSize - rbufStart;
                rbuf.limit(rbufSize).position(rbufStart);
                rbuf.compact();
                bytesMoved += remain;
                rbufStart = 0;
                rbufSize = remain;
            }
        }

        @Override
        boolean tryOneRequest() {
            int unconsumed = rbufSize - rbufStart;
            if (unconsumed < HEADER_SIZE) {
                return false;
            }
            long len = Integer.toUnsignedLong(rbuf.getInt(rbufStart));
            int msgSize = HEADER_SIZE + (int) len;
            if (msgSize > unconsumed) {
                return false;
            }
            respond(rbufStart, (int) len);
            rbufStart += msgSize; // the bytes stay; beforeRead moves them only if it needs the room
            return true;
        }
        // end::deferred-compaction[]
    }

    /** A batch of {@code depth} requests of {@code size} payload bytes, as one stream of bytes. */
    public static ByteBuffer batch(int depth, int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(depth * (HEADER_SIZE + size)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < depth; i++) {
            int off = i * (HEADER_SIZE + size);
            b.putInt(off, size);
            for (int j = 0; j < size; j++) {
                b.put(off + HEADER_SIZE + j, (byte) (i + j));
            }
        }
        return b;
    }
}

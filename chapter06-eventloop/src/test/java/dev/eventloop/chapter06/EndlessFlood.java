package dev.eventloop.chapter06;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client that floods the server with pipelined requests, {@link Flood}'s, and does not stop:
 * it fills the kernel's buffers while the server does not read ({@link #fill}), then goes on
 * sending, and reads every answer back, each on a thread of its own ({@link #flow}), until it is
 * closed. A server that reads one connection until a read finds nothing serves nothing else for
 * as long as this one keeps up.
 */
final class EndlessFlood implements AutoCloseable {
    private static final byte[] REQUEST = Flood.REQUEST;
    /** The most {@link #fill} sends: plenty, and bounded, whatever the kernel's buffers. */
    private static final long MAX_FILL = 4 << 20;

    private final SocketChannel channel;
    private final ByteBuffer requests;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean closing;

    private EndlessFlood(SocketChannel channel) {
        this.channel = channel;
        this.requests = Flood.requests();
    }

    /** Connects to the server on 127.0.0.1; reads give up after {@value Wire#READ_TIMEOUT_MILLIS} ms. */
    static EndlessFlood connect(int port) throws IOException {
        return new EndlessFlood(Flood.open(port));
    }

    /** One request and its answer, before the flood: the server has accepted this connection once it returns. */
    void roundTrip() throws IOException {
        channel.write(ByteBuffer.wrap(REQUEST));
        byte[] answer = channel.socket().getInputStream().readNBytes(Flood.REQUEST_SIZE);
        if (!Arrays.equals(answer, REQUEST)) {
            throw new IOException("the answer to the flood's first request differs from it");
        }
    }

    /**
     * Sends requests until the kernel takes no more (the server's receive buffer and this
     * client's send buffer are full), or {@code most} bytes, or 4 MiB. Call it while the server
     * does not read.
     *
     * @return the bytes the kernel took
     */
    long fill(long most) throws IOException {
        channel.configureBlocking(false);
        long limit = Math.min(most, MAX_FILL);
        long sent = 0;
        while (sent < limit) {
            int end = requests.limit();
            requests.limit((int) Math.min(end, requests.position() + limit - sent)); // no more than asked
            int n = channel.write(requests);
            requests.limit(end);
            if (n == 0) {
                break;
            }
            sent += n;
            if (!requests.hasRemaining()) {
                requests.rewind();
            }
        }
        return sent;
    }

    /**
     * From where {@link #fill} stopped, goes on sending requests and reading their answers, each
     * on a thread of its own, until {@link #close}; an answer that differs from its request ends
     * the reading, and {@link #failure} says so.
     */
    void flow() throws IOException {
        channel.configureBlocking(true);
        start("endless-flood-requests", () -> {
            while (!closing) {
                channel.write(requests);
                if (!requests.hasRemaining()) {
                    requests.rewind();
                }
            }
        });
        start("endless-flood-answers", () -> {
            InputStream in = channel.socket().getInputStream(); // a stream: its reads time out
            for (long i = 1; !closing; i++) {
                byte[] answer = in.readNBytes(Flood.REQUEST_SIZE);
                if (!closing && !Arrays.equals(answer, REQUEST)) {
                    failure.compareAndSet(null, String.format("answer %,d: %s", i, answer.length < Flood.REQUEST_SIZE
                            ? "the connection ended after " + answer.length + " of its " + Flood.REQUEST_SIZE + " bytes"
                            : "differs from its request"));
                    return;
                }
            }
        });
    }

    /** What went wrong with the flood's requests or answers before it was closed, or null. */
    String failure() {
        return failure.get();
    }

    /** Stops sending and reading, and closes the connection. */
    @Override
    public void close() throws IOException {
        closing = true;
        channel.close(); // ends a write or read under way
        for (Thread thread : threads) {
            try {
                thread.join(Wire.READ_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    private void start(String name, Io io) {
        Thread thread = new Thread(() -> {
            try {
                io.run();
            } catch (IOException e) {
                if (!closing) {
                    failure.compareAndSet(null, name + ": " + e);
                }
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }
}

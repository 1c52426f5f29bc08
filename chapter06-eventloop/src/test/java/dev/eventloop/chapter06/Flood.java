package dev.eventloop.chapter06;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A client that floods the server with pipelined requests: as many as the kernel takes while the
 * server is not reading ({@link #fill}), then it reads every answer back on a thread of its own,
 * so that the server's writes to it never wait for room.
 */
final class Flood implements AutoCloseable {
    /** One request on the wire: the 4-byte header and 396 bytes of text. */
    static final int REQUEST_SIZE = 400;
    static final String PAYLOAD_START = "flood ";
    /** One request, header included: {@value #REQUEST_SIZE} bytes. */
    static final byte[] REQUEST = Wire.encode(
            (PAYLOAD_START + "x".repeat(REQUEST_SIZE - 4 - PAYLOAD_START.length())).getBytes(StandardCharsets.UTF_8));
    /** Kernel buffers as large as the kernel allows, up to this: room for a flood on its way in, and its answers. */
    private static final int SOCKET_BUFFER = 1 << 20;
    /** The most {@link #fill} sends: plenty, and bounded, whatever the kernel's buffers. */
    private static final long MAX_FILL = 1 << 20;

    private final SocketChannel channel;
    private final ByteBuffer requests;
    private long sent;

    private Flood(SocketChannel channel) {
        this.channel = channel;
        this.requests = requests();
    }

    /** Connects to the server on 127.0.0.1; reads give up after {@value Wire#READ_TIMEOUT_MILLIS} ms. */
    static Flood connect(int port) throws IOException {
        return new Flood(open(port));
    }

    /** A connected flooding client's channel, with its fixed socket buffers; reads give up after {@value Wire#READ_TIMEOUT_MILLIS} ms. */
    static SocketChannel open(int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER); // before connecting: the window
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER); // is agreed when connecting
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channel.socket().setSoTimeout(Wire.READ_TIMEOUT_MILLIS);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** 160 requests back to back, to send over and over. */
    static ByteBuffer requests() {
        byte[] many = new byte[REQUEST_SIZE * 160];
        for (int at = 0; at < many.length; at += REQUEST_SIZE) {
            System.arraycopy(REQUEST, 0, many, at, REQUEST_SIZE);
        }
        return ByteBuffer.wrap(many);
    }

    /**
     * Sends requests until the kernel takes no more (the server's receive buffer and this
     * client's send buffer are full), or 1 MiB of them. Call it while the server does not read
     * (see {@link LoopHold}).
     *
     * @return the bytes now waiting in the kernel for the server
     */
    long fill() throws IOException {
        channel.configureBlocking(false);
        int n;
        while (sent < MAX_FILL && (n = channel.write(requests)) > 0) {
            sent += n;
            if (!requests.hasRemaining()) {
                requests.rewind();
            }
        }
        return sent;
    }

    /**
     * Sends the rest of the request that {@link #fill} may have cut short, then reads the answer
     * to every request on a thread of its own; the future completes when all of them have come
     * back, each equal to its request, or fails with what went wrong.
     */
    CompletableFuture<Void> finishAndReadAnswers() throws IOException {
        channel.configureBlocking(true);
        requests.limit(requests.position() + (int) ((REQUEST_SIZE - sent % REQUEST_SIZE) % REQUEST_SIZE));
        while (requests.hasRemaining()) {
            sent += channel.write(requests);
        }
        long answers = sent / REQUEST_SIZE;
        CompletableFuture<Void> reading = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                InputStream in = channel.socket().getInputStream(); // a stream: its reads time out
                for (long i = 0; i < answers; i++) {
                    byte[] answer = in.readNBytes(REQUEST_SIZE);
                    if (!Arrays.equals(answer, REQUEST)) {
                        throw new IOException(String.format("answer %,d of %,d: %s", i + 1, answers,
                                answer.length < REQUEST_SIZE ? "the connection ended after " + answer.length + " of its "
                                        + REQUEST_SIZE + " bytes" : "differs from its request"));
                    }
                }
                reading.complete(null);
            } catch (IOException e) {
                reading.completeExceptionally(e);
            }
        }, "flood-answers");
        reader.setDaemon(true);
        reader.start();
        return reading;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

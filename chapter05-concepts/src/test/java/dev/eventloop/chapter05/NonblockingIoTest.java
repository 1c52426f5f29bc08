package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Learning tests: how nonblocking channels behave, and how Java spells the C return values and
 * {@code errno}s of the book. Each runs on a real loopback connection ({@link LoopbackPair}).
 *
 * <p>A channel's {@code read} ignores {@code SO_TIMEOUT}, so every blocking channel read here
 * runs in a thread of its own, watched with Awaitility and ended by closing the channel.
 * Blocking reads in the test thread go through the socket's stream, which honours the timeout.
 */
@Timeout(60)
class NonblockingIoTest {
    /** Stop filling a send buffer after this much, whatever the OS's buffer sizes are. */
    private static final long MAX_FILL_BYTES = 256L * 1024 * 1024;

    private LoopbackPair pair;

    @BeforeEach
    void connect() throws IOException {
        pair = LoopbackPair.open();
    }

    @AfterEach
    void close() throws IOException {
        pair.close();
    }

    @Test
    void readWithNothingToReadReturnsZeroAtOnce() throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(16);

        // C: read() returns -1 and errno == EAGAIN. A blocking read would hang here until the timeout.
        assertThat(server.read(buf)).isZero();
        assertThat(buf.position()).isZero();
    }

    @Test
    void readReturnsWhatArrivedThenMinusOneOnceThePeerHasClosed() throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(16);

        pair.client().write(ByteBuffer.wrap(Net.bytes("hello")));
        await().atMost(Net.WAIT).until(() -> server.read(buf) >= 0 && buf.position() == 5);
        assertThat(new String(buf.array(), 0, 5, StandardCharsets.UTF_8)).isEqualTo("hello");

        pair.client().close();
        // Until the FIN arrives the read still says "nothing yet" (0); then end of stream: -1 (C: 0).
        await().atMost(Net.WAIT).until(() -> server.read(buf) == -1);
        assertThat(server.read(buf)).as("EOF is reported again, not just once").isEqualTo(-1);
    }

    @Test
    void acceptWithNoPendingConnectionReturnsNull() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);

            assertThat(listener.accept()).as("C: -1 with errno == EAGAIN").isNull();

            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
                AtomicReference<SocketChannel> accepted = new AtomicReference<>();
                await().atMost(Net.WAIT).until(() -> {
                    accepted.set(listener.accept());
                    return accepted.get() != null;
                });
                try (SocketChannel conn = accepted.get()) {
                    assertThat(conn.getRemoteAddress()).isEqualTo(client.getLocalAddress());
                }
            }
        }
    }

    @Test
    void writeToAPeerThatNeverReadsTakesFewerBytesThanAskedThenZero() throws IOException {
        LoopbackPair.Fill fill = pair.fillClientSendBuffer(MAX_FILL_BYTES);

        assertThat(fill.full()).as("a write returned 0 before " + MAX_FILL_BYTES + " bytes").isTrue();
        assertThat(fill.firstShortWrite()).as("some write took fewer bytes than asked")
                .isBetween(0, LoopbackPair.CHUNK - 1);
        assertThat(fill.bytesTaken()).isPositive();

        // What the writes said they took is exactly what arrives, in order: hence a bytes-sent cursor.
        InputStream in = pair.server().socket().getInputStream(); // blocking, with the read timeout
        byte[] buf = new byte[LoopbackPair.CHUNK];
        long received = 0;
        while (received < fill.bytesTaken()) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, fill.bytesTaken() - received));
            assertThat(n).as("bytes still expected").isPositive();
            for (int i = 0; i < n; i++) {
                if (buf[i] != LoopbackPair.patternByte(received + i)) {
                    throw new AssertionError("byte " + (received + i) + " differs");
                }
            }
            received += n;
        }
        pair.server().configureBlocking(false);
        assertThat(pair.server().read(ByteBuffer.allocate(1))).as("nothing beyond what write reported").isZero();
    }

    @Test
    void aBlockingReadWaitsForData() throws Exception {
        SocketChannel server = pair.server(); // a new channel is blocking
        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = startReader(server, result);
        try {
            await().during(Duration.ofMillis(500)).atMost(Net.WAIT).until(() -> result.get() == null);

            pair.client().write(ByteBuffer.wrap(new byte[] {42}));

            await().atMost(Net.WAIT).until(() -> result.get() != null);
            assertThat(result.get()).isEqualTo(1);
        } finally {
            server.close(); // ends the read if the test failed while it was still blocked
            reader.join(Net.WAIT.toMillis());
        }
    }

    @Test
    void aChannelReadIgnoresSoTimeoutButTheSocketStreamHonoursIt() throws Exception {
        SocketChannel server = pair.server();
        server.socket().setSoTimeout(100);

        assertThatThrownBy(() -> server.socket().getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = startReader(server, result);
        try {
            // Many times the timeout, and the channel read is still waiting.
            await().during(Duration.ofMillis(1_000)).atMost(Net.WAIT).until(() -> result.get() == null);
        } finally {
            server.close();
            reader.join(Net.WAIT.toMillis());
        }
        assertThat(result.get()).as("ended by the close, not by a timeout").isInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void interruptingAThreadBlockedInAChannelReadClosesTheChannel() throws Exception {
        SocketChannel server = pair.server();
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            reading.countDown();
            try {
                result.set(server.read(ByteBuffer.allocate(16)));
            } catch (IOException e) {
                result.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "blocked-reader");
        reader.start();
        try {
            reading.await();
            await().during(Duration.ofMillis(200)).atMost(Net.WAIT).until(() -> result.get() == null);

            reader.interrupt();

            await().atMost(Net.WAIT).until(() -> stillInterrupted.get() != null);
            // No EINTR to retry: the read does not come back with "try again", the channel is gone.
            assertThat(result.get()).isInstanceOf(ClosedByInterruptException.class);
            assertThat(stillInterrupted.get()).as("the interrupt status stays set").isTrue();
            assertThat(server.isOpen()).isFalse();
            assertThat(pair.client().socket().getInputStream().read()).as("the peer sees EOF").isEqualTo(-1);
        } finally {
            server.close();
            reader.join(Net.WAIT.toMillis());
        }
    }

    @Test
    void aNonblockingReadIgnoresTheInterruptStatus() throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false);
        Thread.currentThread().interrupt();
        try {
            // Only blocking channel operations are interruptible: this is why an interrupt cannot
            // close an event loop's sockets under it.
            assertThat(server.read(ByteBuffer.allocate(16))).isZero();
            assertThat(server.isOpen()).isTrue();
        } finally {
            assertThat(Thread.interrupted()).as("the status was still set (and is now cleared)").isTrue();
        }
    }

    /** Starts a thread that reads once from {@code channel} and stores what read() returned or threw. */
    private static Thread startReader(SocketChannel channel, AtomicReference<Object> result)
            throws InterruptedException {
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            reading.countDown();
            try {
                result.set(channel.read(ByteBuffer.allocate(16)));
            } catch (IOException e) {
                result.set(e);
            }
        }, "blocking-reader");
        reader.start();
        reading.await();
        return reader;
    }
}

package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Learning tests: what a {@link Selector} reports, and when. The Selector is Java's
 * {@code poll}/{@code epoll}: one call that waits until some registered channel is ready.
 *
 * <p>Two Java details matter in every test. A channel must be nonblocking to be registered.
 * And the selector only ever <em>adds</em> keys to its selected-key set: the caller empties it,
 * or the next select does not count a key that is still in there.
 */
@Timeout(60)
class ReadinessTest {
    /** The longest a select waits for something that must happen. */
    private static final long WAIT_MILLIS = Net.WAIT.toMillis();
    private static final long MAX_FILL_BYTES = 256L * 1024 * 1024;
    private static final int MAX_FILL_ROUNDS = 50;

    private LoopbackPair pair;
    private Selector selector;

    @BeforeEach
    void open() throws IOException {
        pair = LoopbackPair.open();
        selector = Selector.open();
    }

    @AfterEach
    void close() throws IOException {
        selector.close();
        pair.close();
    }

    @Test
    void aChannelBecomesReadableOnlyAfterThePeerWrites() throws IOException {
        SelectionKey key = registerServerForRead();

        assertThat(selector.selectNow()).as("nothing sent yet").isZero();

        pair.client().write(ByteBuffer.wrap(Net.bytes("hi")));

        assertThat(selector.select(WAIT_MILLIS)).isEqualTo(1);
        assertThat(selector.selectedKeys()).containsExactly(key);
        assertThat(key.isReadable()).isTrue();
    }

    @Test
    void readinessIsLevelTriggered() throws IOException {
        SelectionKey key = registerServerForRead();
        pair.client().write(ByteBuffer.wrap(Net.bytes("0123456789")));

        // Reported, and reported again without reading: nothing new arrived, the data is still there.
        assertThat(selector.select(WAIT_MILLIS)).isEqualTo(1);
        selector.selectedKeys().clear();
        assertThat(selector.select(WAIT_MILLIS)).as("reported again while unread").isEqualTo(1);
        selector.selectedKeys().clear();

        // Read a little at a time: each select reports it while bytes remain, then no more.
        ByteBuffer four = ByteBuffer.allocate(4);
        int received = 0;
        int rounds = 0;
        while (received < 10) {
            assertThat(selector.select(WAIT_MILLIS)).as("readable with %d of 10 bytes read", received).isEqualTo(1);
            assertThat(key.isReadable()).isTrue();
            selector.selectedKeys().clear();
            four.clear();
            received += pair.server().read(four);
            rounds++;
        }
        assertThat(rounds).as("at most 4 bytes per read").isGreaterThanOrEqualTo(3);
        assertThat(selector.selectNow()).as("all read: not readable any more").isZero();
    }

    @Test
    void theSelectedKeySetIsNeverClearedForYou() throws IOException {
        SelectionKey key = registerServerForRead();
        pair.client().write(ByteBuffer.wrap(Net.bytes("x")));
        assertThat(selector.select(WAIT_MILLIS)).isEqualTo(1);

        // Not cleared: the key is still in the set, still readable, and not counted again.
        assertThat(selector.selectNow()).isZero();
        assertThat(selector.selectedKeys()).containsExactly(key);
        assertThat(key.isReadable()).isTrue();

        selector.selectedKeys().clear();
        assertThat(selector.selectNow()).as("counted again once cleared").isEqualTo(1);
    }

    @Test
    void opWriteIsReadyUntilTheSendBufferIsFull() throws IOException {
        SocketChannel client = pair.client();
        client.configureBlocking(false);
        SelectionKey key = client.register(selector, SelectionKey.OP_WRITE);

        // An empty send buffer: writable at once, and again, and again (which is why a loop that
        // asks for OP_WRITE with nothing to send would spin).
        for (int i = 0; i < 3; i++) {
            assertThat(selector.selectNow()).as("writable right after connecting").isEqualTo(1);
            assertThat(key.isWritable()).isTrue();
            selector.selectedKeys().clear();
        }

        // Full: write() returns 0 and OP_WRITE is not ready. Acknowledgements may free some room
        // just after a fill, so fill and look again, a bounded number of times.
        boolean sawNotWritable = false;
        for (int round = 0; round < MAX_FILL_ROUNDS && !sawNotWritable; round++) {
            LoopbackPair.Fill fill = pair.fillClientSendBuffer(MAX_FILL_BYTES);
            assertThat(fill.full()).as("a write returned 0 before " + MAX_FILL_BYTES + " bytes").isTrue();
            sawNotWritable = selector.selectNow() == 0;
            selector.selectedKeys().clear();
        }
        assertThat(sawNotWritable).as("selectNow() returned 0 right after write() returned 0").isTrue();

        // The peer reads everything: the send buffer empties and OP_WRITE is ready again.
        InputStream in = pair.server().socket().getInputStream();
        byte[] buf = new byte[LoopbackPair.CHUNK];
        long received = 0;
        while (received < pair.clientBytesSent()) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, pair.clientBytesSent() - received));
            assertThat(n).isPositive();
            received += n;
        }
        assertThat(selector.select(WAIT_MILLIS)).as("writable again").isEqualTo(1);
        assertThat(key.isWritable()).isTrue();
    }

    @Test
    void aClosedPeerShowsUpAsReadableAndTheReadReturnsMinusOne() throws IOException {
        SelectionKey key = registerServerForRead();

        pair.client().close();

        assertThat(selector.select(WAIT_MILLIS)).isEqualTo(1);
        assertThat(key.isReadable()).as("no separate 'hang up' flag: EOF is something to read").isTrue();
        assertThat(pair.server().read(ByteBuffer.allocate(16))).isEqualTo(-1);
    }

    @Test
    void aListenerBecomesAcceptableWhenAClientConnects() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            SelectionKey key = listener.register(selector, SelectionKey.OP_ACCEPT);
            assertThat(selector.selectNow()).isZero();

            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
                assertThat(selector.select(WAIT_MILLIS)).isEqualTo(1);
                assertThat(key.isAcceptable()).isTrue();
                try (SocketChannel accepted = listener.accept()) {
                    assertThat(accepted.getRemoteAddress()).isEqualTo(client.getLocalAddress());
                }
            }
        }
    }

    @Test
    void wakeupOrInterruptEndsABlockedSelectAndClosesNothing() throws Exception {
        SelectionKey key = registerServerForRead();

        assertThat(selectInAnotherThread(Thread::interrupt)).isZero();
        assertThat(selectInAnotherThread(thread -> selector.wakeup())).isZero();

        assertThat(pair.server().isOpen()).isTrue();
        assertThat(key.isValid()).isTrue();
    }

    private SelectionKey registerServerForRead() throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false); // a blocking channel cannot be registered
        return server.register(selector, SelectionKey.OP_READ);
    }

    /** Runs a select() with no timeout in a new thread, applies {@code stop} to that thread, and returns what select returned. */
    private int selectInAnotherThread(java.util.function.Consumer<Thread> stop) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        CountDownLatch selecting = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            selecting.countDown();
            try {
                result.set(selector.select()); // nothing is ready: waits until woken
            } catch (IOException e) {
                result.set(e);
            }
        }, "selecting");
        thread.start();
        try {
            selecting.await();
            stop.accept(thread);
            await().atMost(Net.WAIT).until(() -> result.get() != null);
            return (Integer) result.get();
        } finally {
            thread.join(Net.WAIT.toMillis());
        }
    }
}

package dev.eventloop.exercises;

import static dev.eventloop.exercises.Poll.POLLIN;
import static dev.eventloop.exercises.Poll.POLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventloop.exercises.Poll.PollFd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(GuardFailures.class)
@Guards(value = "the Poll wrapper behaves as poll(2) does, and counts every entry it declares and examines",
        read = "docs/06-eventloop.md#javas-poll-the-poll-class")
class PollTest {
    private final Stats stats = new Stats();
    private Poll poll;
    private ServerSocketChannel listener;
    private SocketChannel client;
    private SocketChannel accepted;

    @BeforeEach
    void setUp() throws IOException {
        poll = new Poll(stats);
        listener = ServerSocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        client = SocketChannel.open(listener.getLocalAddress());
        accepted = acceptBlocking();
        accepted.configureBlocking(false);
    }

    @AfterEach
    void tearDown() throws IOException {
        poll.close();
        client.close();
        accepted.close();
        listener.close();
    }

    @Test
    void reportsReadableOnlyAfterThePeerWrites() throws IOException {
        PollFd in = new PollFd(accepted, POLLIN);
        assertThat(poll.poll(List.of(in), 0)).isZero();
        assertThat(in.revents()).isZero();

        client.write(ByteBuffer.wrap(new byte[] {1}));
        PollFd again = new PollFd(accepted, POLLIN);
        assertThat(poll.poll(List.of(again), 5_000)).isEqualTo(1);
        assertThat(again.revents()).isEqualTo(POLLIN);
    }

    @Test
    void reportsWhatEachEntryAskedFor() throws IOException {
        PollFd out = new PollFd(accepted, POLLOUT);
        assertThat(poll.poll(List.of(out), 5_000)).isEqualTo(1);
        assertThat(out.revents()).as("an empty send buffer is writable").isEqualTo(POLLOUT);
    }

    @Test
    void aListenerIsReadableWhenAConnectionWaits() throws IOException {
        PollFd listen = new PollFd(listener, POLLIN);
        assertThat(poll.poll(List.of(listen), 0)).isZero();

        try (SocketChannel second = SocketChannel.open(listener.getLocalAddress())) {
            PollFd again = new PollFd(listener, POLLIN);
            assertThat(poll.poll(List.of(again), 5_000)).isEqualTo(1);
            assertThat(again.revents()).isEqualTo(POLLIN);
            assertThat(second.isConnected()).isTrue();
        }
    }

    @Test
    void aChannelLeftOutOfTheListIsNotWatched() throws IOException {
        poll.poll(List.of(new PollFd(accepted, POLLIN)), 0);
        client.write(ByteBuffer.wrap(new byte[] {1}));

        PollFd listen = new PollFd(listener, POLLIN);
        assertThat(poll.poll(List.of(listen), 200)).isZero();
    }

    @Test
    void everyCallDeclaresAndExaminesEveryEntry() throws IOException {
        List<PollFd> fds = List.of(new PollFd(listener, POLLIN), new PollFd(accepted, POLLIN));
        for (int i = 0; i < 5; i++) {
            poll.poll(fds, 0);
        }
        assertThat(stats.waits()).isEqualTo(5);
        assertThat(stats.interestUpdates()).isEqualTo(10);
        assertThat(stats.entriesExamined()).isEqualTo(10);
        assertThat(stats.registeredKeys()).isEqualTo(2);
    }

    private SocketChannel acceptBlocking() throws IOException {
        listener.configureBlocking(true);
        SocketChannel channel = listener.accept();
        listener.configureBlocking(false);
        return channel;
    }
}

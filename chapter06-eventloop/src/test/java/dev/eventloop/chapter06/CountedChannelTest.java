package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class CountedChannelTest {

    @Test
    void isOpenUntilClosedAndItsCloseClosesTheSocketAndCountsOnce() throws IOException {
        Stats stats = new Stats();
        try (SocketChannel socket = SocketChannel.open()) {
            CountedChannel channel = new CountedChannel(socket, stats);
            assertThat(channel.isOpen()).isTrue();
            assertThat(stats.openChannels()).isEqualTo(1);

            channel.close();
            assertThat(channel.isOpen()).isFalse();
            assertThat(socket.isOpen()).as("the socket underneath").isFalse();

            channel.close(); // closing twice is allowed, as for any channel
            assertThat(stats.openChannels()).as("closed once, counted once").isZero();
        }
    }
}

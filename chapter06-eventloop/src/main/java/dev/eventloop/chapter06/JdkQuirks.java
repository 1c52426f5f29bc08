package dev.eventloop.chapter06;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** What a Java server must do that the book's C server need not: the JDK's own quirks, worked around. */
final class JdkQuirks {
    private JdkQuirks() {
    }

    // tag::close-one-channel-early[]
    /**
     * The JDK sets up its socket-closing machinery ({@code sun.nio.ch.FileDispatcherImpl}) on the
     * first close of a socket, and that setup needs a spare file descriptor. If the first close
     * came while the process is out of descriptors, the setup would fail for good, and every later
     * close would throw {@code NoClassDefFoundError}: the loop would die just as clients leave
     * and free descriptors. Closing one channel now, while descriptors are plentiful, avoids that.
     */
    static void closeOneChannelEarly() throws IOException {
        SocketChannel.open().close();
    }
    // end::close-one-channel-early[]
}

package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A server that fails to start, or is closed before it ran, leaves no socket or selector open.
 * The counts come from {@code /proc/self/fd}, so those tests run on Linux only.
 */
@Timeout(30)
class DescriptorLeakTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();

    @Test
    void openingOnAPortInUseThrows() throws IOException {
        try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            assertThatThrownBy(() -> openOn(port(taken))).isInstanceOf(BindException.class);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "counts descriptors in /proc/self/fd")
    void aFailedOpenLeavesNoDescriptorOpen() throws IOException {
        try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = port(taken);
            assertNoDescriptorLeftBy(() -> assertThatThrownBy(() -> openOn(port)).isInstanceOf(BindException.class));
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "counts descriptors in /proc/self/fd")
    void closeBeforeRunLeavesNoDescriptorOpen() {
        assertNoDescriptorLeftBy(() -> openOn(0).close()); // the listener and the poller's selector
    }

    /** Runs {@code action} twice, the first time for what the JDK opens once for good; the second leaves nothing. */
    private static void assertNoDescriptorLeftBy(IoAction action) {
        action.runUnchecked();
        await().until(() -> openDescriptors() >= 0); // loads what the wait below needs, from its jar too
        long before = openDescriptors();
        action.runUnchecked();
        // a descriptor closed elsewhere in the JVM meanwhile may lower the count; a leak never goes away
        await("descriptors back to " + before).atMost(Duration.ofSeconds(5)).until(() -> openDescriptors() <= before);
    }

    private Server openOn(int port) throws IOException {
        return Server.open(Options.parse("--port", Integer.toString(port)), log::add);
    }

    private static int port(ServerSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface IoAction {
        void run() throws IOException;

        default void runUnchecked() {
            try {
                run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

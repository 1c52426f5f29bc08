package dev.eventloop.chapter04;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The book listens with {@code listen(fd, SOMAXCONN)}: that many clients may wait for
 * {@code accept} at once. With the JDK's default backlog of 50, client 52 would wait for SYN
 * retransmits instead, and here run into its connect timeout.
 */
@Timeout(120)
@EnabledOnOs(value = OS.LINUX, disabledReason = "reads the kernel's cap from /proc/sys/net/core/somaxconn")
class ListenBacklogTest {
    /** {@code SOMAXCONN} on a current Linux. */
    private static final int SOMAXCONN = 4096;

    @BeforeAll
    static void theKernelAndTheDescriptorLimitAllowIt() throws IOException {
        // (Files.readString would see one byte of this file: procfs reports a size of 0)
        int cap = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
        assumeTrue(cap >= SOMAXCONN, "net.core.somaxconn is " + cap + ", and the kernel caps every backlog there");
        long descriptors = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assumeTrue(descriptors > SOMAXCONN + 1000, "this JVM may open only " + descriptors + " descriptors");
    }

    @Test
    void somaxconnClientsCanConnectBeforeTheServerAcceptsAny() throws IOException {
        List<Socket> clients = new ArrayList<>();
        try (Server server = Server.open("127.0.0.1", 0, true, line -> { })) { // never serves: nobody accepts
            for (int i = 1; i <= SOMAXCONN; i++) {
                Socket client = new Socket();
                clients.add(client);
                try {
                    client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000); // queued in the backlog
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("client " + i + " of " + SOMAXCONN + " found the backlog full", e);
                }
            }
            assertThat(clients).hasSize(SOMAXCONN).allMatch(Socket::isConnected);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }
}

package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The book listens with {@code listen(fd, SOMAXCONN)}: many clients may wait for {@code accept}
 * at once. With the JDK's default backlog of 50, client 52 would wait for SYN retransmits
 * instead, and here run into its connect timeout. {@value #CLIENTS} clients stay below every
 * kernel's own cap ({@code net.core.somaxconn} is at least 128), so the test needs no tuning.
 */
@Timeout(60)
class ListenBacklogTest {
    /** More than the JDK's default backlog of 50 allows, fewer than any kernel's cap. */
    private static final int CLIENTS = 100;

    @Test
    void aHundredClientsCanConnectBeforeTheServerAcceptsAny() throws IOException {
        List<Socket> clients = new ArrayList<>();
        try (Server server = Server.open(Options.parse("--port", "0", "--quiet"), line -> { })) { // no run(): nobody accepts
            for (int i = 1; i <= CLIENTS; i++) {
                Socket client = new Socket();
                clients.add(client);
                try {
                    client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000); // queued in the backlog
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("client " + i + " of " + CLIENTS + " found the backlog full", e);
                }
            }
            assertThat(clients).hasSize(CLIENTS).allMatch(Socket::isConnected);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }
}

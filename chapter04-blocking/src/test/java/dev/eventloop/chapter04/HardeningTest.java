package dev.eventloop.chapter04;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Failures a server meets in production, as they apply to the blocking server. */
@Timeout(60)
class HardeningTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();

    @Test
    void aFailingAcceptIsRetriedAfterAPauseAndLoggedOncePerEpisode() throws Exception {
        AtomicBoolean outOfDescriptors = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        Server server = Server.open("127.0.0.1", 0, true, log::add);
        try {
            server.acceptWith(listener -> {
                if (outOfDescriptors.get()) {
                    failures.incrementAndGet();
                    throw new IOException("Too many open files");
                }
                return listener.accept();
            });
            Thread thread = new Thread(server::serve, "chapter04-server");
            thread.start();
            try (Socket waiting = connect(server.port())) { // queued in the kernel's backlog
                await().until(() -> failures.get() >= 3);
                assertThat(log).containsExactly("accept() error: Too many open files; retrying every 100 ms");

                outOfDescriptors.set(false);
                Protocol.writeAll(waiting.getOutputStream(), Protocol.encode("in".getBytes(StandardCharsets.UTF_8)));
                assertThat(Protocol.readMessage(waiting.getInputStream())).isEqualTo("in".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(log).contains("accept() works again");
            server.close();
            thread.join(5_000);
            assertThat(thread.isAlive()).isFalse();
        } finally {
            server.close();
        }
    }

    @Test
    void aClientThatShutsDownItsSendingSideStillGetsEveryResponse() throws Exception {
        Server server = Server.open("127.0.0.1", 0, true, log::add);
        try {
            Thread thread = new Thread(server::serve, "chapter04-server");
            thread.start();
            try (Socket socket = connect(server.port())) {
                for (int i = 0; i < 20; i++) {
                    socket.getOutputStream().write(Protocol.encode(("req " + i).getBytes(StandardCharsets.UTF_8)));
                }
                socket.shutdownOutput();
                for (int i = 0; i < 20; i++) {
                    assertThat(Protocol.readMessage(socket.getInputStream())).isEqualTo(("req " + i).getBytes(StandardCharsets.UTF_8));
                }
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
            server.close();
            thread.join(5_000);
            assertThat(thread.isAlive()).isFalse();
        } finally {
            server.close();
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows has no SIGTERM: destroy() skips shutdown hooks")
    void ctrlCStopsTheServerProcessCleanly() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Server.class.getName(), "--port", "0", "--quiet").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            try (Client client = Client.connect("127.0.0.1", port)) {
                assertThat(client.query("hello")).isEqualTo("hello");

                // SIGTERM runs the same shutdown hooks as Ctrl-C; through the handle, the JDK leaves
                // the process's output open for us to read
                process.toHandle().destroy();

                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(out.readLine()).isEqualTo("stopped");
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }
}

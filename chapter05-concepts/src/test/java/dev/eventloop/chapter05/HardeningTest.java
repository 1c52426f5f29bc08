package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Failures a server meets in production, as they apply to this chapter's two servers. */
@Timeout(60)
class HardeningTest {
    private final Queue<String> log = new ConcurrentLinkedQueue<>();

    @Test
    void threadedServerRetriesAFailingAcceptAfterAPauseAndLogsItOnce() throws Exception {
        AtomicBoolean outOfDescriptors = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        ThreadedServer server = ThreadedServer.open("127.0.0.1", 0, true, log::add);
        server.acceptWith(listener -> {
            if (outOfDescriptors.get()) {
                failures.incrementAndGet();
                throw new IOException("Too many open files");
            }
            return listener.accept();
        });
        assertAcceptFailureEpisode(server, server.port(), server::serve, outOfDescriptors, failures::get,
                "accept() error: Too many open files; retrying every 100 ms");
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "needs a shell with ulimit")
    void aThreadedServerProcessThatReallyRunsOutOfDescriptorsRecovers() throws Exception {
        // a server process allowed 64 descriptors, and 70 clients: the real "Too many open files"
        String classes = Paths.get(ThreadedServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder("/bin/sh", "-c", "ulimit -n 64 && exec \"$0\" -cp \"$1\" "
                + ThreadedServer.class.getName() + " --port 0 --quiet", java, classes).redirectErrorStream(true).start();
        List<Socket> crowd = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            try (Socket existing = Net.connect(port)) {
                // no request before the flood: the first closes happen while out of descriptors
                for (int i = 0; i < 70; i++) {
                    crowd.add(Net.connect(port)); // the kernel completes these even when accept cannot
                }
                assertThat(out.readLine()).startsWith("accept() error: Too many open files");
                assertThat(Net.query(existing, "during")).isEqualTo("during");

                for (Socket socket : crowd) {
                    socket.close();
                }
                assertThat(out.readLine()).isEqualTo("accept() works again");
                try (Socket late = Net.connect(port)) {
                    assertThat(Net.query(late, "after")).isEqualTo("after");
                }
            }
            process.toHandle().destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).as("one error line per episode, then a clean stop").isEqualTo("stopped");
        } finally {
            for (Socket socket : crowd) {
                socket.close();
            }
            process.destroyForcibly();
        }
    }

    @Test
    void threadedServerAnswersAClientThatShutsDownItsSendingSide() throws Exception {
        ThreadedServer server = ThreadedServer.open("127.0.0.1", 0, true, log::add);
        assertHalfClosedClientGetsEveryResponse(server, server.port(), server::serve);
    }

    @Test
    void eventLoopAnswersAClientThatShutsDownItsSendingSide() throws Exception {
        EventLoopSketch server = new EventLoopSketch("127.0.0.1", 0, true, log::add);
        assertHalfClosedClientGetsEveryResponse(server, server.port(), server::serve);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows has no SIGTERM: destroy() skips shutdown hooks")
    void ctrlCStopsTheThreadedServerProcessCleanly() throws Exception {
        assertCtrlCStopsCleanly(ThreadedServer.class);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows has no SIGTERM, and may reset the sockets of a killed process")
    void ctrlCEndsTheEventLoopProcessAndTheKernelClosesItsConnections() throws Exception {
        // The sketch has no shutdown hook (chapter 6's server has one): the JVM just ends.
        Process process = startServer(EventLoopSketch.class);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            try (Socket client = Net.connect(listeningPort(out))) {
                assertThat(Net.query(client, "hello")).isEqualTo("hello");

                process.toHandle().destroy(); // SIGTERM, as Ctrl-C sends SIGINT: the JVM exits either way

                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(client.getInputStream().read()).as("the kernel closed the server's sockets").isEqualTo(-1);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private void assertAcceptFailureEpisode(Closeable server, int port, Runnable serve, AtomicBoolean outOfDescriptors,
            IntSupplier failures, String errorLine) throws Exception {
        Thread thread = new Thread(serve, "chapter05-server");
        thread.start();
        try (Socket existing = Net.connect(port)) {
            assertThat(Net.query(existing, "before")).isEqualTo("before");
            outOfDescriptors.set(true);
            // A blocking accept() that was already waiting (the threaded server's) takes this
            // connection; every call after it fails.
            try (Socket trigger = Net.connect(port)) {
                await().atMost(Net.WAIT).until(() -> failures.getAsInt() >= 1);
                try (Socket waiting = Net.connect(port)) { // queued in the kernel's backlog
                    await().atMost(Net.WAIT).until(() -> failures.getAsInt() >= 3);
                    assertThat(log).containsExactly(errorLine);

                    // Paused, not spinning: a retry every 100 ms is a handful in half a second.
                    int before = failures.getAsInt();
                    await().during(Duration.ofMillis(500)).atMost(Net.WAIT)
                            .until(() -> failures.getAsInt() - before <= 50);
                    assertThat(Net.query(existing, "during")).as("connections already open are still served")
                            .isEqualTo("during");

                    outOfDescriptors.set(false);
                    assertThat(Net.query(waiting, "in")).isEqualTo("in");
                    assertThat(Net.query(trigger, "too")).isEqualTo("too");
                }
            }
            assertThat(log).containsExactly(errorLine, "accept() works again");
        } finally {
            server.close();
            thread.join(Net.WAIT.toMillis());
        }
        assertThat(thread.isAlive()).isFalse();
    }

    private static void assertHalfClosedClientGetsEveryResponse(Closeable server, int port, Runnable serve)
            throws Exception {
        Thread thread = new Thread(serve, "chapter05-server");
        thread.start();
        try (Socket socket = Net.connect(port)) {
            for (int i = 0; i < 20; i++) {
                Net.send(socket, Protocol.encode(Net.bytes("req " + i)));
            }
            socket.shutdownOutput(); // "no more requests", but still listening for the answers
            for (int i = 0; i < 20; i++) {
                assertThat(Net.readString(socket)).isEqualTo("req " + i);
            }
            assertThat(socket.getInputStream().read()).as("then the server closes").isEqualTo(-1);
        } finally {
            server.close();
            thread.join(Net.WAIT.toMillis());
        }
        assertThat(thread.isAlive()).isFalse();
    }

    private static Process startServer(Class<?> mainClass) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                mainClass.getName(), "--port", "0", "--quiet").redirectErrorStream(true).start();
    }

    /** Reads the server's first line, {@code listening on 127.0.0.1:PORT}, and returns the port. */
    private static int listeningPort(BufferedReader out) throws IOException {
        String first = out.readLine();
        assertThat(first).startsWith("listening on 127.0.0.1:");
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    private static void assertCtrlCStopsCleanly(Class<?> mainClass) throws Exception {
        Process process = startServer(mainClass);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            try (Client client = Client.connect("127.0.0.1", listeningPort(out))) {
                assertThat(client.query("hello")).isEqualTo("hello");

                // SIGTERM runs the same shutdown hooks as Ctrl-C; through the handle, the JDK leaves
                // the process's output open for us to read
                process.toHandle().destroy();

                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(out.readLine()).as("printed once the listener and every connection are closed")
                        .isEqualTo("stopped");
            }
        } finally {
            process.destroyForcibly();
        }
    }
}

package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/** The failures every event loop meets in production, each handled by this server. */
@Timeout(120)
@ExtendWith({GuardFailures.class, LoopThreadFailures.class})
class HardeningTest {

    @Test
    @Guards(value = "when accept fails for want of descriptors, the loop pauses accepting for 100 ms at a time instead"
            + " of retrying at once, logs the episode once, and keeps serving its connections",
            read = "docs/07-production-failures.md#1-running-out-of-descriptors")
    void runningOutOfDescriptorsBacksOffInsteadOfSpinningAndKeepsServing() throws IOException {
        AtomicBoolean outOfDescriptors = new AtomicBoolean();
        try (RunningServer running = RunningServer.accepting(listener -> {
            if (outOfDescriptors.get()) {
                throw new IOException("Too many open files"); // what accept(2) reports as EMFILE
            }
            return listener.accept();
        }, "--quiet"); Socket existing = Wire.connect(running.port())) {
            roundTrip(existing, "before");

            outOfDescriptors.set(true);
            long attemptsBefore = running.stats().acceptAttempts();
            try (Socket waiting = Wire.connect(running.port())) { // completes in the kernel's backlog
                await("the loop tried to accept the waiting client")
                        .until(() -> running.stats().acceptAttempts() > attemptsBefore);
                // The listener stays readable all through the episode: a loop that retried at once
                // would call accept() on every iteration, thousands of times while these run.
                for (int i = 0; i < 200; i++) {
                    roundTrip(existing, "during " + i);
                }
                long attempts = running.stats().acceptAttempts() - attemptsBefore;
                assertThat(attempts).as("accept attempts while out of descriptors").isLessThanOrEqualTo(20);
                // ...and each pause ends: the listener, still readable, is tried again
                long attemptsSoFar = running.stats().acceptAttempts();
                await("another accept attempt once a 100 ms pause is over: the listener watched again")
                        .atMost(Duration.ofSeconds(5)).until(() -> running.stats().acceptAttempts() > attemptsSoFar);
                // ...on time: while accepting is paused, the loop's wait lasts no longer than the back-off
                try {
                    await().atMost(Duration.ofSeconds(5)).until(() -> running.stats().lastWaitTimeoutMillis() >= 0
                            && running.stats().lastWaitTimeoutMillis() <= 100);
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError("While accepting was paused, the loop's wait had a timeout of "
                            + running.stats().lastWaitTimeoutMillis() + " ms: it must end when the 100 ms back-off"
                            + " does, so that accepting resumes on time (pollTimeout's back-off term)", e);
                }

                outOfDescriptors.set(false); // descriptors free up: the waiting client gets in
                roundTrip(waiting, "finally");
            }
            assertThat(running.log.stream().filter(line -> line.startsWith("accept() error"))).hasSize(1);
            assertThat(running.log).contains("accept() works again");
        }
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "needs a shell with ulimit")
    @Guards(value = "a server process that really runs out of descriptors keeps serving the clients it has, and lets new"
            + " ones in once others leave",
            read = "docs/07-production-failures.md#1-running-out-of-descriptors")
    void aServerProcessThatReallyRunsOutOfDescriptorsRecovers() throws Exception {
        // a server process allowed 64 descriptors, and 70 clients: the real "Too many open files"
        String classes = Paths.get(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder("/bin/sh", "-c", "ulimit -n 64 && exec \"$0\" -cp \"$1\" "
                + Server.class.getName() + " --port 0 --quiet", java, classes).redirectErrorStream(true).start();
        List<Socket> crowd = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            try (Socket existing = Wire.connect(port)) {
                // No request before the flood: the server's very first socket IO and closes happen
                // while it is out of descriptors (see Server.closeOneChannelEarly).
                for (int i = 0; i < 70; i++) {
                    crowd.add(Wire.connect(port)); // the kernel completes these even when accept cannot
                }
                assertThat(out.readLine()).startsWith("accept() error: Too many open files");
                roundTrip(existing, "during"); // the connections it has are still served

                for (Socket socket : crowd) {
                    socket.close(); // descriptors free up as the server sees these leave
                }
                assertThat(out.readLine()).isEqualTo("accept() works again");
                try (Socket late = Wire.connect(port)) {
                    roundTrip(late, "after");
                }
                roundTrip(existing, "still");
            }
            process.toHandle().destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).as("one error line per episode, then a clean stop").startsWith("stopped");
        } finally {
            for (Socket socket : crowd) {
                socket.close();
            }
            process.destroyForcibly();
        }
    }

    @Test
    @Guards(value = "every connection that ends leaves no table entry, no selector key and no open channel behind",
            read = "docs/07-production-failures.md#2-no-leaks-under-churn")
    void tenThousandConnectionsComingAndGoingLeaveNothingBehind() throws Exception {
        try (RunningServer running = RunningServer.start("--quiet")) {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int first = t * 2500;
                    done.add(clients.submit(() -> {
                        for (int i = first; i < first + 2500; i++) {
                            churnOnce(running.port(), i);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                clients.shutdownNow();
            }
            await("the server closed every connection once its client had left").atMost(Duration.ofSeconds(30))
                    .until(() -> running.stats().connections() == 0);
            await("no selector key but the listener's is left")
                    .until(() -> running.stats().registeredKeys() == 1); // the listener alone
            assertThat(running.stats().openChannels()).isZero();
            assertThat(running.stats().acceptAttempts()).isGreaterThanOrEqualTo(10_000);
        }
    }

    @Test
    @Guards(value = "a client that half-closes after its last request still gets every response",
            read = "docs/07-production-failures.md#3-half-close")
    void aClientThatShutsDownItsSendingSideStillGetsEveryResponse() throws IOException {
        try (RunningServer running = RunningServer.start("--quiet"); Socket socket = Wire.connect(running.port())) {
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                payloads.add(("pipelined " + i).getBytes(StandardCharsets.UTF_8));
            }
            socket.getOutputStream().write(Wire.frames(payloads.toArray(byte[][]::new)));
            socket.shutdownOutput(); // FIN: "no more requests", but still reading

            for (byte[] payload : payloads) {
                assertThatBytes(Wire.receive(socket)).isEqualTo(payload);
            }
            assertThat(socket.getInputStream().read()).as("then the server closes").isEqualTo(-1);
        }
    }

    @Test
    @Guards(value = "frames cut at any byte, from several clients at once, all come back whole and in order",
            read = "docs/07-production-failures.md#5-random-streams")
    void randomFramesSplitAtRandomPointsFromSeveralClientsAllComeBackInOrder() throws Exception {
        long seed = Long.getLong("random.seed", new Random().nextLong());
        try (RunningServer running = RunningServer.start("--quiet")) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    Random random = new Random(seed + c);
                    clients.add(pool.submit(() -> randomStream(running.port(), random, pool, 1500)));
                }
                for (Future<?> client : clients) {
                    client.get();
                }
            } catch (Exception | AssertionError e) {
                throw new AssertionError("random stream failed; replay with -Drandom.seed=" + seed, e);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Guards(value = "close() ends the loop, and closes the listener and every connection",
            read = "docs/07-production-failures.md#6-clean-shutdown")
    void closeEndsTheLoopAndClosesEveryConnection() throws IOException {
        RunningServer running = RunningServer.start("--quiet");
        try (Socket a = Wire.connect(running.port()); Socket b = Wire.connect(running.port())) {
            roundTrip(a, "a");
            roundTrip(b, "b");

            running.close(); // asserts the loop thread ended and no connection channel is open

            assertThat(Wire.closedByPeer(a)).isTrue();
            assertThat(Wire.closedByPeer(b)).isTrue();
            assertThat(running.log).contains("stopped (closed the listener and 2 connections)");
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows has no SIGTERM: destroy() skips shutdown hooks")
    @Guards(value = "Ctrl-C stops a server process cleanly, through close()",
            read = "docs/07-production-failures.md#6-clean-shutdown")
    void ctrlCStopsTheServerProcessCleanly() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Server.class.getName(), "--port", "0", "--quiet").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            try (Socket client = Wire.connect(port)) {
                roundTrip(client, "hello");

                // SIGTERM on Unix runs the same shutdown hooks as Ctrl-C (SIGINT). Through the handle,
                // unlike Process.destroy(), the JDK leaves the process's output open for us to read.
                process.toHandle().destroy();

                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(out.readLine()).isEqualTo("stopped (closed the listener and 1 connections)");
                assertThat(Wire.closedByPeer(client)).isTrue();
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static void roundTrip(Socket socket, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        Wire.send(socket, payload);
        assertThatBytes(Wire.receive(socket)).isEqualTo(payload);
    }

    /** One short-lived connection: a clean goodbye, a close in the middle of a frame, or a reset. */
    private static void churnOnce(int port, int i) throws IOException {
        Socket socket = Wire.connect(port);
        switch (i % 3) {
            case 0 -> roundTrip(socket, "bye");
            case 1 -> socket.getOutputStream().write(new byte[] {10, 0, 0, 0, 'h', 'a'}); // half a frame
            default -> {
                socket.getOutputStream().write(new byte[] {10, 0});
                socket.setSoLinger(true, 0); // close() sends RST
            }
        }
        socket.close();
    }

    /** Writes {@code frames} random frames in random slices while another thread checks every echo. */
    private static Void randomStream(int port, Random random, ExecutorService pool, int frames) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            payloads.add(Wire.randomPayload(random, random.nextInt(4096 + 1)));
        }
        byte[] stream = Wire.frames(payloads.toArray(byte[][]::new));
        int[] cuts = new int[stream.length / 1000 + 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = random.nextInt(stream.length);
        }
        Arrays.sort(cuts);
        try (Socket socket = Wire.connect(port)) {
            Future<?> writer = pool.submit(() -> {
                OutputStream out = socket.getOutputStream();
                int from = 0;
                for (int cut : cuts) {
                    out.write(stream, from, cut - from);
                    out.flush();
                    from = cut;
                }
                out.write(stream, from, stream.length - from);
                return null;
            });
            InputStream in = socket.getInputStream();
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(Wire.readMessage(in)).as("frame %d", i).isEqualTo(payloads.get(i));
            }
            writer.get();
        }
        return null;
    }
}

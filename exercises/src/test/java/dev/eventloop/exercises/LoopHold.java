package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Holds the event loop still while a test sets the scene. The server logs each request it
 * answers ({@code client says: hold}); this log consumer does not return from that line until the
 * test lets go. Whatever the test sends meanwhile is waiting in the kernel when the loop next
 * waits, all of it at once, however fast or slow the machine is.
 *
 * <p>The server must log its requests: start it without {@code --quiet}.
 */
final class LoopHold implements Consumer<String> {
    private static final String REQUEST = "hold";
    private static final long MAX_HOLD_SECONDS = 10; // a test that never lets go must not stop the loop for good

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public void accept(String line) {
        if (line.equals("client says: " + REQUEST)) {
            held.countDown();
            try {
                released.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends the request that holds the loop, on {@code socket}; returns once the loop is held. */
    void hold(Socket socket) throws IOException, InterruptedException {
        Wire.send(socket, REQUEST.getBytes(StandardCharsets.UTF_8));
        if (!held.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
            fail("the server did not log \"client says: " + REQUEST + "\" within " + MAX_HOLD_SECONDS + " s");
        }
    }

    /** Lets the loop go on, and reads the answer to the request that held it. */
    void release(Socket socket) throws IOException {
        released.countDown();
        Wire.receive(socket);
    }
}

package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demos run to the end by themselves and print what the learning tests pin down. */
@Timeout(60)
class DemosTest {

    @Test
    void nonblockingDemoShowsEachReturnValue() throws Exception {
        String out = capture(NonblockingDemo::run);

        assertThat(out)
                .contains("read() returns 0 at once")
                .contains("read() returns the bytes: 5 of them, \"hello\"")
                .contains("read() returns -1: end of stream")
                .contains("accept() returns null")
                .contains("the send buffer is full")
                .contains("after 300 ms it is still waiting")
                .contains("The client writes one byte: read() returns 1.")
                .contains("ClosedByInterruptException. The channel is closed, and the client reads -1.");
    }

    @Test
    void readinessDemoShowsEachReadinessRule() throws Exception {
        String out = capture(ReadinessDemo::run);

        assertThat(out)
                .contains("selectNow() before anything is sent: 0 keys ready")
                .contains("select() returns 1, readable: true")
                .contains("read 4 bytes, 6 left: the selector reports readable.")
                .contains("read 2 bytes, 0 left: the selector reports nothing.")
                .contains("the next selectNow() returns 0, though the key is still in the set (true)")
                .contains("Right after connecting, selectNow() returns 1, writable: true.")
                .contains("and selectNow() returns 0: not writable.")
                .contains("The client closes. select() returns 1, readable: true, and read() returns -1.")
                .contains("acceptable: true, and accept() returns its connection");
    }

    @Test
    void twoClientsDemoShowsBAnsweredWhileAStallsInTheSameLinesOnEveryRun() throws Exception {
        for (int run = 1; run <= 3; run++) {
            String out = capture(TwoClientsDemo::run).replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT");

            assertThat(out.lines()).as("run %d", run).containsExactly(
                    "== a thread per connection: ThreadedServer ==",
                    "   [server] listening on 127.0.0.1:PORT",
                    "[client A] sent only the 4-byte length of its message, and stalls",
                    "   [server] client says: hello from B",
                    "[client B] server says: hello from B",
                    "   [server] EOF",
                    "   [server] client says: hello from A",
                    "[client A] sent the rest; server says: hello from A",
                    "   [server] EOF",
                    "== one thread, an event loop: EventLoopSketch ==",
                    "   [server] listening on 127.0.0.1:PORT",
                    "[client A] sent only the 4-byte length of its message, and stalls",
                    "   [server] accepted client 1 from /127.0.0.1:PORT",
                    "   [server] client 1: echoed 4 bytes",
                    "   [server] accepted client 2 from /127.0.0.1:PORT",
                    "   [server] client 2: echoed 16 bytes",
                    "[client B] server says: hello from B",
                    "   [server] client 2: EOF, closing",
                    "   [server] client 1: echoed 12 bytes",
                    "[client A] sent the rest; server says: hello from A",
                    "   [server] client 1: EOF, closing",
                    "(The sketch sends bytes back as they arrive, A's 4-byte length too: it never looks for",
                    " message boundaries. Chapter 6's event loop reads whole requests and answers each one.)");
        }
    }

    /** A demo's {@code run(PrintStream)}. */
    private interface Demo {
        void run(PrintStream out) throws Exception;
    }

    private static String capture(Demo demo) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

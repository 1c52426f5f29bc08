package dev.eventloop.chapter06;

import static dev.eventloop.chapter06.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The book's loop reads a connection until a read finds nothing. Under a flood a read never
 * does: the flooding client has the loop to itself for as long as it sends, and every other
 * client waits. This is the book's behaviour, kept on purpose; docs/07-production-failures.md
 * shows it, and exercise 1 bounds a connection's turn.
 */
@Timeout(60)
class StarvationTest {
    /** The bounded turn of exercise 1, for comparison: 16 reads of at most 4 + 4096 bytes. */
    private static final int BOUNDED_TURN_READS = 16;

    @Test
    void aFloodingClientHasTheLoopToItselfUntilItsSocketIsEmpty() throws Exception {
        LoopHold hold = new LoopHold();
        // not --quiet: the server logs each request it answers, so the log shows their order
        try (RunningServer running = RunningServer.start(server -> { }, hold);
                Socket holder = Wire.connect(running.port());
                Flood flood = Flood.connect(running.port());
                Socket quiet = Wire.connect(running.port())) {
            await().until(() -> running.stats().connections() == 3);
            // While the loop is held, one client floods and another sends one small request.
            hold.hold(holder);
            long queued = flood.fill();
            Wire.send(quiet, bytes("ping"));
            hold.release(holder);
            assertThat(queued).as("bytes of the flood waiting in the kernel: more than three bounded turns' worth")
                    .isGreaterThan(3L * BOUNDED_TURN_READS * Conns.BOOK_BUFFER);
            var floodAnswers = flood.finishAndReadAnswers();
            assertThat(Wire.receive(quiet)).as("the quiet client's answer, in the end").isEqualTo(bytes("ping"));
            floodAnswers.get(60, TimeUnit.SECONDS);

            // The flood connection comes first in the poll list (it was accepted first), and its turn
            // lasted until its socket was empty: far longer than a bounded turn.
            assertThat(running.stats().mostReadsInOneTurn())
                    .as("the most reads of one connection between two waits")
                    .isGreaterThan(BOUNDED_TURN_READS);
            List<String> log = List.copyOf(running.log);
            long floodFirst = log.subList(log.indexOf("client says: hold"), log.indexOf("client says: ping")).stream()
                    .filter(line -> line.startsWith("client says: " + Flood.PAYLOAD_START)).count();
            assertThat(floodFirst).as("the flood's requests answered before the quiet client's one, ready at the same"
                    + " wait: more than one bounded turn's worth").isGreaterThan(
                    (long) BOUNDED_TURN_READS * Conns.BOOK_BUFFER / Flood.REQUEST_SIZE);
        }
    }
}

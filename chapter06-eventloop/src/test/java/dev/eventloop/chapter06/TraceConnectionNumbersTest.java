package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --trace} tells connections apart by number: 1, 2, 3, in the order they were accepted. */
@Timeout(30)
@ExtendWith(LoopThreadFailures.class)
class TraceConnectionNumbersTest {
    private static final Pattern ACCEPT = Pattern.compile("accept #(-?\\d+)");

    @Test
    void connectionsAreNumberedFromOneInAcceptOrder() throws IOException {
        try (RunningServer running = RunningServer.start("--trace", "--quiet")) {
            for (String text : List.of("first", "second", "third")) {
                try (Socket socket = Wire.connect(running.port())) {
                    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
                    Wire.send(socket, payload);
                    assertThat(Wire.receive(socket)).isEqualTo(payload);
                }
            }
            // each accept's trace line is out before the loop's next wait, so before its answer

            List<String> numbers = running.log.stream().map(ACCEPT::matcher).filter(Matcher::find)
                    .map(m -> m.group(1)).toList();
            assertThat(numbers).containsExactly("1", "2", "3");
        }
    }
}

package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DemoTest {

    @Test
    void printsBothSidesOfThePipelinedExchange() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();

        Demo.run(new PrintStream(captured, true, StandardCharsets.UTF_8), false);

        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).first().asString().startsWith("[server] listening on 127.0.0.1:");
        assertThat(out.lines()).containsSubsequence(
                "[server] client says: hello1", "[server] client says: hello2", "[server] client says: hello3");
        assertThat(out.lines()).containsSubsequence(
                "[client] server says: hello1", "[client] server says: hello2", "[client] server says: hello3");
    }
}

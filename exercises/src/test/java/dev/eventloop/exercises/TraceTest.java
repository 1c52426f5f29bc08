package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith({GuardFailures.class, LoopThreadFailures.class})
class TraceTest {

    @Test
    @Guards(value = "--trace prints one line per iteration: what the loop waited for, what was ready, and each transition",
            read = "docs/06-eventloop.md#watch-the-loop-think---trace")
    void showsEachIterationsPollSetReadySetAndTransitions() throws IOException {
        try (RunningServer running = RunningServer.start("--trace", "--quiet")) {
            try (Client client = Client.connect("127.0.0.1", running.port())) {
                client.sendReq("hello1");
                client.sendReq("hello2");
                client.sendReq("hello3");
                for (int i = 0; i < 3; i++) {
                    client.readRes();
                }
            }
            await("the server closed the connection")
                    .until(() -> running.log.stream().anyMatch(line -> line.contains("close #1")));

            List<String> lines = List.copyOf(running.log);
            // poll-style lines show the whole poll list; epoll-style lines show only what was ready
            assertThat(lines).anyMatch(line -> line.matches("\\[loop \\d+] .*ready\\(L:in\\) \\| accept #1"));
            assertThat(lines).anyMatch(line -> line.matches("\\[loop \\d+] .*ready\\(#1:in\\) \\| #1 REQ>RES.*"));
            // one flush per response, or fewer once responses are batched (exercise 3)
            assertThat(String.join("\n", lines).split("RES>REQ", -1)).as("responses flushed").hasSizeBetween(2, 4);
            assertThat(lines).anyMatch(line -> line.endsWith(">END, close #1"));
        }
    }
}

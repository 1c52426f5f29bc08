package dev.eventloop.chapter06;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(LoopThreadFailures.class)
class TraceTest {

    @Test
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
            await().until(() -> running.log.stream().anyMatch(line -> line.contains("close #1")));

            List<String> lines = List.copyOf(running.log);
            assertThat(lines).anyMatch(line -> line.matches("\\[loop \\d+] poll\\(L:in\\) -> ready\\(L:in\\) \\| accept #1"));
            assertThat(lines).anyMatch(line -> line.matches("\\[loop \\d+] poll\\(L:in #1:in\\) -> ready\\(#1:in\\) \\| #1 REQ>RES>REQ.*"));
            assertThat(String.join("\n", lines).split("RES>REQ", -1)).as("three responses flushed").hasSize(4);
            assertThat(lines).anyMatch(line -> line.endsWith(">END, close #1"));
        }
    }
}

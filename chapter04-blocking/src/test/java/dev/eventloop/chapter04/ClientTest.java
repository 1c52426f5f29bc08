package dev.eventloop.chapter04;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ClientTest {

    @Test
    void mainSendsTheThreeGreetingsAndPrintsTheReplies() throws Exception {
        assertThat(runClient()).containsExactly("server says: hello1", "server says: hello2", "server says: hello3");
    }

    @Test
    void mainSendsItsArgumentsInstead() throws Exception {
        assertThat(runClient("one", "two")).containsExactly("server says: one", "server says: two");
    }

    private static String[] runClient(String... texts) throws Exception {
        try (Server server = Server.open("127.0.0.1", 0, true, line -> { })) {
            Thread serverThread = new Thread(server::serve, "chapter04-server");
            serverThread.start();
            String[] args = new String[texts.length + 2];
            args[0] = "--port";
            args[1] = Integer.toString(server.port());
            System.arraycopy(texts, 0, args, 2, texts.length);

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            Client.run(new PrintStream(captured, true, StandardCharsets.UTF_8), Options.parse(args));
            return captured.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
        }
    }
}

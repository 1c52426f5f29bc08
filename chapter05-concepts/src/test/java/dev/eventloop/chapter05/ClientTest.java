package dev.eventloop.chapter05;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ClientTest {

    @Test
    void mainSendsTheThreeGreetingsToTheEventLoop() throws Exception {
        EventLoopSketch server = new EventLoopSketch("127.0.0.1", 0, true, line -> { });
        Thread serverThread = new Thread(server::serve, "chapter05-event-loop");
        serverThread.start();
        try {
            assertThat(runClient(server.port()))
                    .containsExactly("server says: hello1", "server says: hello2", "server says: hello3");
        } finally {
            server.close();
            serverThread.join(Net.WAIT.toMillis());
        }
        assertThat(serverThread.isAlive()).isFalse();
    }

    @Test
    void mainSendsItsArgumentsToTheThreadedServer() throws Exception {
        ThreadedServer server = ThreadedServer.open("127.0.0.1", 0, true, line -> { });
        Thread serverThread = new Thread(server::serve, "chapter05-threaded-server");
        serverThread.start();
        try {
            assertThat(runClient(server.port(), "one", "two")).containsExactly("server says: one", "server says: two");
        } finally {
            server.close();
            serverThread.join(Net.WAIT.toMillis());
        }
        assertThat(serverThread.isAlive()).isFalse();
    }

    private static String[] runClient(int port, String... texts) throws Exception {
        String[] args = new String[texts.length + 2];
        args[0] = "--port";
        args[1] = Integer.toString(port);
        System.arraycopy(texts, 0, args, 2, texts.length);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Client.run(new PrintStream(captured, true, StandardCharsets.UTF_8), Options.parse(args));
        return captured.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
    }
}

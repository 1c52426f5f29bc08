package dev.eventloop.chapter04;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Both sides in one program: starts the server on a free port, runs the client's three
 * requests against it, prints what each side says, and exits.
 */
public final class Demo {
    private Demo() {
    }

    /** Runs the demo; exits with status 0 when every reply came back. */
    public static void main(String[] args) throws Exception {
        Options.noneOrExit("Demo", args);
        CountDownLatch goodbye = new CountDownLatch(1);
        Consumer<String> log = line -> {
            System.out.println("[server] " + line);
            if (line.equals("EOF")) {
                goodbye.countDown();
            }
        };
        try {
            Server server = Server.open(Options.DEFAULT_HOST, 0, false, log);
            Thread serverThread = new Thread(server::serve, "server");
            serverThread.start();
            System.out.println("[server] listening on " + Options.DEFAULT_HOST + ":" + server.port());
            try (Client client = Client.connect(Options.DEFAULT_HOST, server.port())) {
                for (String text : new String[] {"hello1", "hello2", "hello3"}) {
                    System.out.println("[client] server says: " + client.query(text));
                }
            } finally {
                goodbye.await(2, TimeUnit.SECONDS); // so that the server's "EOF" line is part of the output
                server.close();
                serverThread.join();
            }
        } catch (IOException e) {
            System.err.println("demo failed: " + e.getMessage());
            System.exit(1);
        }
    }
}

package dev.eventloop.chapter06;

import java.io.IOException;
import java.util.List;

/**
 * The course's main demo: starts the event loop server on a free port, runs the pipelining
 * client against it (three requests sent before any response is read), prints what each side
 * says, and exits; with status 0 only if every reply came back. {@code --trace} adds the loop's
 * trace lines.
 */
public final class Demo {
    private Demo() {
    }

    /** Runs the demo. */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Options serverOptions = new Options(Options.DEFAULT_HOST, 0, false, options.trace(), List.of());
        try (Server server = Server.open(serverOptions, line -> System.out.println("[server] " + line))) {
            Thread loop = new Thread(server::run, "event-loop");
            loop.start();
            System.out.println("[server] listening on " + serverOptions.host() + ":" + server.port());

            List<String> texts = List.of("hello1", "hello2", "hello3");
            try (Client client = Client.connect(serverOptions.host(), server.port())) {
                for (String text : texts) {
                    client.sendReq(text);
                }
                for (int i = 0; i < texts.size(); i++) {
                    System.out.println("[client] server says: " + client.readRes());
                }
            }
            awaitNoConnections(server); // so the server's "EOF" line is part of the output
        } catch (IOException e) {
            System.err.println("demo failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void awaitNoConnections(Server server) throws InterruptedException {
        for (int i = 0; i < 200 && server.stats().connections() > 0; i++) {
            Thread.sleep(10);
        }
    }
}

package dev.eventloop.chapter06;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The course's main demo: starts the event loop server on a free port, runs the pipelining
 * client against it (three requests sent before any response is read), prints what each side
 * says, and exits; with status 0 only if every reply came back. {@code --trace} adds the loop's
 * trace lines.
 */
public final class Demo {
    private static final List<String> TEXTS = List.of("hello1", "hello2", "hello3");
    /** The demo picks its own port and host: of the server's options, only {@code --trace} matters. */
    private static final String USAGE = "usage: Demo [--trace]";

    private Demo() {
    }

    /** Runs the demo. */
    public static void main(String[] args) throws InterruptedException {
        try {
            run(System.out, Options.orExit(USAGE, () -> parse(args)).trace());
        } catch (IOException e) {
            System.err.println("demo failed: " + e);
            System.exit(1);
        }
    }

    /** The demo's options: {@code --trace} or nothing; throws {@link IllegalArgumentException} otherwise. */
    static Options parse(String... args) {
        for (String arg : args) {
            if (!arg.equals("--trace")) {
                // it picks its own free port, so even the server's --port would mislead
                throw new IllegalArgumentException((arg.startsWith("--") ? "unknown option " : "unexpected argument ")
                        + arg + " (the demo takes only --trace)");
            }
        }
        return Options.parse(args);
    }

    /** What {@link #main} does, printing to {@code out}; throws if a reply is missing or wrong. */
    static void run(PrintStream out, boolean trace) throws IOException, InterruptedException {
        Options serverOptions = new Options(Options.DEFAULT_HOST, 0, false, trace, Options.BOOK_BUFFER, Options.BOOK_BUFFER,
                List.of());
        try (Server server = Server.open(serverOptions, line -> out.println("[server] " + line))) {
            Thread loop = new Thread(server::run, "event-loop");
            loop.start();
            out.println("[server] listening on " + serverOptions.host() + ":" + server.port());

            try (Client client = Client.connect(serverOptions.host(), server.port())) {
                for (String text : TEXTS) {
                    client.sendReq(text);
                }
                for (String text : TEXTS) {
                    String reply = client.readRes();
                    out.println("[client] server says: " + reply);
                    if (!reply.equals(text)) {
                        throw new IOException("expected " + text + ", got " + reply);
                    }
                }
            }
            awaitNoConnections(server); // so that the server's "EOF" line is part of the output
        }
    }

    private static void awaitNoConnections(Server server) throws InterruptedException {
        for (int i = 0; i < 200 && server.stats().connections() > 0; i++) {
            Thread.sleep(10);
        }
    }
}

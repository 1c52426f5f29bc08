package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Two clients at once, against both of this chapter's servers: client A sends half a message
 * and stalls; client B connects and is answered anyway; then A finishes and is answered too.
 * Chapter 4's server, stuck reading A's message, would leave B waiting.
 *
 * <p>The server logs from its own threads, so printed as they come its lines would interleave
 * with the clients' lines differently from run to run. Instead, after each step the demo waits for
 * the lines the server must log for it, and prints them in their place: every run prints the same
 * lines in the same order, apart from port numbers. A server that logs anything else, or nothing
 * within a few seconds, makes the demo fail.
 *
 * <p>Each server is started on a free port and stopped at the end; the program exits by itself.
 */
public final class TwoClientsDemo {
    private TwoClientsDemo() {
    }

    /** Runs the demo; exits with status 1 if a reply or a log line did not come. */
    public static void main(String[] args) throws Exception {
        Options.noneOrExit("TwoClientsDemo", args);
        try {
            run(System.out);
        } catch (IOException e) {
            System.err.println("demo failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /** What {@link #main} does, printing to {@code out}. */
    static void run(PrintStream out) throws Exception {
        out.println("== a thread per connection: ThreadedServer ==");
        ServerLog threadedLog = new ServerLog(out);
        try (ThreadedServer server = ThreadedServer.open(Options.DEFAULT_HOST, 0, false, threadedLog)) {
            show(out, server.port(), server::serve, server, threadedLog, new Expected(
                    List.of(), // its thread for A waits inside readFull, and logs nothing yet
                    List.of("client says: hello from B"),
                    List.of("EOF"),
                    List.of("client says: hello from A"),
                    List.of("EOF")));
        }
        out.println("== one thread, an event loop: EventLoopSketch ==");
        ServerLog sketchLog = new ServerLog(out);
        try (EventLoopSketch server = new EventLoopSketch(Options.DEFAULT_HOST, 0, false, sketchLog)) {
            show(out, server.port(), server::serve, server, sketchLog, new Expected(
                    List.of("accepted client 1 from ", "client 1: echoed 4 bytes"),
                    List.of("accepted client 2 from ", "client 2: echoed 16 bytes"),
                    List.of("client 2: EOF, closing"),
                    List.of("client 1: echoed 12 bytes"),
                    List.of("client 1: EOF, closing")));
        }
        out.println("(The sketch sends bytes back as they arrive, A's 4-byte length too: it never looks for");
        out.println(" message boundaries. Chapter 6's event loop reads whole requests and answers each one.)");
    }

    /** The beginnings of the lines a server must log after each step, in order. */
    private record Expected(List<String> afterAStalls, List<String> afterBIsAnswered, List<String> afterBLeaves,
            List<String> afterAIsAnswered, List<String> afterALeaves) {
    }

    private static void show(PrintStream out, int port, Runnable serve, Closeable server, ServerLog log,
            Expected expected) throws Exception {
        Thread serverThread = new Thread(serve, "demo-server");
        serverThread.start();
        out.println("   [server] listening on " + Options.DEFAULT_HOST + ":" + port);
        try {
            try (Socket a = new Socket()) {
                a.connect(new InetSocketAddress(Options.DEFAULT_HOST, port), Client.READ_TIMEOUT_MILLIS);
                a.setSoTimeout(Client.READ_TIMEOUT_MILLIS);
                byte[] message = Protocol.encode("hello from A".getBytes(StandardCharsets.UTF_8));
                OutputStream toServer = a.getOutputStream();
                toServer.write(message, 0, Protocol.HEADER_SIZE);
                toServer.flush();
                out.println("[client A] sent only the 4-byte length of its message, and stalls");
                log.expect(expected.afterAStalls());

                try (Client b = Client.connect(Options.DEFAULT_HOST, port)) {
                    String reply = b.query("hello from B"); // answered while A's message is still incomplete
                    log.expect(expected.afterBIsAnswered());
                    out.println("[client B] server says: " + reply);
                }
                log.expect(expected.afterBLeaves());

                toServer.write(Arrays.copyOfRange(message, Protocol.HEADER_SIZE, message.length));
                toServer.flush();
                String reply = new String(Protocol.readMessage(a.getInputStream()), StandardCharsets.UTF_8);
                log.expect(expected.afterAIsAnswered());
                out.println("[client A] sent the rest; server says: " + reply);
            }
            log.expect(expected.afterALeaves());
        } finally {
            server.close();
            serverThread.join(Client.READ_TIMEOUT_MILLIS);
            log.printTheRest();
        }
    }

    /**
     * A server's log: the server's threads add lines, and the demo's thread prints them, once it
     * expects them, so that they come out in the same place on every run.
     */
    private static final class ServerLog implements Consumer<String> {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final PrintStream out;

        ServerLog(PrintStream out) {
            this.out = out;
        }

        @Override
        public void accept(String line) {
            lines.add(line);
        }

        /** Waits for the server's next lines, which must begin as {@code expected} says, and prints them. */
        void expect(List<String> expected) throws IOException, InterruptedException {
            for (String beginning : expected) {
                String line = lines.poll(Client.READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                if (line == null || !line.startsWith(beginning)) {
                    throw new IOException("expected the server to log \"" + beginning + "...\", but it logged "
                            + (line == null ? "nothing" : "\"" + line + "\""));
                }
                print(line);
            }
        }

        /** Prints whatever else the server logged: nothing, when every step went as expected. */
        void printTheRest() {
            for (String line = lines.poll(); line != null; line = lines.poll()) {
                print(line);
            }
        }

        private void print(String line) {
            out.println("   [server] " + line);
        }
    }
}

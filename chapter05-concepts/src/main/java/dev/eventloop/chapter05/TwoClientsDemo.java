package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Two clients at once, against both of this chapter's servers: client A sends half a message
 * and stalls; client B connects and is answered anyway; then A finishes and is answered too.
 * Chapter 4's server, stuck reading A's message, would leave B waiting.
 *
 * <p>Each server is started on a free port and stopped at the end; the program exits by itself.
 */
public final class TwoClientsDemo {
    private TwoClientsDemo() {
    }

    /** Runs the demo; exits with status 1 if a reply did not come back. */
    public static void main(String[] args) throws Exception {
        Options.noneOrExit("TwoClientsDemo", args);
        try {
            run(System.out);
        } catch (IOException e) {
            System.err.println("demo failed: " + e);
            System.exit(1);
        }
    }

    /** What {@link #main} does, printing to {@code out}. */
    static void run(PrintStream out) throws Exception {
        out.println("== a thread per connection: ThreadedServer ==");
        try (ThreadedServer server = ThreadedServer.open(Options.DEFAULT_HOST, 0, false, serverLog(out))) {
            show(out, server.port(), server::serve, server);
        }
        out.println("== one thread, an event loop: EventLoopSketch ==");
        try (EventLoopSketch server = new EventLoopSketch(Options.DEFAULT_HOST, 0, false, serverLog(out))) {
            show(out, server.port(), server::serve, server);
        }
        out.println("(The sketch sends bytes back as they arrive, A's 4-byte length too: it never looks for");
        out.println(" message boundaries. Chapter 6's event loop reads whole requests and answers each one.)");
    }

    private static Consumer<String> serverLog(PrintStream out) {
        return line -> out.println("   [server] " + line);
    }

    private static void show(PrintStream out, int port, Runnable serve, Closeable server) throws Exception {
        Thread serverThread = new Thread(serve, "demo-server");
        serverThread.start();
        out.println("   [server] listening on " + Options.DEFAULT_HOST + ":" + port);
        try (Socket a = new Socket()) {
            a.connect(new InetSocketAddress(Options.DEFAULT_HOST, port), Client.READ_TIMEOUT_MILLIS);
            a.setSoTimeout(Client.READ_TIMEOUT_MILLIS);
            byte[] message = Protocol.encode("hello from A".getBytes(StandardCharsets.UTF_8));
            OutputStream toServer = a.getOutputStream();
            toServer.write(message, 0, Protocol.HEADER_SIZE);
            toServer.flush();
            out.println("[client A] sent only the 4-byte length of its message, and stalls");

            try (Client b = Client.connect(Options.DEFAULT_HOST, port)) {
                out.println("[client B] server says: " + b.query("hello from B"));
            }

            toServer.write(Arrays.copyOfRange(message, Protocol.HEADER_SIZE, message.length));
            toServer.flush();
            String reply = new String(Protocol.readMessage(a.getInputStream()), StandardCharsets.UTF_8);
            out.println("[client A] sent the rest; server says: " + reply);
        } finally {
            server.close();
            serverThread.join(Client.READ_TIMEOUT_MILLIS);
        }
    }
}

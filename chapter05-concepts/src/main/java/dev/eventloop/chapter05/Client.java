package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A blocking client for this chapter's servers, a copy of chapter 4's: sends one request, waits
 * for its response, and so on.
 *
 * <p>Run with no arguments it sends {@code hello1}, {@code hello2} and {@code hello3}; with
 * arguments it sends those words instead, and prints {@code server says: ...} for each reply.
 * Start two of them against {@link ThreadedServer} or {@link EventLoopSketch} and both are
 * answered; against chapter 4's server the second one waits.
 */
public final class Client implements Closeable {
    /** How long a read may wait for the server before the client gives up. */
    public static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;

    private Client(Socket socket) {
        this.socket = socket;
    }

    /** Connects to the server at {@code host:port}. */
    public static Client connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MILLIS);
            // a client that waits forever for a server that will never answer is a hung program
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new Client(socket);
    }

    /** Sends one request and returns the server's response: the book's {@code query}. */
    public String query(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        Protocol.writeAll(socket.getOutputStream(), Protocol.encode(payload));
        return new String(Protocol.readMessage(socket.getInputStream()), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** {@code [--host H] [--port N] [text...]}: sends each text and prints the replies. */
    public static void main(String[] args) throws IOException {
        run(System.out, Options.clientOrExit("Client", args));
    }

    /** What {@link #main} does, printing to {@code out}. */
    static void run(PrintStream out, Options options) throws IOException {
        List<String> texts = options.rest().isEmpty()
                ? List.of("hello1", "hello2", "hello3")
                : options.rest();
        try (Client client = connect(options.host(), options.port())) {
            for (String text : texts) {
                out.println("server says: " + client.query(text));
            }
        }
    }
}

package dev.eventloop.exercises;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The book's chapter 6 client, which <b>pipelines</b>: it sends every request first
 * ({@link #sendReq}) and only then reads the responses ({@link #readRes}), in the same order.
 *
 * <p>The server must therefore cope with several requests arriving in one read, and must answer
 * them in order. Run with no arguments it sends {@code hello1}, {@code hello2}, {@code hello3};
 * with arguments it sends those words instead.
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
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new Client(socket);
    }

    /** Sends one request without waiting for its response: the book's {@code send_req}. */
    public void sendReq(String text) throws IOException {
        Protocol.writeAll(socket.getOutputStream(), Protocol.encode(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads the next response: the book's {@code read_res}. */
    public String readRes() throws IOException {
        return new String(Protocol.readMessage(socket.getInputStream()), StandardCharsets.UTF_8);
    }

    /** One request, then its response: chapter 4's {@code query}, unchanged. */
    public String query(String text) throws IOException {
        sendReq(text);
        return readRes();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * {@code [--host H] [--port N] [text...]}: pipelines the texts and prints the replies. An
     * unknown {@code --} option stops it with the usage line and exit status 2.
     */
    public static void main(String[] args) throws IOException {
        run(System.out, Options.parseClientOrExit(args));
    }

    /** What {@link #main} does, printing to {@code out}. */
    static void run(PrintStream out, String... args) throws IOException {
        run(out, Options.parseClient(args));
    }

    private static void run(PrintStream out, Options options) throws IOException {
        List<String> texts = options.rest().isEmpty()
                ? List.of("hello1", "hello2", "hello3")
                : options.rest();
        try (Client client = connect(options.host(), options.port())) {
            for (String text : texts) {
                client.sendReq(text);
            }
            for (int i = 0; i < texts.size(); i++) {
                out.println("server says: " + client.readRes());
            }
        }
    }
}

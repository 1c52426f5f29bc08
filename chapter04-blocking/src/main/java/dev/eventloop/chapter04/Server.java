package dev.eventloop.chapter04;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The book's chapter 4 server: a blocking echo server that serves <b>one client at a time</b>.
 *
 * <p>For each client it runs {@link #oneRequest} until the client goes away: read a 4-byte
 * little-endian length, read that many bytes, log {@code client says: ...}, and send the same
 * bytes back in a message of the same shape (see {@link Protocol}).
 *
 * <p>Every call here blocks: {@code accept} until a client connects, {@code read} until bytes
 * arrive. While this thread waits for one client's next request, a second client's connection
 * sits in the kernel's accept queue and nobody answers it. That is the limitation chapter 5
 * starts from.
 *
 * <p>Bad input never stops the server; it closes that one connection with a logged reason:
 * <ul>
 *   <li>{@code EOF}: the client closed between messages (a normal goodbye);
 *   <li>{@code unexpected EOF}: the client closed in the middle of a message;
 *   <li>{@code too long}: the header announced more than {@link Protocol#K_MAX_MSG} bytes;
 *   <li>{@code IO error: ...}: a reset or any other socket error.
 * </ul>
 * Then the server accepts the next client.
 */
public final class Server implements Closeable {
    /** How long to wait before calling {@code accept} again after it failed. */
    static final long ACCEPT_BACKOFF_MILLIS = 100;

    /** What accepts a connection; tests replace it to simulate "Too many open files". */
    interface Acceptor {
        Socket accept(ServerSocket listener) throws IOException;
    }

    private final ServerSocket listener;
    private Acceptor acceptor = ServerSocket::accept;
    private boolean acceptFailing;
    private final boolean quiet;
    private final Consumer<String> log;
    /** The client being served, so that {@link #close()} can end a blocked read. */
    private volatile Socket current;

    private Server(ServerSocket listener, boolean quiet, Consumer<String> log) {
        this.listener = listener;
        this.quiet = quiet;
        this.log = log;
    }

    /**
     * Binds a listening socket (the book's {@code socket}, {@code bind}, {@code listen}).
     *
     * @param port the port, or 0 for any free one (see {@link #port()})
     * @param quiet leave out the per-request {@code client says:} line and the clean {@code EOF}
     * @param log where log lines go
     */
    // tag::open[]
    public static Server open(String host, int port, boolean quiet, Consumer<String> log)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        // SO_REUSEADDR, so that a restart is not refused while old connections sit in TIME_WAIT.
        // (The JDK already sets it on listening sockets on Linux and macOS; this line says so.)
        listener.setReuseAddress(true);
        // The C binds 0.0.0.0; host is 127.0.0.1 unless --host says otherwise, on purpose.
        // listen(fd, SOMAXCONN): without a backlog, bind() would ask for the JDK's 50.
        listener.bind(new InetSocketAddress(host, port), Options.SOMAXCONN);
        return new Server(listener, quiet, log);
    }
    // end::open[]

    /** The port the server listens on (the one the OS picked, if it was opened with port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    void acceptWith(Acceptor acceptor) {
        this.acceptor = acceptor;
    }

    // tag::serve[]
    /** Accepts and serves clients, one after the other, until {@link #close()} is called. */
    public void serve() {
        while (!listener.isClosed()) {
            Socket conn;
            try {
                conn = acceptor.accept(listener);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    backOff(e);
                }
                continue;
            }
            if (acceptFailing) {
                log.accept("accept() works again");
                acceptFailing = false;
            }
            handleClient(conn);
        }
    }
    // end::serve[]

    /**
     * After a failed {@code accept} (typically "Too many open files"), waits a little before the
     * next try: retrying at once would spin a core and flood the log while nothing changes.
     * The episode is logged once, not once per try.
     */
    private void backOff(IOException e) {
        if (!acceptFailing) {
            log.accept("accept() error: " + e.getMessage() + "; retrying every " + ACCEPT_BACKOFF_MILLIS + " ms");
            acceptFailing = true;
        }
        try {
            Thread.sleep(ACCEPT_BACKOFF_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@link #oneRequest} until the client leaves, then closes the connection. */
    // tag::handle-client[]
    private void handleClient(Socket conn) {
        current = conn;
        try (conn) {
            // send each reply at once, not after the ACK of the previous one (Nagle's algorithm)
            conn.setTcpNoDelay(true);
            InputStream in = conn.getInputStream();
            OutputStream out = conn.getOutputStream();
            while (oneRequest(in, out)) {
                // one request per iteration; only one client at a time
            }
        } catch (IOException e) {
            if (!listener.isClosed()) {
                log.accept("IO error: " + e.getMessage());
            }
        } finally {
            current = null;
        }
    }
    // end::handle-client[]

    /**
     * Handles one request: the book's {@code one_request}.
     *
     * @return {@code true} to go on with this client, {@code false} to close the connection
     */
    // tag::one-request[]
    boolean oneRequest(InputStream in, OutputStream out) throws IOException {
        // 4 bytes header
        byte[] header = new byte[Protocol.HEADER_SIZE];
        int got = Protocol.readFull(in, header, Protocol.HEADER_SIZE);
        if (got == 0) {
            if (!quiet) {
                log.accept("EOF"); // the client closed between two messages: a clean goodbye
            }
            return false;
        }
        if (got < Protocol.HEADER_SIZE) {
            log.accept("unexpected EOF");
            return false;
        }
        long len = Protocol.decodeLength(header); // unsigned: ff ff ff ff is 4294967295, not -1
        if (len > Protocol.K_MAX_MSG) {
            log.accept("too long");
            return false;
        }
        // request body
        byte[] payload = new byte[(int) len];
        if (Protocol.readFull(in, payload, payload.length) < payload.length) {
            log.accept("unexpected EOF");
            return false;
        }
        if (!quiet) {
            log.accept("client says: " + new String(payload, StandardCharsets.UTF_8));
        }
        // reply using the same protocol: echo the payload
        Protocol.writeAll(out, Protocol.encode(payload));
        return true;
    }
    // end::one-request[]

    /** Stops the server: closes the listener and the client being served; {@link #serve()} returns. */
    @Override
    public void close() throws IOException {
        listener.close();
        Socket conn = current;
        if (conn != null) {
            conn.close();
        }
    }

    /**
     * Runs the server: {@code --port N} (default 1234), {@code --host H} (default 127.0.0.1),
     * {@code --quiet}. Stop it with Ctrl-C.
     */
    public static void main(String[] args) throws IOException {
        Options options = Options.serverOrExit("Server", args);
        Server server = open(options.host(), options.port(), options.quiet(), System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                System.out.println("stopped");
            } catch (IOException e) {
                System.out.println("stopped, with an error: " + e.getMessage());
            }
        }));
        System.out.println("listening on " + options.host() + ":" + server.port());
        server.serve();
    }
}

package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The classic fix for chapter 4's one-client-at-a-time server: <b>a thread per connection</b>.
 *
 * <p>The code that serves one client is chapter 4's, unchanged: blocking reads, blocking writes,
 * the same protocol and the same log lines. The only difference is that {@link #serve()} hands
 * each accepted connection to a new thread and goes straight back to {@code accept}. While one
 * thread waits for its client's next request, the other threads, and the listener, carry on.
 *
 * <p><b>The cost</b> the book names: every connection holds a whole thread, that is a stack
 * (memory reserved up front, sized by {@code -Xss}: 1 MB or more by default on 64-bit systems)
 * and a kernel thread, and the OS moves the CPU from thread to thread with context switches,
 * which cost time and cache. A server with thousands of mostly idle connections keeps thousands
 * of sleeping threads. (The book's other classic answer, a process per connection with
 * {@code fork}, costs more still.) The event loop ({@link EventLoopSketch}) serves them all from
 * one thread instead, by asking the OS which sockets are ready and never blocking on any one of
 * them.
 *
 * <p>On JDK 21 and newer, <em>virtual threads</em> change that cost: the same code, with each
 * connection started by {@code Thread.ofVirtual().start(...)} instead of {@code new Thread},
 * keeps its stack on the heap, only as big as it needs to be, and a virtual thread blocked in
 * socket IO gives its kernel thread back: the JDK parks it and wakes it up from an event loop of
 * its own, over {@code epoll}, {@code kqueue} or {@code wepoll}. This course targets JDK 17, so
 * it uses platform threads.
 *
 * <p>Bad input closes only the connection it arrived on, with a logged reason, as in chapter 4:
 * <ul>
 *   <li>{@code EOF}: the client closed between messages (a normal goodbye);
 *   <li>{@code unexpected EOF}: the client closed in the middle of a message;
 *   <li>{@code too long}: the header announced more than {@link Protocol#K_MAX_MSG} bytes;
 *   <li>{@code IO error: ...}: a reset or any other socket error.
 * </ul>
 * The other clients, each in its own thread, are unaffected.
 */
public final class ThreadedServer implements Closeable {
    /** How long {@link #close()} waits for each connection thread to end. */
    private static final long JOIN_MILLIS = 10_000;
    /** How long to wait before calling {@code accept} again after it failed. */
    static final long ACCEPT_BACKOFF_MILLIS = 100;

    /** What accepts a connection; tests replace it to simulate "Too many open files". */
    interface Acceptor {
        Socket accept(ServerSocket listener) throws IOException;
    }

    private final ServerSocket listener;
    private Acceptor acceptor = ServerSocket::accept;
    /** Whether the last accept failed, so that a failing episode is logged once (accept thread only). */
    private boolean acceptFailing;
    private final boolean quiet;
    private final Consumer<String> log;
    /** Guards {@link #connections}, {@link #closed} and {@link #nextId}. */
    private final Object lock = new Object();
    /** Every open connection and the thread serving it, so that {@link #close()} can end them. */
    private final Map<Socket, Thread> connections = new LinkedHashMap<>();
    private boolean closed;
    private int nextId = 1;

    private ThreadedServer(ServerSocket listener, boolean quiet, Consumer<String> log) {
        this.listener = listener;
        this.quiet = quiet;
        this.log = log;
    }

    /**
     * The JDK sets up its socket-closing machinery ({@code sun.nio.ch.FileDispatcherImpl}) on the
     * first close of a socket, and that setup needs a spare file descriptor. If the first close
     * came while the process is out of descriptors, every close from then on would throw
     * {@code NoClassDefFoundError} and the connection threads would die without closing their
     * sockets. Closing one channel now, while descriptors are plentiful, avoids that.
     */
    private static void closeOneChannelEarly() throws IOException {
        SocketChannel.open().close();
    }

    /**
     * Binds a listening socket (the book's {@code socket}, {@code bind}, {@code listen}).
     *
     * @param port the port, or 0 for any free one (see {@link #port()})
     * @param quiet leave out the per-request {@code client says:} line and the clean {@code EOF}
     * @param log where log lines go; called from many threads at once, so it must be thread-safe
     */
    public static ThreadedServer open(String host, int port, boolean quiet, Consumer<String> log)
            throws IOException {
        closeOneChannelEarly();
        ServerSocket listener = new ServerSocket();
        try {
            // SO_REUSEADDR, so that a restart is not refused while old connections sit in TIME_WAIT.
            // (The JDK already sets it on listening sockets on Linux and macOS; this line says so.)
            listener.setReuseAddress(true);
            // The C binds 0.0.0.0; host is 127.0.0.1 unless --host says otherwise, on purpose.
            // listen(fd, SOMAXCONN): without a backlog, bind() would ask for the JDK's 50.
            listener.bind(new InetSocketAddress(host, port), Options.SOMAXCONN);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new ThreadedServer(listener, quiet, log);
    }

    /** The port the server listens on (the one the OS picked, if it was opened with port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    void acceptWith(Acceptor acceptor) {
        this.acceptor = acceptor;
    }

    /** Accepts clients and starts a thread for each, until {@link #close()} is called. */
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
            start(conn);
        }
    }

    /**
     * After a failed {@code accept} (typically "Too many open files", which a thread per
     * connection reaches sooner than most), waits a little before the next try: retrying at once
     * would spin a core and flood the log while nothing changes. The episode is logged once.
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

    // tag::start[]
    private void start(Socket conn) {
        synchronized (lock) {
            if (closed) {
                // close() ran between accept() and here: it could not see this connection
                closeQuietly(conn);
                return;
            }
            Thread thread = new Thread(() -> handleClient(conn), "chapter05-conn-" + nextId++);
            connections.put(conn, thread);
            // started under the lock, so that close() never joins a thread that has yet to start
            thread.start();
        }
    }
    // end::start[]

    /** Runs {@link #oneRequest} until the client leaves, then closes the connection. */
    private void handleClient(Socket conn) {
        try (conn) {
            // send each reply at once, not after the ACK of the previous one (Nagle's algorithm)
            conn.setTcpNoDelay(true);
            InputStream in = conn.getInputStream();
            OutputStream out = conn.getOutputStream();
            while (oneRequest(in, out)) {
                // one request per iteration; this thread serves this client only
            }
        } catch (IOException e) {
            if (!isClosed()) {
                log.accept("IO error: " + e.getMessage());
            }
        } finally {
            synchronized (lock) {
                connections.remove(conn);
            }
        }
    }

    /**
     * Handles one request: the book's {@code one_request}, as in chapter 4.
     *
     * @return {@code true} to go on with this client, {@code false} to close the connection
     */
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

    /** The threads serving a connection right now, one per open connection. */
    List<Thread> connectionThreads() {
        synchronized (lock) {
            return new ArrayList<>(connections.values());
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Stops the server: closes the listener and every connection, then waits (a few seconds at
     * most) for the connection threads to end. {@link #serve()} returns.
     */
    @Override
    public void close() throws IOException {
        List<Thread> threads;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            listener.close();
            // A thread blocked in a socket read wakes up with a SocketException when its socket closes.
            connections.keySet().forEach(ThreadedServer::closeQuietly);
            threads = new ArrayList<>(connections.values());
        }
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop waiting, but let the caller see the interrupt
                return;
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway: nothing more to do for this connection
        }
    }

    /**
     * Runs the server: {@code --port N} (default 1234), {@code --host H} (default 127.0.0.1),
     * {@code --quiet}. Stop it with Ctrl-C.
     */
    public static void main(String[] args) throws IOException {
        Options options = Options.serverOrExit("ThreadedServer", args);
        ThreadedServer server = open(options.host(), options.port(), options.quiet(), System.out::println);
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

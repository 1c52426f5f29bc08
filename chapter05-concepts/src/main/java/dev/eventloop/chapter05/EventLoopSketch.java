package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The book's event loop pseudocode, made runnable: an echo server on <b>one thread</b>, all
 * sockets nonblocking, and a single blocking call, the readiness wait.
 *
 * <pre>
 * while not closed:
 *     wait until some sockets are ready          selector.select()
 *     for each ready socket:
 *         if it is the listener:                 key.isAcceptable()
 *             accept new clients                 listener.accept() until it returns null
 *         else (a client):
 *             read until it would block          channel.read() until it returns 0
 *             handle what arrived
 *             write until it would block         channel.write() until it returns 0
 *             if the peer closed and all is sent: close it
 * </pre>
 *
 * <p>Each client has one buffer, in an object attached to its {@link SelectionKey} (the key's
 * attachment plays the part of the book's {@code fd2conn} table). Bytes are read into it;
 * "handle what arrived" is {@code flip()}, because an echo server's response to a message is
 * the message itself, byte for byte; then as much as the socket takes is written, and
 * {@code compact()} moves the unsent rest to the front (the C code's {@code memmove}).
 *
 * <p>While bytes are left over, the key asks for {@code OP_WRITE} as well, so the loop comes back
 * when the send buffer has room; once they are sent it asks for {@code OP_READ} only, because a
 * socket is writable almost all the time and asking for {@code OP_WRITE} with nothing to send
 * would wake the loop for nothing. While the buffer is full, it stops asking for
 * {@code OP_READ}: the bytes would have nowhere to go. After the peer's EOF ({@code read}
 * returned -1) it stops asking for {@code OP_READ} for good, since a closed peer stays readable
 * forever, sends what is left (a client may shut down only its sending side and still wait for
 * its answers), then closes the connection.
 *
 * <p>When {@code accept} fails (typically "Too many open files"), the client stays queued and the
 * listener stays ready, so retrying at once would spin. The loop leaves the listener out of the
 * selection for {@value #ACCEPT_BACKOFF_MILLIS} ms at a time, goes on serving the connections it
 * has, and logs the episode once.
 *
 * <p>Stop it with {@link #close()} from another thread (the loop wakes up, closes the listener
 * and every connection, and {@link #serve()} returns) or by interrupting the loop thread:
 * {@code select} returns at once for an interrupted thread, as it does after
 * {@link Selector#wakeup()}. There is no {@code EINTR} to retry: the JDK retries an interrupted
 * {@code epoll_wait} or {@code poll} itself, and an interrupt is a request to stop.
 *
 * <p><b>What it leaves out, and chapter 6 adds:</b>
 * <ul>
 *   <li>A <b>state machine per connection</b>: {@code STATE_REQ} (reading a request),
 *       {@code STATE_RES} (sending its response), {@code STATE_END} (to be closed). This sketch
 *       has no states: it reads and writes whenever a socket is ready.
 *   <li><b>Fixed read and write buffers</b> ({@code rbuf} and {@code wbuf}, 4 + {@code k_max_msg}
 *       bytes each) with fill levels and a <b>bytes-sent cursor</b> ({@code wbuf_sent}). Here one
 *       buffer holds both the bytes that came in and the bytes going out, and the cursor is the
 *       buffer's position.
 *   <li><b>Framing and pipelining</b>: requests are parsed one by one out of {@code rbuf}, a
 *       response is built for each, and several requests that arrived in one read are answered in
 *       order. This sketch never looks for message boundaries; sending back whatever arrived is
 *       a correct echo for any stream of well-formed messages, and nothing more.
 *   <li><b>Back-pressure</b>, request by request: stop reading as soon as a response is pending
 *       ({@code STATE_RES}) and read again once it is all sent. This sketch stops reading only
 *       when its buffer is full.
 *   <li><b>{@code too long} and EOF handling</b>: reject a header over {@link Protocol#K_MAX_MSG},
 *       and tell a clean {@code EOF} between messages from an {@code unexpected EOF} in the middle
 *       of one. This sketch does not parse, so it echoes any length and cannot tell whether an
 *       EOF cut a message in half.
 *   <li>A <b>poll-style loop that re-declares interest every iteration</b>: the book builds a new
 *       {@code pollfd} array each time round ({@code POLLIN} in {@code STATE_REQ}, {@code POLLOUT}
 *       in {@code STATE_RES}). This sketch keeps every channel registered with the
 *       {@link Selector} and changes a key's interest set only after serving it.
 * </ul>
 */
public final class EventLoopSketch implements Closeable {
    /** One client's buffer: the size of the book's {@code rbuf}, though echoing needs no particular size. */
    static final int BUFFER_SIZE = Protocol.HEADER_SIZE + Protocol.K_MAX_MSG;
    /** How long {@link #close()} waits for the loop to close everything. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /** How long the loop leaves the listener alone after {@code accept} failed. */
    static final long ACCEPT_BACKOFF_MILLIS = 100;

    /** What accepts a connection; tests replace it to simulate "Too many open files". */
    interface Acceptor {
        SocketChannel accept(ServerSocketChannel listener) throws IOException;
    }

    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    private final Selector selector;
    private final int port;
    private final boolean quiet;
    private final Consumer<String> log;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile Thread loopThread;
    private Acceptor acceptor = ServerSocketChannel::accept;
    // The fields below belong to the loop thread.
    /** Client numbers for the log (Java has no file descriptor numbers to show). */
    private int nextId = 1;
    /** Whether the last accept failed, so that a failing episode is logged once. */
    private boolean acceptFailing;
    /** Whether the listener is left out of the selection after a failed accept, and until when. */
    private boolean acceptPaused;
    private long acceptPausedUntilNanos;

    /** What the loop keeps per client: the book's {@code struct Conn}, reduced to one buffer. */
    private static final class Connection {
        final int id;
        /** In "write mode": bytes from 0 to position are still to be sent, the rest is free. */
        final ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
        /** Whether the last round left bytes unsent (only to log the change once). */
        boolean waitingForWrite;
        /** Whether the peer has sent its EOF: nothing more to read, only the rest to send. */
        boolean peerClosed;

        Connection(int id) {
            this.id = id;
        }
    }

    private EventLoopSketch(ServerSocketChannel listener, SelectionKey listenerKey, int port, boolean quiet,
            Consumer<String> log) {
        this.listener = listener;
        this.listenerKey = listenerKey;
        this.selector = listenerKey.selector();
        this.port = port;
        this.quiet = quiet;
        this.log = log;
    }

    /**
     * Binds a nonblocking listening socket and registers it with a new {@link Selector}.
     *
     * @param port the port, or 0 for any free one (see {@link #port()})
     * @param quiet leave out the per-event lines ({@code accepted}, {@code echoed}, waiting for
     *     {@code OP_WRITE}, {@code EOF}); errors are always logged
     * @param log where log lines go (only the loop thread calls it)
     */
    public static EventLoopSketch open(String host, int port, boolean quiet, Consumer<String> log)
            throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(); // socket()
        Selector selector = null;
        try {
            // SO_REUSEADDR: restarting the server must not fail while old connections linger in TIME_WAIT.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(host, port)); // bind() and listen()
            listener.configureBlocking(false); // fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            selector = Selector.open();
            SelectionKey listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
            int bound = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            return new EventLoopSketch(listener, listenerKey, bound, quiet, log);
        } catch (IOException e) {
            listener.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** The port the server listens on (the one the OS picked, if it was opened with port 0). */
    public int port() {
        return port;
    }

    void acceptWith(Acceptor acceptor) {
        this.acceptor = acceptor;
    }

    /**
     * Runs the loop on the calling thread until {@link #close()} is called or the thread is
     * interrupted; then closes the listener and every connection.
     *
     * @throws IllegalStateException if the loop already runs (one server, one loop thread)
     */
    // tag::serve[]
    public void serve() {
        if (!started.compareAndSet(false, true)) {
            if (closing) {
                return;
            }
            throw new IllegalStateException("serve() is already running");
        }
        loopThread = Thread.currentThread();
        try {
            while (!closing && !Thread.currentThread().isInterrupted()) {
                // the only blocking call: wait until some socket is ready (or a paused accept is due)
                selector.select(acceptPauseLeftMillis());
                resumeAcceptIfDue();
                Set<SelectionKey> ready = selector.selectedKeys();
                for (SelectionKey key : ready) {
                    if (!key.isValid()) {
                        continue; // its channel was closed earlier in this round
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        serveClient(key);
                    }
                }
                ready.clear(); // the selector adds to this set but never empties it
            }
        } catch (IOException e) {
            log.accept("select() error: " + e.getMessage());
        } finally {
            closeEverything();
            finished.countDown();
        }
    }
    // end::serve[]

    /** Accepts every pending connection: the listener is nonblocking, so accept() says "no more" with null. */
    private void acceptAll() {
        while (true) {
            SocketChannel channel;
            try {
                channel = acceptor.accept(listener);
            } catch (IOException e) {
                pauseAccept(e);
                return;
            }
            if (channel == null) {
                return; // C: accept() returned -1 with errno EAGAIN
            }
            if (acceptFailing) {
                log.accept("accept() works again");
                acceptFailing = false;
            }
            Connection conn = new Connection(nextId++);
            try {
                channel.configureBlocking(false); // a blocking client socket would stall every other client
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // replies go out at once, no Nagle delay
                channel.register(selector, SelectionKey.OP_READ, conn);
                if (!quiet) {
                    log.accept("accepted client " + conn.id + " from " + channel.getRemoteAddress());
                }
            } catch (IOException e) {
                log.accept("client " + conn.id + ": IO error: " + e.getMessage());
                closeQuietly(channel);
            }
        }
    }

    /** Leaves the listener out of the selection for a while; logs once per failing episode. */
    private void pauseAccept(IOException e) {
        if (!acceptFailing) {
            log.accept("accept() error: " + e.getMessage() + "; pausing accept for "
                    + ACCEPT_BACKOFF_MILLIS + " ms at a time until it works again");
            acceptFailing = true;
        }
        listenerKey.interestOps(0);
        acceptPaused = true;
        acceptPausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACCEPT_BACKOFF_MILLIS);
    }

    /** The select timeout: none (0) normally, the rest of the pause while accept is paused. */
    private long acceptPauseLeftMillis() {
        if (!acceptPaused) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(acceptPausedUntilNanos - System.nanoTime()));
    }

    private void resumeAcceptIfDue() {
        if (acceptPaused && System.nanoTime() - acceptPausedUntilNanos >= 0) {
            acceptPaused = false;
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Does some work on a ready client: read until it would block, echo, write until it would block. */
    // tag::serve-client[]
    private void serveClient(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Connection conn = (Connection) key.attachment();
        ByteBuffer buf = conn.buf;
        try {
            // read until it would block (0), the buffer is full, or the peer has closed (-1)
            while (!conn.peerClosed && buf.hasRemaining()) {
                int n = channel.read(buf);
                if (n < 0) {
                    conn.peerClosed = true; // C: read() returned 0
                } else if (n == 0) {
                    break; // C: read() returned -1 with errno EAGAIN
                }
            }
            // handle what arrived: for an echo server the bytes received are the bytes to send
            buf.flip();
            // write until it would block: write() returns how many bytes the send buffer took
            int sent = 0;
            while (buf.hasRemaining()) {
                int n = channel.write(buf);
                if (n == 0) {
                    break; // C: write() returned -1 with errno EAGAIN: the send buffer is full
                }
                sent += n;
            }
            buf.compact(); // memmove(): the unsent bytes move to the front, the rest is free again
            int unsent = buf.position();
            if (conn.peerClosed && unsent == 0) {
                if (!quiet) {
                    log.accept("client " + conn.id + ": EOF, closing");
                }
                channel.close(); // also cancels the key
                return;
            }
            if (!quiet && sent > 0) {
                log.accept("client " + conn.id + ": echoed " + sent + " bytes");
            }
            if (!quiet && unsent > 0 && !conn.waitingForWrite) {
                log.accept("client " + conn.id + ": send buffer full, " + unsent + " bytes wait for OP_WRITE");
            }
            conn.waitingForWrite = unsent > 0;
            // Ask for OP_WRITE only while there is something to send: it is ready almost all the time.
            // Ask for OP_READ only while the buffer has room and the peer may still send.
            key.interestOps((buf.hasRemaining() && !conn.peerClosed ? SelectionKey.OP_READ : 0)
                    | (unsent > 0 ? SelectionKey.OP_WRITE : 0));
        } catch (IOException e) {
            log.accept("client " + conn.id + ": IO error: " + e.getMessage());
            closeQuietly(channel);
        }
    }
    // end::serve-client[]

    /**
     * Stops the server: wakes the loop, which closes the listener and every connection, and waits
     * (a few seconds at most) until it has. Also works before {@link #serve()} was called.
     */
    @Override
    public void close() {
        if (finished.getCount() == 0) {
            return; // already closed
        }
        closing = true;
        if (started.compareAndSet(false, true)) {
            // serve() never ran, and now never will: there is no loop to do the closing
            closeEverything();
            finished.countDown();
            return;
        }
        selector.wakeup(); // ends a select() in progress, or makes the next one return at once
        if (Thread.currentThread() != loopThread) {
            try {
                finished.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop waiting, but let the caller see the interrupt
            }
        }
    }

    /** Closes every channel, then the selector (which is what finally releases the closed sockets). */
    private void closeEverything() {
        if (selector.isOpen()) {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
        }
        closeQuietly(listener);
        closeQuietly(selector);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway: nothing more to do for it
        }
    }

    /**
     * Runs the server: {@code --port N} (default 1234), {@code --host H} (default 127.0.0.1),
     * {@code --quiet}. Stop it with Ctrl-C.
     */
    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        EventLoopSketch server = open(options.host(), options.port(), options.quiet(), System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // returns once the loop has closed the listener and every connection
            System.out.println("stopped");
        }));
        System.out.println("listening on " + options.host() + ":" + server.port());
        server.serve();
    }
}

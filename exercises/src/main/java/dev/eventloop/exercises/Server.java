package dev.eventloop.exercises;

import static dev.eventloop.exercises.Conn.State.STATE_END;
import static dev.eventloop.exercises.Conn.State.STATE_REQ;
import static dev.eventloop.exercises.Conn.State.STATE_RES;
// ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (imports) ----
import static dev.eventloop.exercises.Poll.POLLERR;
import static dev.eventloop.exercises.Poll.POLLIN;
import static dev.eventloop.exercises.Poll.POLLOUT;

import dev.eventloop.exercises.Poll.PollFd;
// ---- EXERCISE 1 (epoll) end ----
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
// ---- EXERCISE 4 (idle-timeout) begin: docs/exercises/04-idle-timeout.md (imports) ----
import java.util.LinkedHashMap;
// ---- EXERCISE 4 (idle-timeout) end ----
import java.util.List;
import java.util.Map;
import java.util.Queue; // given for exercise 5 (loops)
import java.util.concurrent.ConcurrentLinkedQueue; // given for exercise 5 (loops)
import java.util.function.Consumer;
import java.util.function.LongSupplier; // given for exercise 4 (idle-timeout)

/**
 * The book's chapter 6 server: one thread, nonblocking sockets, and a {@code poll}-style event
 * loop driving a small state machine per connection.
 *
 * <pre>
 *                 accept
 *                   |
 *                   v
 *   +-------- STATE_REQ  &lt;---------------------------+
 *   |     (wait POLLIN, read,                         | response fully sent
 *   |      parse requests)   -- a whole request --&gt;  STATE_RES
 *   |                                            (wait POLLOUT, write;
 *   |  EOF, read error,                           no reading meanwhile)
 *   |  too long                                       |
 *   |                                                 | write error
 *   +-----------------&gt; STATE_END &lt;-------------------+
 *                      (closed at the end of the iteration; never left)
 * </pre>
 *
 * <p>Every iteration of {@link #run()}: build the poll list (the listener first, then each
 * connection with POLLIN in {@code STATE_REQ} or POLLOUT in {@code STATE_RES}, never both), wait
 * for readiness with a 1000 ms timeout, run the state machine of each ready connection, close
 * those that reached {@code STATE_END}, and accept one new connection if the listener is ready.
 * The methods that map to the book's functions keep its names: {@code acceptNewConn},
 * {@code connectionIo}, {@code stateReq}, {@code tryFillBuffer}, {@code tryOneRequest},
 * {@code stateRes}, {@code tryFlushBuffer}.
 *
 * <p>What stands beside the book's code, out of its way: each connection reads and writes through
 * a {@link CountedChannel}, so {@link Stats} sees every system call; {@code --trace} is told of
 * each wait by {@link Poll} and of each state change by {@link #setState}; {@link Lifecycle} runs
 * the loop once and stops it from another thread.
 *
 * <p>Three places where this port departs from the book's first version, on purpose:
 * <ul>
 *   <li><b>No pipelining stall</b>: after a response finishes flushing, requests already in the
 *       read buffer are handled at once (see {@link #connectionIo}).
 *   <li><b>Running out of descriptors</b>: when {@code accept} fails, the loop stops asking for
 *       the listener for {@value #ACCEPT_BACKOFF_MILLIS} ms instead of retrying in a tight loop,
 *       and logs the episode once (see {@link #pauseAccepting}).
 *   <li><b>Stopping</b>: {@link #close()} ends the loop from any thread and closes every socket.
 * </ul>
 */
public final class Server implements Closeable {
    /** How long the loop leaves the listener alone after {@code accept} failed. */
    static final long ACCEPT_BACKOFF_MILLIS = 100;
    /** The book's poll timeout; it only bounds how long a stop request can go unnoticed. */
    static final long POLL_TIMEOUT_MILLIS = 1000;
    // ---- given for exercise 1 (epoll) begin ----
    /**
     * The most reads one connection gets in one wake-up, Netty's default ({@code maxMessagesPerRead});
     * then the loop moves on to the other ready connections (docs/exercises/01-epoll.md, "A turn of at most 16 reads").
     */
    static final int READS_PER_WAKE_UP = 16;
    // ---- given for exercise 1 (epoll) end ----
    // ---- given for exercise 4 (idle-timeout) begin ----
    /** How long a connection may stay idle when {@code --idle-timeout} does not say. */
    static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 5000;
    // ---- given for exercise 4 (idle-timeout) end ----
    /**
     * The listen backlog: how many connections the kernel queues for us before we accept them.
     * The JDK's default is 50; with more clients than that connecting at once, the rest see their
     * SYN dropped and retry a second later. The book passes {@code SOMAXCONN}, which is 4096 on
     * a current Linux; the kernel caps any larger value at {@code net.core.somaxconn}.
     */
    static final int BACKLOG = 4096;
    /** The book's {@code assert(conn->rbuf_size < sizeof(conn->rbuf))}, said in words. */
    static final String NO_ROOM_TO_READ = "invariant broken: the read buffer is full before a read"
            + " (rbufSize == capacity). A full buffer holds a whole message, and whole messages must"
            + " be consumed before the next read; see docs/06-eventloop.md, \"tryFillBuffer\".";

    private final ServerSocketChannel listener;
    private final Acceptor acceptor;
    private final Stats stats = new Stats();
    private final Trace trace;
    // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (the poller) ----
    private final Poll poll;
    // ---- EXERCISE 1 (epoll) end ----
    private final Lifecycle lifecycle = new Lifecycle();
    private final boolean quiet;
    /** Each new connection's buffer sizes: the book's 4 + 4096 unless {@code --rbuf}/{@code --wbuf} say more. */
    private final int rbufCapacity;
    private final int wbufCapacity;
    private final Consumer<String> log;
    // ---- EXERCISE 4 (idle-timeout) begin: docs/exercises/04-idle-timeout.md (the connection table) ----
    /**
     * The connection table, the book's {@code fd2conn}. C indexes a vector by the file
     * descriptor, a small integer; Java has no descriptor numbers, so the channel object itself
     * is the key. Insertion order keeps the poll list, and so the trace, in accept order.
     */
    private final Map<SocketChannel, Conn> fd2conn = new LinkedHashMap<>();
    // ---- EXERCISE 4 (idle-timeout) end ----
    private int nextConnId = 1;
    private long acceptPausedUntil;
    private boolean acceptFailing;
    // ---- given for exercise 4 (idle-timeout) begin ----
    /** How long a connection may go without IO readiness before the server closes it. */
    private final long idleTimeoutMillis;
    /** The book's {@code get_monotonic_msec()}; tests replace it ({@link #useClock}) to move time by hand. */
    private LongSupplier clock = () -> System.nanoTime() / 1_000_000;
    // ---- given for exercise 4 (idle-timeout) end ----
    // ---- given for exercise 5 (loops) begin ----
    /** This server's loops: this one, which accepts, and the others of {@code --loops}. */
    private final Loops loops;
    /** Work handed to this loop by other threads, run by the loop itself; see {@link #execute}. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    // ---- given for exercise 5 (loops) end ----

    private Server(ServerSocketChannel listener, Acceptor acceptor, Options options, Consumer<String> log)
            throws IOException {
        this.listener = listener;
        this.acceptor = acceptor;
        this.trace = options.trace() ? Trace.printingTo(log) : Trace.OFF;
        // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (the poller) ----
        this.poll = new Poll(stats, trace);
        // ---- EXERCISE 1 (epoll) end ----
        this.quiet = options.quiet();
        this.rbufCapacity = options.rbuf();
        this.wbufCapacity = options.wbuf();
        this.log = log;
        this.idleTimeoutMillis = options.idleTimeout().orElse(DEFAULT_IDLE_TIMEOUT_MILLIS); // given for exercise 4 (idle-timeout)
        // ---- given for exercise 5 (loops) begin ----
        try {
            this.loops = new Loops(this, otherLoops(listener, acceptor, options, log));
        } catch (IOException e) {
            closeListenerAndPoller(); // this loop's poller, and the listener, which open() closes too
            throw e;
        }
        // ---- given for exercise 5 (loops) end ----
    }
    // ---- given for exercise 5 (loops) begin ----

    /**
     * The loops beyond the first for {@code --loops N}: each a server of its own on the same
     * listener, which it never accepts from. As far as its loop can tell, accepting is paused for
     * good: it leaves the listener out of its waits, and serves what the first loop hands it.
     */
    private static List<Server> otherLoops(ServerSocketChannel listener, Acceptor acceptor, Options options,
            Consumer<String> log) throws IOException {
        List<Server> others = new ArrayList<>();
        try {
            for (int i = 1; i < options.loops(); i++) {
                Server loop = new Server(listener, acceptor, options.oneLoop(), log);
                loop.acceptFailing = true;
                loop.acceptPausedUntil = System.nanoTime() + Long.MAX_VALUE / 2; // about 146 years
                others.add(loop);
            }
        } catch (IOException e) {
            others.forEach(Server::closeListenerAndPoller); // the poller each one opened, and the listener
            throw e;
        }
        return others;
    }

    /** The counters of every loop, the first one's first: each loop counts what it does. */
    List<Stats> statsOfEveryLoop() {
        return loops.all().stream().map(Server::stats).toList();
    }
    // ---- given for exercise 5 (loops) end ----

    /**
     * Binds a nonblocking listening socket at {@code options.host():options.port()} (port 0
     * picks a free port; see {@link #port()}). Call {@link #run()} to serve.
     */
    public static Server open(Options options, Consumer<String> log) throws IOException {
        return open(options, log, ServerSocketChannel::accept);
    }

    /** Like {@link #open(Options, Consumer)}, accepting each connection with {@code acceptor}. */
    static Server open(Options options, Consumer<String> log, Acceptor acceptor) throws IOException {
        JdkQuirks.closeOneChannelEarly();
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            // The book sets SO_REUSEADDR here; the JDK already does so on every listening socket.
            // The book binds 0.0.0.0 (every interface); this port binds 127.0.0.1 by default, on
            // purpose: a course server has no business listening beyond this machine.
            listener.bind(new InetSocketAddress(options.host(), options.port()), BACKLOG);
            // set the listen fd to nonblocking mode: the loop must never block anywhere but in poll
            listener.configureBlocking(false);
            return new Server(listener, acceptor, options, log);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return listener.socket().getLocalPort();
    }

    /** The server's counters, readable from any thread. */
    public Stats stats() {
        return stats;
    }
    // ---- given for exercise 4 (idle-timeout) begin ----

    /** Makes {@code clock} the server's clock, in milliseconds; before {@link #run()}. */
    void useClock(LongSupplier clock) {
        for (Server loop : loops.all()) { // every loop's, for exercise 5 (loops)
            loop.clock = clock;
        }
    }
    // ---- given for exercise 4 (idle-timeout) end ----


    // tag::event-loop[]
    /** Runs the event loop on the calling thread until {@link #close()} is called. */
    public void run() {
        lifecycle.start(); // once, and not after close()
        try {
            // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (the other loops) ----
            // ---- EXERCISE 5 (loops) end ----
            // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (before the loop) ----
            // the event loop
            List<PollFd> pollArgs = new ArrayList<>();
            // ---- EXERCISE 1 (epoll) end ----
            while (!lifecycle.stopping()) {
                // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (each iteration) ----
                // ---- EXERCISE 5 (loops) end ----
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                // prepare the arguments of the poll()
                pollArgs.clear();
                // for convenience, the listening fd is put in the first position
                pollArgs.add(new PollFd(listener, acceptPaused() ? 0 : POLLIN));
                // connection fds
                for (Conn conn : fd2conn.values()) {
                    int events = conn.state == STATE_REQ ? POLLIN : POLLOUT;
                    pollArgs.add(new PollFd(conn.socket, events | POLLERR));
                }

                // poll for active fds
                poll.poll(pollArgs, pollTimeout());

                // process active connections
                for (int i = 1; i < pollArgs.size(); ++i) {
                    if (pollArgs.get(i).revents() != 0) {
                        Conn conn = fd2conn.get(pollArgs.get(i).channel());
                        connectionIo(conn);
                        if (conn.state == STATE_END) {
                            // client closed normally, or something bad happened.
                            // destroy this connection
                            destroy(conn);
                        }
                    }
                }

                // try to accept a new connection if the listening fd is active
                if (pollArgs.get(0).revents() != 0) {
                    acceptNewConn();
                }
                // ---- EXERCISE 1 (epoll) end ----
                // ---- EXERCISE 4 (idle-timeout) begin: docs/exercises/04-idle-timeout.md (after each iteration) ----
                // ---- EXERCISE 4 (idle-timeout) end ----
            }
            // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (after the loop) ----
            // ---- EXERCISE 5 (loops) end ----
        } catch (IOException e) {
            log.accept("poll() error: " + e.getMessage()); // the selector itself failed: nothing to serve with
        } finally {
            lifecycle.finish(this::closeEverything);
        }
    }
    // end::event-loop[]

    // tag::accept-new-conn[]
    private void acceptNewConn() {
        // accept
        SocketChannel connfd;
        try {
            connfd = accept();
        } catch (IOException e) {
            pauseAccepting(e);
            return;
        }
        if (connfd == null) {
            return; // nothing to accept after all (the client gave up already)
        }
        try {
            // set the new connection fd to nonblocking mode
            connfd.configureBlocking(false);
            // Send each response at once. With Nagle's algorithm on, a small write waits for the
            // ACK of the previous one, which the client may delay by up to 40 ms. Redis does this too.
            connfd.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            log.accept("socket setup error: " + e.getMessage());
            close(connfd);
            return;
        }
        // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (the new connection's loop) ----
        newConn(connfd); // given for exercise 5 (loops)
        // ---- EXERCISE 5 (loops) end ----
    // ---- given for exercise 5 (loops) begin ----
    }

    /** The new connection joins this loop: its table and its interest set. Only this loop's thread calls it. */
    private void newConn(SocketChannel connfd) {
    // ---- given for exercise 5 (loops) end ----
        // creating the struct Conn
        Conn conn = new Conn(connfd, stats, nextConnId++, rbufCapacity, wbufCapacity);
        // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (the new connection) ----
        connPut(conn);
        // ---- EXERCISE 1 (epoll) end ----
    }
    // end::accept-new-conn[]

    // tag::connection-io[]
    void connectionIo(Conn conn) {
        if (conn.state == STATE_REQ) {
            stateReq(conn);
        } else if (conn.state == STATE_RES) {
            stateRes(conn);
            if (conn.state == STATE_REQ) {
                // No stall: the read that brought this response's request may have brought more
                // requests after it. They are already in rbuf, so the client may send nothing
                // more, and POLLIN would never fire for them. Answer them now.
                processRequests(conn);
            }
        } else {
            throw new IllegalStateException("not expected: " + conn.state);
        }
        // ---- EXERCISE 4 (idle-timeout) begin: docs/exercises/04-idle-timeout.md (a ready connection was served) ----
        // ---- EXERCISE 4 (idle-timeout) end ----
    }
    // end::connection-io[]

    // tag::state-req[]
    private void stateReq(Conn conn) {
        // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (the reads of one wake-up) ----
        while (tryFillBuffer(conn)) {
        }
        // ---- EXERCISE 1 (epoll) end ----
    }
    // end::state-req[]

    // tag::try-fill-buffer[]
    private boolean tryFillBuffer(Conn conn) {
        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md (before the read) ----
        // try to fill the buffer: the room after the data, the book's sizeof(conn->rbuf) - conn->rbuf_size
        int room = conn.rbuf.capacity() - conn.rbufSize;
        // ---- EXERCISE 2 (deferred-memmove) end ----
        assert room > 0 : NO_ROOM_TO_READ;
        int rv;
        try {
            conn.rbuf.limit(conn.rbufSize + room).position(conn.rbufSize);
            rv = conn.channel.read(conn.rbuf);
        } catch (IOException e) {
            log.accept("read() error: " + e.getMessage());
            setState(conn, STATE_END);
            return false;
        }
        if (rv == 0) {
            // got EAGAIN, stop.
            return false;
        }
        if (rv < 0) {
            if (conn.rbufSize > 0) {
                log.accept("unexpected EOF");
            } else if (!quiet) {
                log.accept("EOF"); // a clean goodbye between messages
            }
            setState(conn, STATE_END);
            return false;
        }
        conn.rbufSize += rv;

        processRequests(conn);
        // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (whether to read again) ----
        return conn.state == STATE_REQ;
        // ---- EXERCISE 1 (epoll) end ----
    }
    // end::try-fill-buffer[]

    // tag::process-requests[]
    /** Answers the whole requests in rbuf: after each read, and after a response has gone out. */
    private void processRequests(Conn conn) {
        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md ----
        // Try to process requests one by one.
        // Why is there a loop? Please read the explanation of "pipelining".
        while (tryOneRequest(conn)) {
        }
        // ---- EXERCISE 3 (batched-writes) end ----
    }
    // end::process-requests[]

    // tag::try-one-request[]
    private boolean tryOneRequest(Conn conn) {
        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
        // try to parse a request from the buffer
        if (conn.rbufSize < Protocol.HEADER_SIZE) {
            // not enough data in the buffer. Will retry in the next iteration
            return false;
        }
        // little-endian, unsigned: ff ff ff ff is 4294967295 (too long), not -1
        long len = Integer.toUnsignedLong(conn.rbuf.getInt(0));
        // ---- EXERCISE 2 (deferred-memmove) end ----
        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md (before the length is checked) ----
        // ---- EXERCISE 3 (batched-writes) end ----
        if (len > Protocol.K_MAX_MSG) {
            log.accept("too long");
            setState(conn, STATE_END);
            return false;
        }
        int msgSize = Protocol.HEADER_SIZE + (int) len;
        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
        if (msgSize > conn.rbufSize) {
            // not enough data in the buffer. Will retry in the next iteration
            return false;
        }

        // the request's payload, rbuf[4, 4 + len): a view, nothing is copied yet
        ByteBuffer payload = conn.rbuf.slice(Protocol.HEADER_SIZE, (int) len);
        // ---- EXERCISE 2 (deferred-memmove) end ----

        // got one request, do something with it
        if (!quiet) {
            log.accept("client says: " + text(payload));
        }

        // generating echoing response
        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md ----
        conn.wbuf.clear(); // the response starts at wbuf[0]
        // ---- EXERCISE 3 (batched-writes) end ----
        conn.wbuf.putInt((int) len); // relative puts: each one goes after the last
        conn.wbuf.put(payload);
        conn.wbufSize = conn.wbuf.position();

        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
        // remove the request from the buffer.
        // note: frequent memmove is inefficient.
        int remain = conn.rbufSize - msgSize;
        if (remain > 0) {
            memmove(conn.rbuf, 0, msgSize, remain);
        }
        conn.rbufSize = remain;
        // ---- EXERCISE 2 (deferred-memmove) end ----

        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md ----
        // change state
        setState(conn, STATE_RES);
        stateRes(conn);

        // continue the outer loop if the request was fully processed
        return conn.state == STATE_REQ;
        // ---- EXERCISE 3 (batched-writes) end ----
    }
    // end::try-one-request[]

    // tag::state-res[]
    private void stateRes(Conn conn) {
        while (tryFlushBuffer(conn)) {
        }
    }
    // end::state-res[]

    // tag::try-flush-buffer[]
    private boolean tryFlushBuffer(Conn conn) {
        int rv;
        try {
            conn.wbuf.limit(conn.wbufSize).position(conn.wbufSent);
            rv = conn.channel.write(conn.wbuf);
        } catch (IOException e) {
            // e.g. the client closed or reset the connection while we were writing to it
            log.accept("write() error: " + e.getMessage());
            setState(conn, STATE_END);
            return false;
        }
        if (rv == 0) {
            // got EAGAIN (the socket's send buffer is full), stop: wait for POLLOUT.
            return false;
        }
        conn.wbufSent += rv;
        if (conn.wbufSent == conn.wbufSize) {
            // response was fully sent, change state back
            setState(conn, STATE_REQ);
            conn.wbufSent = 0;
            conn.wbufSize = 0;
            return false;
        }
        // still got some data in wbuf, could try to write again
        return true;
    }
    // end::try-flush-buffer[]

    // tag::set-state[]
    /** The book's {@code conn->state = next}, with {@code --trace} told. */
    private void setState(Conn conn, Conn.State next) {
        trace.transition(conn, next);
        conn.state = next;
    }
    // end::set-state[]

    // tag::memmove[]
    /** The book's {@code memmove(&buf[dst], &buf[src], n)}, counted in {@link Stats#compactions()}. */
    private void memmove(ByteBuffer buf, int dst, int src, int n) {
        buf.clear(); // absolute puts are bounded by the limit, not by the capacity
        buf.put(dst, buf, src, n); // overlapping ranges are fine: put copies as if through a temporary
        stats.compacted(n);
    }
    // end::memmove[]

    /** {@code accept()} on the listener, counted; logs once when it works again after failing. */
    private SocketChannel accept() throws IOException {
        stats.acceptAttempted();
        SocketChannel connfd = acceptor.accept(listener);
        if (connfd != null && acceptFailing) {
            log.accept("accept() works again");
            acceptFailing = false;
        }
        return connfd;
    }

    // tag::pause-accepting[]
    /**
     * {@code accept} failed, typically with "Too many open files". The pending connection stays
     * queued, so the listener stays ready: retrying at once would spin the loop at 100% CPU. Leave
     * the listener out of poll for a while and keep serving the connections we have; log once per
     * episode, not per attempt.
     */
    private void pauseAccepting(IOException e) {
        if (!acceptFailing) {
            log.accept("accept() error: " + e.getMessage() + "; pausing accept for "
                    + ACCEPT_BACKOFF_MILLIS + " ms at a time until it works again");
            acceptFailing = true;
        }
        acceptPausedUntil = System.nanoTime() + ACCEPT_BACKOFF_MILLIS * 1_000_000;
    }
    // end::pause-accepting[]

    private boolean acceptPaused() {
        return acceptFailing && System.nanoTime() - acceptPausedUntil < 0;
    }

    // ---- EXERCISE 4 (idle-timeout) begin: docs/exercises/04-idle-timeout.md (timers) ----
    private long pollTimeout() {
        if (!acceptPaused()) {
            return POLL_TIMEOUT_MILLIS;
        }
        long remaining = (acceptPausedUntil - System.nanoTime()) / 1_000_000;
        return Math.max(1, Math.min(POLL_TIMEOUT_MILLIS, remaining));
    }

    /** The book's {@code conn_put}: the new connection joins the table. */
    private void connPut(Conn conn) {
        fd2conn.put(conn.socket, conn);
        stats.connectionTableSize(fd2conn.size());
        trace.accepted(conn);
    }

    /** The book's {@code fd2conn[conn->fd] = NULL; close(conn->fd); free(conn);}. */
    private void destroy(Conn conn) {
        fd2conn.remove(conn.socket);
        stats.connectionTableSize(fd2conn.size());
        close(conn.channel);
        trace.closed(conn);
    }
    // ---- EXERCISE 4 (idle-timeout) end ----

    private void close(Closeable channel) {
        try {
            channel.close(); // also cancels its key: the selector forgets it on the next wait
        } catch (IOException e) {
            log.accept("close() error: " + e.getMessage());
        }
    }

    /** After the loop: close every connection, the listener and the poller, and say so. */
    private void closeEverything() {
        trace.flush();
        int open = fd2conn.size();
        for (Conn conn : fd2conn.values()) {
            close(conn.channel);
        }
        fd2conn.clear();
        stats.connectionTableSize(0);
        closeListenerAndPoller();
        log.accept("stopped (closed the listener and " + open + " connections)");
    }

    private static String text(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(0, bytes); // absolute: leaves the position where the copy into wbuf starts
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (the poller) ----
    /** Ends the loop's wait early, from any thread. */
    private void wakeup() {
        poll.wakeup();
    }

    /** Closes what the loop waits on: the listener, and the poller. */
    private void closeListenerAndPoller() {
        close(listener);
        close(poll);
    }
    // ---- EXERCISE 1 (epoll) end ----
    // tag::tasks[]
    // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (tasks) ----
    // ---- given for exercise 5 (loops) begin ----
    /** Runs {@code task} on this loop's thread: exercise 5 (docs/exercises/05-loops.md). */
    public void execute(Runnable task) {
        throw new UnsupportedOperationException("Exercise 5 (loops) is not done yet: execute(task) has no task queue"
                + " to add to. Read docs/exercises/05-loops.md.");
    }
    // ---- given for exercise 5 (loops) end ----
    // ---- EXERCISE 5 (loops) end ----
    // end::tasks[]

    /**
     * Stops the loop and waits until it has closed the listener and every connection. Safe to
     * call from any thread, more than once, and before {@link #run()}.
     */
    @Override
    public void close() {
        lifecycle.stop(this::wakeup, this::closeListenerAndPoller);
        // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (the other loops) ----
        // ---- EXERCISE 5 (loops) end ----
    }

    /**
     * Runs the server with the options of {@link Options#SERVER_USAGE}: by default on
     * 127.0.0.1:1234, logging each request. Stop it with Ctrl-C.
     */
    public static void main(String[] args) throws IOException {
        Options options = Options.parseOrExit(args);
        Server server = open(options, System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("listening on " + options.host() + ":" + server.port());
        server.run();
    }
}

package dev.eventloop.exercises;

import static dev.eventloop.exercises.Conn.State.STATE_END;
import static dev.eventloop.exercises.Conn.State.STATE_REQ;
import static dev.eventloop.exercises.Conn.State.STATE_RES;
// ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (imports) ----
import static dev.eventloop.exercises.Epoll.EPOLLERR;
import static dev.eventloop.exercises.Epoll.EPOLLIN;
import static dev.eventloop.exercises.Epoll.EPOLLOUT;
import static dev.eventloop.exercises.Epoll.EPOLL_CTL_ADD;
import static dev.eventloop.exercises.Epoll.EPOLL_CTL_MOD;
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
import java.util.LinkedHashSet;
// ---- EXERCISE 4 (idle-timeout) end ----
import java.util.List;
import java.util.Map;
import java.util.Queue; // given for exercise 5 (loops)
import java.util.concurrent.ConcurrentLinkedQueue; // given for exercise 5 (loops)
import java.util.function.Consumer;
import java.util.function.LongSupplier; // given for exercise 4 (idle-timeout)

/**
 * The chapter 6 server with the course's exercises done: one thread, nonblocking sockets, and an
 * {@code epoll}-style event loop driving the book's state machine per connection.
 *
 * <pre>
 *                 accept
 *                   |
 *                   v
 *   +-------- STATE_REQ  &lt;---------------------------+
 *   |     (wait EPOLLIN, read,                        | the batch fully sent
 *   |      parse requests)   -- a batch to send --&gt;   STATE_RES
 *   |                                            (wait EPOLLOUT, write;
 *   |  EOF, read error,                           no reading meanwhile)
 *   |  too long, idle too long                        |
 *   |                                                 | write error
 *   +-----------------&gt; STATE_END &lt;-------------------+
 *                      (closed at the end of the iteration; never left)
 * </pre>
 *
 * <p>What it does beyond chapter 6, one exercise each (docs/exercises):
 * <ul>
 *   <li><b>A kept interest set</b> ({@link Epoll}): the listener and each connection join it once,
 *       a connection's interest changes only when its state does, and a wait returns only the
 *       ready connections, each with its {@link Conn} attached. Idle connections cost nothing.
 *   <li><b>Turns</b>: a ready connection is read again only while a read fills its room, and at
 *       most {@value #READS_PER_WAKE_UP} times per wake-up, so no client keeps the loop to itself.
 *       Level-triggered readiness reports whatever a turn leaves in the socket at the next wait.
 *   <li><b>Deferred compaction</b>: consumed requests stay in the read buffer ({@code rbufStart}
 *       marks the first unconsumed byte) until a read needs their room; then one {@code memmove}.
 *   <li><b>Batched writes</b>: every whole request in the read buffer is answered into the write
 *       buffer, and the batch goes out with as few writes as the socket allows.
 *   <li><b>Idle timeouts</b>: a connection without IO readiness for {@code --idle-timeout} ms (5 s
 *       by default) is closed. The idle list keeps connections in order of last activity, so
 *       expiring looks at the front only, and the wait lasts until the nearest deadline.
 *   <li><b>Loops</b> ({@link Loops}): with {@code --loops N}, N loops, each on a thread of its own.
 *       This one accepts, and hands each connection to the loops in turn, as a task on the chosen
 *       loop's queue followed by its wakeup ({@link #execute}). Only a loop's own thread touches
 *       its connections, so the state machine needs no lock.
 * </ul>
 *
 * <p>The methods that map to the book's functions keep its names: {@code acceptNewConn},
 * {@code connectionIo}, {@code stateReq}, {@code tryFillBuffer}, {@code tryOneRequest},
 * {@code stateRes}, {@code tryFlushBuffer}. What stands beside the book's code, out of its way:
 * each connection reads and writes through a {@link CountedChannel}, so {@link Stats} sees every
 * system call; {@code --trace} is told of each wait by {@link Epoll} and of each state change by
 * {@link #setState}; {@link Lifecycle} runs the loop once and stops it from another thread.
 *
 * <p>As in chapter 6, three places depart from the book's first version on purpose: requests
 * already in the read buffer are answered as soon as a response has gone out (no pipelining
 * stall); a failing {@code accept} pauses accepting for {@value #ACCEPT_BACKOFF_MILLIS} ms instead of
 * spinning; and {@link #close()} stops the loop from any thread.
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
    private final Epoll epoll;
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
     * is the key.
     */
    private final Map<SocketChannel, Conn> fd2conn = new LinkedHashMap<>();
    /**
     * The book's idle list: every connection, least recently active first. {@link #touch} moves a
     * connection to the end, so the first one is always the next to expire.
     */
    private final LinkedHashSet<Conn> idleList = new LinkedHashSet<>();
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
        this.epoll = new Epoll(stats, trace);
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
            loops.startOthers();
            // ---- EXERCISE 5 (loops) end ----
            // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (before the loop) ----
            // the event loop, epoll style: the listener joins the interest set once, up front
            epoll.epollCtl(EPOLL_CTL_ADD, listener, EPOLLIN, listener);
            boolean listening = true;
            List<Epoll.Event> events = new ArrayList<>();
            // ---- EXERCISE 1 (epoll) end ----
            while (!lifecycle.stopping()) {
                // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (each iteration) ----
                runTasks();
                // ---- EXERCISE 5 (loops) end ----
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                if (listening == acceptPaused()) {
                    // out of descriptors (or back): stop or start watching the listener
                    listening = !listening;
                    epoll.epollCtl(EPOLL_CTL_MOD, listener, listening ? EPOLLIN : 0, listener);
                }

                // wait for readiness: only the ready channels come back, however many are idle
                epoll.epollWait(events, pollTimeout());

                for (Epoll.Event event : events) {
                    if (event.data() == listener) {
                        acceptNewConn(); // adds the new connection to the interest set
                        continue;
                    }
                    // the data is the connection: no lookup table needed
                    Conn conn = (Conn) event.data();
                    Conn.State before = conn.state;
                    connectionIo(conn);
                    if (conn.state == STATE_END) {
                        destroy(conn); // closing the channel also takes it out of the interest set
                    } else if (conn.state != before) {
                        // interest changes only when the state does
                        epoll.epollCtl(EPOLL_CTL_MOD, conn.socket, interest(conn), conn);
                    }
                }
                // ---- EXERCISE 1 (epoll) end ----
                // ---- EXERCISE 4 (idle-timeout) begin: docs/exercises/04-idle-timeout.md (after each iteration) ----
                expireIdleConnections();
                // ---- EXERCISE 4 (idle-timeout) end ----
            }
            // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (after the loop) ----
            runTasks(); // connections handed over before the stop join the table, which is closed below
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
        Server loop = loops.next();
        if (loop == this) {
            newConn(connfd);
        } else {
            // the loop that owns it creates and registers the connection, on its own thread
            loop.execute(() -> loop.newConn(connfd));
        }
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
        // ...and the interest set, with the connection itself as the data its events carry
        try {
            epoll.epollCtl(EPOLL_CTL_ADD, conn.socket, interest(conn), conn);
        } catch (IOException e) {
            log.accept("epoll_ctl error: " + e.getMessage());
            destroy(conn); // it would never get an event
        }
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
        // Any readiness is activity, a slow reader's POLLOUT as much as a request. Touched after
        // serving, so that a connection served for long in one go is not idle at its end.
        touch(conn);
        // ---- EXERCISE 4 (idle-timeout) end ----
    }
    // end::connection-io[]

    // tag::state-req[]
    private void stateReq(Conn conn) {
        // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md (the reads of one wake-up) ----
        // A turn of at most READS_PER_WAKE_UP reads, then the other ready connections get theirs: a
        // client that never stops sending must not keep the loop to itself. What it leaves in the
        // socket is not lost: with level-triggered readiness, the next wait reports it again.
        for (int reads = 0; reads < READS_PER_WAKE_UP && tryFillBuffer(conn); reads++) {
        }
        // ---- EXERCISE 1 (epoll) end ----
    }
    // end::state-req[]

    // tag::try-fill-buffer[]
    private boolean tryFillBuffer(Conn conn) {
        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md (before the read) ----
        // memmove only before read, and only when the read needs the room
        if (conn.rbufStart == conn.rbufSize) {
            // everything consumed: start over at the front, nothing to move
            conn.rbufStart = 0;
            conn.rbufSize = 0;
        } else if (conn.rbufSize == conn.rbuf.capacity()) {
            // no room left after the data: move the partial message to the front
            int remain = conn.rbufSize - conn.rbufStart;
            memmove(conn.rbuf, 0, conn.rbufStart, remain);
            conn.rbufStart = 0;
            conn.rbufSize = remain;
        }
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
        // Read again only if the read filled its room. A shorter read took everything the socket
        // had: with level-triggered readiness, the next wait reports the connection again if more
        // arrives, so a read that would find nothing (EAGAIN) is a system call for nothing.
        return conn.state == STATE_REQ && rv == room;
        // ---- EXERCISE 1 (epoll) end ----
    }
    // end::try-fill-buffer[]

    // tag::process-requests[]
    /** Answers the whole requests in rbuf: after each read, and after a response has gone out. */
    private void processRequests(Conn conn) {
        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md ----
        // Answer every complete request that fits into wbuf, then send them all with as few write
        // calls as the socket allows; go round again for the requests that did not fit, until they
        // run out or a response must wait for POLLOUT.
        while (conn.state == STATE_REQ) {
            while (tryOneRequest(conn)) {
            }
            if (conn.wbufSize == 0) {
                return; // nothing to send: wait for more input
            }
            setState(conn, STATE_RES);
            stateRes(conn);
        }
        // ---- EXERCISE 3 (batched-writes) end ----
    }
    // end::process-requests[]

    // tag::try-one-request[]
    private boolean tryOneRequest(Conn conn) {
        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
        // try to parse a request from the buffer, at its first unconsumed byte
        if (conn.rbufSize - conn.rbufStart < Protocol.HEADER_SIZE) {
            // not enough data in the buffer. Will retry in the next iteration
            return false;
        }
        // little-endian, unsigned: ff ff ff ff is 4294967295 (too long), not -1
        long len = Integer.toUnsignedLong(conn.rbuf.getInt(conn.rbufStart));
        // ---- EXERCISE 2 (deferred-memmove) end ----
        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md (before the length is checked) ----
        if (conn.wbufSize > 0
                && (len > Protocol.K_MAX_MSG || conn.wbufSize + Protocol.HEADER_SIZE + len > conn.wbuf.capacity())) {
            // a bad frame, or a response with no room left in wbuf: send the batch so far first.
            // processRequests comes back to this request with wbuf empty.
            return false;
        }
        // ---- EXERCISE 3 (batched-writes) end ----
        if (len > Protocol.K_MAX_MSG) {
            log.accept("too long");
            setState(conn, STATE_END);
            return false;
        }
        int msgSize = Protocol.HEADER_SIZE + (int) len;
        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
        if (msgSize > conn.rbufSize - conn.rbufStart) {
            // not enough data in the buffer. Will retry in the next iteration
            return false;
        }

        // the request's payload, rbuf[rbufStart + 4, rbufStart + 4 + len): a view, nothing is copied yet
        ByteBuffer payload = conn.rbuf.slice(conn.rbufStart + Protocol.HEADER_SIZE, (int) len);
        // ---- EXERCISE 2 (deferred-memmove) end ----

        // got one request, do something with it
        if (!quiet) {
            log.accept("client says: " + text(payload));
        }

        // generating echoing response
        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md ----
        conn.wbuf.limit(conn.wbuf.capacity()).position(conn.wbufSize); // after the batch so far
        // ---- EXERCISE 3 (batched-writes) end ----
        conn.wbuf.putInt((int) len); // relative puts: each one goes after the last
        conn.wbuf.put(payload);
        conn.wbufSize = conn.wbuf.position();

        // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
        // remove the request from the buffer: the bytes stay; tryFillBuffer moves them only if it needs the room
        conn.rbufStart += msgSize;
        // ---- EXERCISE 2 (deferred-memmove) end ----

        // ---- EXERCISE 3 (batched-writes) begin: docs/exercises/03-batched-writes.md ----
        // keep parsing: processRequests sends the whole batch at once
        return true;
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
    /**
     * The timeout of the next wait: the book's 1000 ms at most, the time left of an accept
     * back-off, and the time left until the nearest idle deadline.
     */
    private long pollTimeout() {
        long timeout = POLL_TIMEOUT_MILLIS;
        if (acceptPaused()) {
            long remaining = (acceptPausedUntil - System.nanoTime()) / 1_000_000;
            timeout = Math.max(1, Math.min(timeout, remaining));
        }
        if (!idleList.isEmpty()) {
            // the least recently active connection has the nearest deadline
            long deadline = idleList.iterator().next().idleDeadline(idleTimeoutMillis);
            timeout = Math.min(timeout, Math.max(0, deadline - clock.getAsLong()));
        }
        return timeout;
    }

    /** The book's {@code conn_put}: the new connection joins the table, and starts its idle timer. */
    private void connPut(Conn conn) {
        fd2conn.put(conn.socket, conn);
        stats.connectionTableSize(fd2conn.size());
        trace.accepted(conn);
        touch(conn);
    }

    /** The book's {@code fd2conn[conn->fd] = NULL; close(conn->fd); free(conn);}, and off the idle list. */
    private void destroy(Conn conn) {
        fd2conn.remove(conn.socket);
        stats.connectionTableSize(fd2conn.size());
        close(conn.channel);
        trace.closed(conn);
        idleList.remove(conn);
    }

    /** The book's idle timer update: the connection is active now, so it moves to the end of the idle list. */
    private void touch(Conn conn) {
        conn.touch(clock.getAsLong());
        idleList.remove(conn);
        idleList.add(conn);
    }

    /** Closes the connections idle for too long: from the front of the idle list, until one is not due. */
    private void expireIdleConnections() {
        long now = clock.getAsLong();
        while (!idleList.isEmpty()) {
            Conn oldest = idleList.iterator().next();
            if (now < oldest.idleDeadline(idleTimeoutMillis)) {
                return; // every connection after it was active more recently
            }
            log.accept("idle timeout");
            destroy(oldest); // which takes it off the idle list
        }
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
        epoll.wakeup();
    }

    /** Closes what the loop waits on: the listener, and the epoll set. */
    private void closeListenerAndPoller() {
        close(listener);
        close(epoll);
    }

    /**
     * What a connection waits for: EPOLLIN while reading requests, EPOLLOUT while sending a
     * response, never both; and errors.
     */
    private static int interest(Conn conn) {
        return (conn.state == STATE_REQ ? EPOLLIN : EPOLLOUT) | EPOLLERR;
    }
    // ---- EXERCISE 1 (epoll) end ----
    // tag::tasks[]
    // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (tasks) ----
    /**
     * Runs {@code task} on this loop's thread, in its next iteration; safe to call from any thread.
     * The task joins the loop's queue, and the loop is woken in case it is waiting.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    /** Runs the tasks queued so far; those they queue wait for the next iteration. */
    private void runTasks() {
        for (int n = tasks.size(); n > 0; n--) {
            try {
                tasks.remove().run();
            } catch (RuntimeException e) {
                log.accept("task failed: " + e); // one bad task must not end the loop
            }
        }
    }
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
        loops.closeOthers(); // after this loop: no more connections are handed to them
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

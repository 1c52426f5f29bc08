package dev.eventloop.exercises;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong; // given for exercise 1 (epoll)

/**
 * {@code poll(2)} for Java channels: the caller hands over the <em>whole</em> list of
 * (channel, wanted events) on every call and gets back, in each entry's {@link PollFd#revents},
 * what is ready.
 *
 * <p>Java has no {@code poll} call; its readiness API is {@link Selector}, which keeps each
 * channel's interest in a {@link SelectionKey} between calls. This class hides that, so that the
 * event loop in {@link Server} reads like the book's and pays what {@code poll(2)} pays: every
 * call re-declares the interest of every connection, and the caller scans every entry for
 * results, however few are ready. Both costs grow with the number of connections, busy or idle;
 * {@link Stats#interestUpdates()} and {@link Stats#entriesExamined()} count them.
 *
 * <p>What it hides: on Linux the JDK's default {@code Selector} is built on {@code epoll}. The
 * interest set lives in the kernel between calls ({@code epoll_ctl}), and a wait returns only
 * the ready channels ({@code epoll_wait}). Here that kernel-side set is simply rewritten to match
 * the list on each call; the JDK only issues an {@code epoll_ctl} when a channel's interest
 * really changed. A loop written for {@code epoll} would keep the set itself, and pay only for changes.
 *
 * <p>To make the JDK use the real {@code poll(2)} system call, start the JVM with
 * {@code -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.PollSelectorProvider}; watch the
 * difference with {@code strace -f -e trace=poll,epoll_wait,epoll_ctl}.
 *
 * <p>{@code POLLERR} needs no request in Java: a channel with a pending error is reported ready
 * for what it asked, and the next {@code read} or {@code write} throws the error.
 */
public final class Poll implements Closeable {
    /** Data may be read (for a listening socket: a connection may be accepted). Linux's value. */
    public static final int POLLIN = 0x001;
    /** Data may be written without blocking. Linux's value. */
    public static final int POLLOUT = 0x004;
    /** An error is pending. Always reported in C; in Java it surfaces through the next IO call. */
    public static final int POLLERR = 0x008;

    /**
     * One entry of the poll list, the book's {@code struct pollfd}.
     *
     * <p>{@code events} is what the caller wants; {@code revents} is filled in by
     * {@link Poll#poll}.
     */
    public static final class PollFd {
        final SelectableChannel channel;
        final int events;
        int revents;
        private long call;

        /** An entry asking for {@code events} (a mix of {@link #POLLIN}, {@link #POLLOUT}, {@link #POLLERR}). */
        public PollFd(SelectableChannel channel, int events) {
            this.channel = channel;
            this.events = events;
        }

        /** The channel this entry is about. */
        public SelectableChannel channel() {
            return channel;
        }

        /** What the caller asked for. */
        public int events() {
            return events;
        }

        /** What the last {@link Poll#poll} found ready; 0 if nothing. */
        public int revents() {
            return revents;
        }
    }

    // ---- given for exercise 1 (epoll) begin ----
    /** The pollers this JVM has opened, whatever {@link Stats} each was given: exercise 1's tests count them. */
    private static final AtomicLong OPENED = new AtomicLong();

    // ---- given for exercise 1 (epoll) end ----
    private final Selector selector;
    private final Stats stats;
    private final Trace trace;
    private long calls;
    private boolean closed; // given for exercise 5 (loops)

    /** Opens a poller; {@code stats} counts the interest declarations and entries it handles. */
    public Poll(Stats stats) throws IOException {
        this(stats, Trace.OFF);
    }

    /** Like {@link #Poll(Stats)}, telling {@code trace} of every call (for {@code --trace}). */
    Poll(Stats stats, Trace trace) throws IOException {
        this.selector = Selector.open();
        this.stats = stats;
        this.trace = trace;
        OPENED.incrementAndGet(); // given for exercise 1 (epoll)
        stats.pollerOpened(1); // given for exercise 5 (loops)
    }
    // ---- given for exercise 1 (epoll) begin ----

    /** How many pollers this JVM has opened so far. */
    static long opened() {
        return OPENED.get();
    }
    // ---- given for exercise 1 (epoll) end ----

    // tag::poll[]
    /**
     * Waits until at least one entry is ready or the timeout passes, then sets each entry's
     * {@code revents}.
     *
     * @param timeoutMillis as in C: negative waits forever, 0 returns at once
     * @return the number of entries with a non-zero {@code revents}
     */
    public int poll(List<PollFd> fds, long timeoutMillis) throws IOException {
        trace.waiting();
        long call = ++calls;
        for (PollFd pfd : fds) {
            pfd.revents = 0;
            pfd.call = call;
            int ops = toInterestOps(pfd.channel, pfd.events);
            SelectionKey key = pfd.channel.keyFor(selector);
            if (key == null) {
                pfd.channel.register(selector, ops, pfd);
            } else {
                key.interestOps(ops);
                key.attach(pfd);
            }
        }
        // A channel left out of this call's list must not be watched, as with poll(2).
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && ((PollFd) key.attachment()).call != call) {
                key.interestOps(0);
            }
        }
        stats.waiting(timeoutMillis);
        if (timeoutMillis < 0) {
            selector.select();
        } else if (timeoutMillis == 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        // every entry was declared again, and the caller scans them all for revents
        stats.interestDeclared(fds.size());
        stats.waited(fds.size(), selector.keys().size());

        int ready = 0;
        for (SelectionKey key : selector.selectedKeys()) {
            PollFd pfd = (PollFd) key.attachment();
            pfd.revents = toPollEvents(key.readyOps());
            if (pfd.revents != 0) {
                ready++;
            }
        }
        selector.selectedKeys().clear(); // or the next call would report these again
        trace.polled(fds);
        return ready;
    }
    // end::poll[]

    /** Makes a {@link #poll} that is waiting, or the next one, return at once (thread-safe). */
    public void wakeup() {
        stats.wokenUp(); // given for exercise 5 (loops)
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        // ---- given for exercise 5 (loops) begin ----
        if (!closed) {
            closed = true;
            stats.pollerOpened(-1);
        }
        // ---- given for exercise 5 (loops) end ----
    }

    private static int toInterestOps(SelectableChannel channel, int events) {
        int ops = 0;
        if ((events & POLLIN) != 0) {
            // "readable" for a listening socket means a connection is waiting to be accepted
            ops |= channel instanceof ServerSocketChannel ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if ((events & POLLOUT) != 0) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    private static int toPollEvents(int readyOps) {
        int revents = 0;
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            revents |= POLLIN;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            revents |= POLLOUT;
        }
        return revents;
    }
}

package dev.eventloop.exercises;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code epoll(7)} for Java channels: an interest set kept between waits. Each channel is added
 * once ({@link #EPOLL_CTL_ADD}), changed only when what it waits for changes
 * ({@link #EPOLL_CTL_MOD}), removed when done ({@link #EPOLL_CTL_DEL}, or by closing the channel);
 * and a wait returns only the channels that are ready.
 *
 * <p>The C calls and their Java form underneath:
 * <table>
 *   <caption>epoll on a Selector</caption>
 *   <tr><th>C</th><th>here</th><th>JDK</th></tr>
 *   <tr><td>{@code epoll_create1(0)}</td><td>{@code new Epoll(stats)}</td><td>{@code Selector.open()}</td></tr>
 *   <tr><td>{@code epoll_ctl(ADD, fd, ev)}</td><td>{@link #epollCtl} ADD</td><td>{@code channel.register(selector, ops, data)}</td></tr>
 *   <tr><td>{@code epoll_ctl(MOD, fd, ev)}</td><td>{@link #epollCtl} MOD</td><td>{@code key.interestOps(ops)}</td></tr>
 *   <tr><td>{@code epoll_ctl(DEL, fd)}</td><td>{@link #epollCtl} DEL</td><td>{@code key.cancel()}</td></tr>
 *   <tr><td>{@code epoll_wait}</td><td>{@link #epollWait}</td><td>{@code selector.select(timeout)}, {@code selectedKeys()}</td></tr>
 *   <tr><td>{@code ev.data.ptr}</td><td>{@link Event#data()}</td><td>{@code key.attachment()}</td></tr>
 * </table>
 *
 * <p>On Linux the JDK's {@link Selector} is itself built on epoll, so this wrapper is thin. Every
 * {@link #epollCtl} counts as one {@linkplain Stats#interestUpdates() interest update}; every event
 * a wait returns counts as one {@linkplain Stats#entriesExamined() entry examined}.
 */
public final class Epoll implements Closeable {
    /** Readable (for a listening socket: a connection may be accepted). */
    public static final int EPOLLIN = 0x001;
    /** Writable without blocking. */
    public static final int EPOLLOUT = 0x004;
    /** An error is pending; in Java it surfaces through the next IO call. */
    public static final int EPOLLERR = 0x008;

    /** Adds a channel to the interest set. */
    public static final int EPOLL_CTL_ADD = 1;
    /** Removes a channel from the interest set. */
    public static final int EPOLL_CTL_DEL = 2;
    /** Changes what a channel in the interest set waits for. */
    public static final int EPOLL_CTL_MOD = 3;

    /**
     * One ready channel, the book's {@code struct epoll_event}.
     *
     * @param data what was given to {@link #epollCtl} for this channel (the C {@code data.ptr})
     * @param events what is ready: a mix of {@link #EPOLLIN} and {@link #EPOLLOUT}
     */
    public record Event(Object data, int events) {
    }

    /** The epoll sets this JVM has opened, whatever {@link Stats} each was given: the tests count them. */
    private static final AtomicLong OPENED = new AtomicLong();

    private final Selector selector;
    private final Stats stats;
    private final Trace trace;
    private boolean closed;

    /** {@code epoll_create}: a new, empty interest set; {@code stats} counts what it does. */
    public Epoll(Stats stats) throws IOException {
        this(stats, Trace.OFF);
    }

    /** Like {@link #Epoll(Stats)}, telling {@code trace} of every wait (for {@code --trace}). */
    Epoll(Stats stats, Trace trace) throws IOException {
        this.selector = Selector.open();
        this.stats = stats;
        this.trace = trace;
        OPENED.incrementAndGet();
        stats.pollerOpened(1);
    }

    /** How many epoll sets this JVM has opened so far. */
    static long opened() {
        return OPENED.get();
    }

    /**
     * {@code epoll_ctl}: adds, changes or removes one channel's interest.
     *
     * @param op {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param events what to wait for (ignored for DEL)
     * @param data handed back in each {@link Event} for this channel (ignored for MOD and DEL)
     */
    // tag::epoll-ctl[]
    public void epollCtl(int op, SelectableChannel channel, int events, Object data) throws IOException {
        stats.interestDeclared(1);
        SelectionKey key = channel.keyFor(selector);
        switch (op) {
            case EPOLL_CTL_ADD -> {
                if (key != null && key.isValid()) {
                    throw new IllegalStateException("EEXIST: the channel is already in the interest set");
                }
                channel.register(selector, toInterestOps(channel, events), data);
            }
            case EPOLL_CTL_MOD -> requireValid(key).interestOps(toInterestOps(channel, events));
            case EPOLL_CTL_DEL -> requireValid(key).cancel();
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
    }
    // end::epoll-ctl[]

    /**
     * {@code epoll_wait}: waits until a channel in the set is ready or the timeout passes, and
     * replaces the contents of {@code events} with one entry per ready channel.
     *
     * @param timeoutMillis as in C: negative waits forever, 0 returns at once
     * @return the number of ready channels
     */
    // tag::epoll-wait[]
    public int epollWait(List<Event> events, long timeoutMillis) throws IOException {
        trace.waiting();
        stats.waiting(timeoutMillis);
        if (timeoutMillis < 0) {
            selector.select();
        } else if (timeoutMillis == 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        events.clear();
        for (SelectionKey key : selector.selectedKeys()) {
            int ready = toEpollEvents(key.readyOps());
            if (ready != 0) {
                events.add(new Event(key.attachment(), ready));
            }
        }
        selector.selectedKeys().clear(); // or the next wait would report these again
        stats.waited(events.size(), selector.keys().size());
        trace.epollWaited(events);
        return events.size();
    }
    // end::epoll-wait[]

    /** Makes an {@link #epollWait} that is waiting, or the next one, return at once (thread-safe). */
    public void wakeup() {
        stats.wokenUp();
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        if (!closed) {
            closed = true;
            stats.pollerOpened(-1);
        }
    }

    private static SelectionKey requireValid(SelectionKey key) {
        if (key == null || !key.isValid()) {
            throw new IllegalStateException("ENOENT: the channel is not in the interest set");
        }
        return key;
    }

    private static int toInterestOps(SelectableChannel channel, int events) {
        int ops = 0;
        if ((events & EPOLLIN) != 0) {
            ops |= channel instanceof ServerSocketChannel ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if ((events & EPOLLOUT) != 0) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    private static int toEpollEvents(int readyOps) {
        int events = 0;
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            events |= EPOLLIN;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            events |= EPOLLOUT;
        }
        return events;
    }
}

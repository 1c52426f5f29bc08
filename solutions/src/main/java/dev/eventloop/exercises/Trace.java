package dev.eventloop.exercises;

import dev.eventloop.exercises.Poll.PollFd;
import java.nio.channels.SelectableChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code --trace} output: one line per event loop iteration, showing what the loop asked
 * {@code poll} for, what came back ready, and which state transitions it made.
 *
 * <pre>
 * [loop 2] poll(L:in #1:in) -&gt; ready(#1:in) | #1 REQ&gt;RES&gt;REQ&gt;RES&gt;REQ
 * </pre>
 * reads: the listener ({@code L}) and connection 1 both wanted POLLIN; connection 1 was readable;
 * it read two requests and answered each (REQ to RES and back as each response was flushed).
 * {@code POLLERR}, asked for on every connection, is left out; {@code -} means "nothing".
 *
 * <p>{@link Poll} reports each wait, the server each accept, state change and close. With
 * tracing off the server holds {@link #OFF}, whose methods do nothing, so the event loop needs no
 * {@code if (tracing)} anywhere. A line is printed when the loop comes back to wait, that is when
 * its iteration is over, or by {@link #flush()} when the loop ends.
 */
class Trace {
    /** No tracing: every method does nothing. */
    static final Trace OFF = new Trace();

    /** A trace that prints each iteration's line to {@code out}. */
    static Trace printingTo(Consumer<String> out) {
        return new Printing(out);
    }

    /** The loop is about to wait again: its previous iteration is over. */
    void waiting() {
    }

    /** {@code poll} returned: each entry's {@code revents} is set. */
    void polled(List<PollFd> pollArgs) {
    }

    // ---- given for exercise 1 (epoll) begin ----
    /** {@code epoll_wait} returned these events: only the ready ones, unlike {@code poll}. */
    void epollWaited(List<Epoll.Event> events) {
    }

    // ---- given for exercise 1 (epoll) end ----
    /** {@code conn} is about to change state to {@code next}. */
    void transition(Conn conn, Conn.State next) {
    }

    /** {@code conn} joined the connection table. */
    void accepted(Conn conn) {
    }

    /** {@code conn} was closed and left the table. */
    void closed(Conn conn) {
    }

    /** The loop ended: print what is left of its last iteration. */
    void flush() {
        waiting();
    }

    private static final class Printing extends Trace {
        private final Consumer<String> out;
        private final StringBuilder line = new StringBuilder();
        /** Connection ids by socket: the poll list only has the sockets. */
        private final Map<SelectableChannel, Integer> ids = new HashMap<>();
        private long iteration;
        private int details;
        private Conn lastTransition;

        Printing(Consumer<String> out) {
            this.out = out;
        }

        @Override
        void waiting() {
            if (line.length() > 0) {
                out.accept(line.toString());
                line.setLength(0);
            }
        }

        @Override
        void polled(List<PollFd> pollArgs) {
            details = 0;
            lastTransition = null;
            line.append("[loop ").append(++iteration).append("] poll(");
            StringBuilder ready = new StringBuilder();
            for (int i = 0; i < pollArgs.size(); i++) {
                PollFd pfd = pollArgs.get(i);
                String name = i == 0 ? "L" : "#" + ids.get(pfd.channel());
                line.append(i == 0 ? "" : " ").append(name).append(':').append(events(pfd.events()));
                if (pfd.revents() != 0) {
                    ready.append(ready.length() == 0 ? "" : " ").append(name).append(':').append(events(pfd.revents()));
                }
            }
            line.append(ready.length() == 0 ? ") -> nothing ready" : ") -> ready(" + ready + ")");
        }

        // ---- given for exercise 1 (epoll) begin ----
        @Override
        void epollWaited(List<Epoll.Event> events) {
            details = 0;
            lastTransition = null;
            line.append("[loop ").append(++iteration).append("] epoll_wait -> ");
            if (events.isEmpty()) {
                line.append("nothing ready");
                return;
            }
            line.append("ready(");
            for (int i = 0; i < events.size(); i++) {
                Epoll.Event event = events.get(i);
                String name = event.data() instanceof Conn conn ? "#" + conn.id : "L";
                line.append(i == 0 ? "" : " ").append(name).append(':').append(events(event.events()));
            }
            line.append(')');
        }

        // ---- given for exercise 1 (epoll) end ----
        @Override
        void transition(Conn conn, Conn.State next) {
            if (conn != lastTransition) {
                detail("#" + conn.id + " " + shortName(conn.state));
                lastTransition = conn;
            }
            line.append('>').append(shortName(next));
        }

        @Override
        void accepted(Conn conn) {
            ids.put(conn.socket, conn.id);
            detail("accept #" + conn.id);
            lastTransition = null;
        }

        @Override
        void closed(Conn conn) {
            ids.remove(conn.socket);
            detail("close #" + conn.id);
            lastTransition = null;
        }

        private void detail(String text) {
            line.append(details++ == 0 ? " | " : ", ").append(text);
        }

        private static String shortName(Conn.State state) {
            return state.name().substring("STATE_".length());
        }

        private static String events(int events) {
            if (events == 0) {
                return "-";
            }
            StringBuilder sb = new StringBuilder();
            if ((events & Poll.POLLIN) != 0) {
                sb.append("in");
            }
            if ((events & Poll.POLLOUT) != 0) {
                sb.append(sb.length() == 0 ? "" : "+").append("out");
            }
            return sb.toString();
        }
    }
}

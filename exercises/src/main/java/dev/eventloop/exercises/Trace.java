package dev.eventloop.exercises;

import dev.eventloop.exercises.Poll.PollFd;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code --trace} output: one line per event loop iteration, showing what the loop asked
 * {@code poll} for (or, with {@link Epoll}, only what {@code epoll_wait} returned), what came
 * back ready, and which state transitions it made.
 *
 * <pre>
 * [loop 2] poll(L:in #1:in) -&gt; ready(#1:in) | #1 REQ&gt;RES&gt;REQ&gt;RES&gt;REQ
 * </pre>
 * reads: the listener ({@code L}) and connection 1 both wanted POLLIN; connection 1 was readable;
 * it read two requests and answered each (REQ to RES and back as each response was flushed).
 * {@code POLLERR}, asked for on every connection, is left out; {@code -} means "nothing".
 */
final class Trace {
    private final Consumer<String> out;
    private final StringBuilder line = new StringBuilder();
    private long iteration;
    private int details;
    private Conn lastTransition;

    Trace(Consumer<String> out) {
        this.out = out;
    }

    void polled(List<PollFd> pollArgs, Map<SocketChannel, Conn> fd2conn) {
        line.setLength(0);
        details = 0;
        lastTransition = null;
        line.append("[loop ").append(++iteration).append("] poll(");
        StringBuilder ready = new StringBuilder();
        for (int i = 0; i < pollArgs.size(); i++) {
            PollFd pfd = pollArgs.get(i);
            String name = i == 0 ? "L" : "#" + fd2conn.get(pfd.channel()).id;
            line.append(i == 0 ? "" : " ").append(name).append(':').append(events(pfd.events()));
            if (pfd.revents() != 0) {
                ready.append(ready.length() == 0 ? "" : " ").append(name).append(':').append(events(pfd.revents()));
            }
        }
        line.append(ready.length() == 0 ? ") -> nothing ready" : ") -> ready(" + ready + ")");
    }

    void epollWaited(List<Epoll.Event> events) {
        line.setLength(0);
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

    void transition(Conn conn, Conn.State next) {
        if (conn != lastTransition) {
            detail("#" + conn.id + " " + shortName(conn.state));
            lastTransition = conn;
        }
        line.append('>').append(shortName(next));
    }

    void accepted(Conn conn) {
        detail("accept #" + conn.id);
        lastTransition = null;
    }

    void closed(Conn conn) {
        detail("close #" + conn.id);
        lastTransition = null;
    }

    void endIteration() {
        out.accept(line.toString());
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

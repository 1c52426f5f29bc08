package dev.eventloop.exercises;

import java.util.ArrayList;
import java.util.List;

/**
 * The event loops of one server, for {@code --loops N} (exercise 5, docs/exercises/05-loops.md).
 *
 * <p>The first loop is the server's own: it runs on the thread that calls {@code run()}, and it
 * alone accepts. Each accepted connection goes to one loop, each loop in turn. From then on that
 * loop owns it: only the loop's thread reads, writes, registers or closes it, so the state machine
 * needs no lock. Another thread never touches a loop's connections or its epoll set; it hands the
 * loop a task ({@link Server#execute}), which the loop runs on its own thread.
 */
final class Loops {
    /** Every loop, the first (accepting) one first. */
    private final List<Server> all;
    // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (the fields) ----
    /** The index in {@link #all} of the loop that gets the next connection; only the accepting thread moves it. */
    private int next;
    // ---- EXERCISE 5 (loops) end ----

    Loops(Server first, List<Server> others) {
        List<Server> loops = new ArrayList<>();
        loops.add(first);
        loops.addAll(others);
        this.all = List.copyOf(loops);
    }

    /** Every loop, the first one first. */
    List<Server> all() {
        return all;
    }

    /** Starts every loop but the first, each on a thread of its own; called by the first loop as it starts. */
    void startOthers() {
        // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (start) ----
        for (int i = 1; i < all.size(); i++) {
            Thread thread = new Thread(all.get(i)::run, "loop-" + (i + 1));
            thread.setDaemon(true); // if the first loop ends without close(), the process may still exit
            thread.start();
        }
        // ---- EXERCISE 5 (loops) end ----
    }

    /** The loop that gets the next accepted connection. */
    Server next() {
        // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (round robin) ----
        Server loop = all.get(next);
        next = (next + 1) % all.size();
        return loop;
        // ---- EXERCISE 5 (loops) end ----
    }

    /** Stops every loop but the first, each closing its own connections, and waits until they have. */
    void closeOthers() {
        // ---- EXERCISE 5 (loops) begin: docs/exercises/05-loops.md (stop) ----
        for (int i = 1; i < all.size(); i++) {
            all.get(i).close();
        }
        // ---- EXERCISE 5 (loops) end ----
    }
}

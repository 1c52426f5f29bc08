package dev.eventloop.exercises;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;

/**
 * The exercises, in order: the one place that names them. The progress summary, the failure
 * messages of the exercise tests and the docs index all read from here.
 */
public enum Exercise {
    /** Keep the interest set between waits. */
    EPOLL(1, Tags.EPOLL, "epoll instead of poll", "docs/exercises/01-epoll.md", "Server.java"),
    /** Compact the read buffer only when a read needs the room. */
    DEFERRED_MEMMOVE(2, Tags.DEFERRED_MEMMOVE, "memmove only before read", "docs/exercises/02-deferred-memmove.md",
            "Server.java and Conn.java"),
    /** Answer every buffered request before one write flushes them all. */
    BATCHED_WRITES(3, Tags.BATCHED_WRITES, "batched writes", "docs/exercises/03-batched-writes.md", "Server.java"),
    /** Optional, after the book's three: close idle connections, with the wait's timeout as the timer. */
    IDLE_TIMEOUT(4, Tags.IDLE_TIMEOUT, "idle timeouts (optional)", "docs/exercises/04-idle-timeout.md", "Server.java"),
    /** Optional, going further: a loop per core, and work handed to a loop through its task queue. */
    LOOPS(5, Tags.LOOPS, "a loop per core (optional)", "docs/exercises/05-loops.md", "Server.java and Loops.java");

    /** The JUnit tags, as constants so that {@code @Tag} can use them. */
    public static final class Tags {
        /** Exercise 1. */
        public static final String EPOLL = "epoll";
        /** Exercise 2. */
        public static final String DEFERRED_MEMMOVE = "deferred-memmove";
        /** Exercise 3. */
        public static final String BATCHED_WRITES = "batched-writes";
        /** Exercise 4, optional. */
        public static final String IDLE_TIMEOUT = "idle-timeout";
        /** Exercise 5, optional. */
        public static final String LOOPS = "loops";

        private Tags() {
        }
    }

    private final int number;
    private final String tag;
    private final String title;
    private final String docs;
    /** The sources that hold its regions, as its failure messages name them. */
    private final String files;

    Exercise(int number, String tag, String title, String docs, String files) {
        this.number = number;
        this.tag = tag;
        this.title = title;
        this.docs = docs;
        this.files = files;
    }

    /** 1 to 5. */
    public int number() {
        return number;
    }

    /** The JUnit tag of its tests: {@code ./mvnw test -pl exercises -Dgroups=<tag>}. */
    public String tag() {
        return tag;
    }

    /** Whether the course can be finished without it: exercises 4 and 5 go beyond the book's chapter. */
    public boolean optional() {
        return this == IDLE_TIMEOUT || this == LOOPS;
    }

    /** A short title. */
    public String title() {
        return title;
    }

    /** The page that explains it, relative to the repository root. */
    public String docs() {
        return docs;
    }

    /** The exercise one of {@code tags} names, if any. */
    public static Optional<Exercise> tagged(Collection<String> tags) {
        return Arrays.stream(values()).filter(e -> tags.contains(e.tag)).findFirst();
    }

    /**
     * A failure message for a test of this exercise: what was measured, and where to go next.
     */
    public String notDone(String measured) {
        return String.format("%nExercise %d (%s) is not done yet.%n%s%n"
                        + "Where: %s, the regions marked \"EXERCISE %d (%s)\".%n"
                        + "Read:  %s (hints open one at a time).%n"
                        + "Run just this exercise: ./mvnw test -pl exercises -Dgroups=%s%n",
                number, title, measured, files, number, tag, docs, tag);
    }
}

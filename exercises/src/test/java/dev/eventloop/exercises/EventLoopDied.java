package dev.eventloop.exercises;

/**
 * A test's failure when the event loop thread under test died: its message is the loop's own
 * exception (for instance an invariant of {@link Server} that failed), which would otherwise go
 * to the thread's stderr, unseen in the test report, while the test waited for an answer or saw
 * its connections closed. The loop's exception is the cause, with its stack trace.
 */
final class EventLoopDied extends AssertionError {
    private static final long serialVersionUID = 1L;

    EventLoopDied(Throwable onTheLoopThread) {
        this("The event loop thread died, so the test could not go on: " + describe(onTheLoopThread), onTheLoopThread);
    }

    private EventLoopDied(String message, Throwable onTheLoopThread) {
        super(message, onTheLoopThread);
    }

    /** The same death, told with {@code message} (which says what the test guards, then this one's). */
    EventLoopDied explained(String message) {
        EventLoopDied explained = new EventLoopDied(message, getCause());
        for (Throwable suppressed : getSuppressed()) {
            explained.addSuppressed(suppressed);
        }
        return explained;
    }

    /** The exception as {@code toString()} says it; with no message, where it was thrown instead. */
    static String describe(Throwable thrown) {
        StackTraceElement[] trace = thrown.getStackTrace();
        return thrown.getMessage() == null && trace.length > 0 ? thrown + " at " + trace[0] : thrown.toString();
    }
}

package dev.eventloop.exercises;

import java.util.concurrent.CountDownLatch;

/**
 * Starting and stopping an event loop, kept out of the loop itself: the loop runs once, on the
 * thread that calls {@code run()}; any thread may ask it to stop and wait until it has closed
 * everything. The book's loop runs until the process dies, so it needs none of this.
 */
final class Lifecycle {
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private boolean started;
    private Thread loopThread;

    /** Called by the loop's thread before the loop; a second call, or one after a stop, throws. */
    synchronized void start() {
        if (started || stopping) {
            throw new IllegalStateException("run() may be called once, before close()");
        }
        started = true;
        loopThread = Thread.currentThread();
    }

    /** Whether a stop was asked for: the loop checks it once per iteration. */
    boolean stopping() {
        return stopping;
    }

    /** Called by the loop's thread after the loop: runs {@code cleanup}, then lets {@link #stop} return. */
    void finish(Runnable cleanup) {
        try {
            cleanup.run();
        } finally {
            finished.countDown(); // even if cleanup failed, stop() must not wait forever
        }
    }

    /**
     * Asks the loop to stop. If it is running, {@code wakeUp} interrupts its wait and, unless
     * called from the loop itself, this waits until the loop has finished; if it never started,
     * {@code cleanupIfNeverStarted} runs here instead.
     */
    void stop(Runnable wakeUp, Runnable cleanupIfNeverStarted) {
        boolean running;
        synchronized (this) {
            stopping = true;
            running = started;
        }
        if (!running) {
            cleanupIfNeverStarted.run();
            return;
        }
        wakeUp.run();
        if (Thread.currentThread() == loopThread) {
            return; // called from inside the loop: it ends after this iteration
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

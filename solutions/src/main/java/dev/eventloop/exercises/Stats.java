package dev.eventloop.exercises;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map; // given for exercise 5 (loops)
import java.util.concurrent.ConcurrentHashMap; // given for exercise 5 (loops)
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference; // given for exercise 5 (loops)

/**
 * What the server has done, counted where it happens: every {@code read} and {@code write} on a
 * connection goes through its {@link CountedChannel}, every wait through {@link Poll}.
 *
 * <p>Counts, not timings, are what the tests assert: how many system calls a design makes and
 * how many bytes it moves do not depend on how fast or how loaded the machine is. The event loop
 * thread updates them; any thread may read them.
 */
public final class Stats {
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong mostReadsInOneTurn = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong writesBlocked = new AtomicLong();
    private final AtomicLong peakBytesHeld = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong bytesMoved = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong lastWaitTimeout = new AtomicLong(-1);
    private final AtomicLong interestUpdates = new AtomicLong();
    private final AtomicLong entriesExamined = new AtomicLong();
    private final AtomicLong acceptAttempts = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong openChannels = new AtomicLong();
    private final AtomicLong registeredKeys = new AtomicLong();
    // ---- given for exercise 4 (idle-timeout) begin ----
    private final AtomicLong idleChecks = new AtomicLong();
    // ---- given for exercise 4 (idle-timeout) end ----
    // ---- given for exercise 5 (loops) begin ----
    /** Each thread that set up connections, with how many: who owns them. */
    private final Map<Thread, Long> owners = new ConcurrentHashMap<>();
    private final AtomicLong callsFromAnotherThread = new AtomicLong();
    private final AtomicReference<String> firstCallFromAnotherThread = new AtomicReference<>();
    private final AtomicLong wakeUps = new AtomicLong();
    private final AtomicLong openPollers = new AtomicLong();
    /** The thread of the poller's first call: the loop that owns the poller these counters count for. */
    private volatile Thread pollerOwner;
    // ---- given for exercise 5 (loops) end ----

    /** {@code channel.read(buf)}, counted: the book's {@code read()}; see {@link CountedChannel}. */
    int read(SocketChannel channel, ByteBuffer buf) throws IOException {
        reads.incrementAndGet();
        int n = channel.read(buf);
        if (n > 0) {
            long held = bytesRead.addAndGet(n) - bytesWritten.get();
            peakBytesHeld.accumulateAndGet(held, Math::max);
        }
        return n;
    }

    /** {@code channel.write(buf)}, counted: the book's {@code write()}; see {@link CountedChannel}. */
    int write(SocketChannel channel, ByteBuffer buf) throws IOException {
        writes.incrementAndGet();
        int n = channel.write(buf);
        if (n == 0) {
            writesBlocked.incrementAndGet();
        }
        bytesWritten.addAndGet(n);
        return n;
    }

    /** Records that a connection was read for the {@code nth} time since the last wait; see {@link CountedChannel}. */
    void readInTurn(int nth) {
        if (nth > mostReadsInOneTurn.get()) { // only the loop thread writes
            mostReadsInOneTurn.set(nth);
        }
    }

    /** Records one {@code memmove} of the read buffer that moved {@code bytes} bytes. */
    void compacted(int bytes) {
        compactions.incrementAndGet();
        bytesMoved.addAndGet(bytes);
    }

    /** Records {@code count} interest declarations handed to the kernel. */
    void interestDeclared(int count) {
        checkPollerThread(); // given for exercise 5 (loops)
        interestUpdates.addAndGet(count);
    }

    /** Records that a wait for readiness begins, for at most {@code timeoutMillis} ms. */
    void waiting(long timeoutMillis) {
        checkPollerThread(); // given for exercise 5 (loops)
        lastWaitTimeout.set(timeoutMillis);
    }

    /**
     * Records one wait for readiness after which the loop examined {@code entries} entries, with
     * {@code keys} channels left registered.
     */
    void waited(int entries, int keys) {
        waits.incrementAndGet();
        entriesExamined.addAndGet(entries);
        registeredKeys.set(keys);
    }

    // ---- given for exercise 4 (idle-timeout) begin ----
    /** Records that the server looked at one connection's idle deadline ({@link Conn#idleDeadline}). */
    void idleChecked() {
        idleChecks.incrementAndGet();
    }

    // ---- given for exercise 4 (idle-timeout) end ----
    void acceptAttempted() {
        acceptAttempts.incrementAndGet();
    }

    void channelOpened() {
        openChannels.incrementAndGet();
    }

    void channelClosed() {
        openChannels.decrementAndGet();
    }

    void connectionTableSize(int size) {
        connections.set(size);
    }
    // ---- given for exercise 5 (loops) begin ----

    /** Records that {@code thread} set up a connection: it owns the connection. */
    void owns(Thread thread) {
        owners.merge(thread, 1L, Long::sum);
    }

    /** Records a call on a connection or an epoll set from a thread that does not own it. */
    void calledFromAnotherThread(String call) {
        callsFromAnotherThread.incrementAndGet();
        firstCallFromAnotherThread.compareAndSet(null, call);
    }

    /**
     * Counts a call on the loop's poller ({@code poll}, {@code epoll_ctl} or {@code epoll_wait}) from
     * a thread other than the one of its first call. A loop owns its poller: another thread that
     * adds a channel to it does so behind the back of a wait already in progress.
     */
    private void checkPollerThread() {
        Thread current = Thread.currentThread();
        if (pollerOwner == null) {
            pollerOwner = current;
        } else if (pollerOwner != current) {
            calledFromAnotherThread("a call on the poller of the loop of thread " + pollerOwner.getName()
                    + " (poll, epoll_ctl or epoll_wait), from thread " + current.getName());
        }
    }

    /** Records that the loop's poller was opened ({@code +1}) or closed ({@code -1}): a descriptor. */
    void pollerOpened(int delta) {
        openPollers.addAndGet(delta);
    }

    /** Records a call to {@code wakeup()}: a wait that is in progress, or the next one, returns at once. */
    void wokenUp() {
        wakeUps.incrementAndGet();
    }

    /**
     * The threads that own connections, each with how many it has owned: the thread that set up a
     * connection (made its {@link CountedChannel}) owns it, and alone may read, write or close it (exercise 5).
     */
    public Map<Thread, Long> owners() {
        return Map.copyOf(owners);
    }

    /**
     * Calls made on a connection, or on an epoll set, by a thread other than the one that owns it.
     * A loop owns its connections and its epoll set: any other thread must hand it work instead.
     */
    public long callsFromAnotherThread() {
        return callsFromAnotherThread.get();
    }

    /** The first of {@link #callsFromAnotherThread()}, described, or {@code null}. */
    public String firstCallFromAnotherThread() {
        return firstCallFromAnotherThread.get();
    }

    /** The loop's pollers ({@code Poll} or {@code Epoll}) opened and not closed yet: 1 while it runs, 0 after. */
    public long openPollers() {
        return openPollers.get();
    }

    /** Calls to {@code wakeup()} on the loop's poller, from any thread. */
    public long wakeUps() {
        return wakeUps.get();
    }
    // ---- given for exercise 5 (loops) end ----

    // ---- given for exercise 4 (idle-timeout) begin ----
    /**
     * How many times the server asked a connection for its idle deadline: the connections it
     * examined for an idle timeout, counted below the code that decides which ones to examine.
     */
    public long idleChecks() {
        return idleChecks.get();
    }

    // ---- given for exercise 4 (idle-timeout) end ----
    /** Calls to {@code read} on a connection, including those that found nothing (EAGAIN). */
    public long reads() {
        return reads.get();
    }

    /**
     * The most {@code read} calls the loop made on one connection between two waits: the longest
     * turn one client had while the others waited. A loop that reads until a read finds nothing
     * gives a client that never stops sending a turn as long as it sends.
     */
    public long mostReadsInOneTurn() {
        return mostReadsInOneTurn.get();
    }

    /** Bytes received from all connections. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Calls to {@code write} on a connection, including those that wrote nothing. */
    public long writes() {
        return writes.get();
    }

    /** Bytes sent to all connections. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Calls to {@code write} that took nothing: the socket's send buffer was full (EAGAIN). */
    public long writesBlocked() {
        return writesBlocked.get();
    }

    /**
     * The most bytes the server ever held at once: read from clients but not yet written back.
     * An echo server with fixed buffers can never hold more than those buffers.
     */
    public long peakBytesHeld() {
        return peakBytesHeld.get();
    }

    /** Times the read buffer was compacted (the book's {@code memmove}). */
    public long compactions() {
        return compactions.get();
    }

    /** Bytes those compactions moved. */
    public long bytesMoved() {
        return bytesMoved.get();
    }

    /** Waits for readiness: one per event loop iteration. */
    public long waits() {
        return waits.get();
    }

    /**
     * The timeout of the wait that began last, in milliseconds (negative: forever, or no wait
     * yet): what the loop told the kernel about its next deadline.
     */
    public long lastWaitTimeoutMillis() {
        return lastWaitTimeout.get();
    }

    /** Interest declarations handed to the kernel: every connection on every {@code poll}. */
    public long interestUpdates() {
        return interestUpdates.get();
    }

    /** Poll entries the loop scanned for results, ready or not. */
    public long entriesExamined() {
        return entriesExamined.get();
    }

    /** Calls to {@code accept}, successful or not. */
    public long acceptAttempts() {
        return acceptAttempts.get();
    }

    /** Connections in the connection table now. */
    public long connections() {
        return connections.get();
    }

    /** Connection channels the server has open now. */
    public long openChannels() {
        return openChannels.get();
    }

    /** Channels registered with the selector after the last wait (the listener included). */
    public long registeredKeys() {
        return registeredKeys.get();
    }
}

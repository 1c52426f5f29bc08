package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link Server} running its loop on its own thread, with its log kept for assertions.
 *
 * <p>If the loop thread dies, its exception is kept rather than lost on the thread's stderr:
 * {@link #close()} throws it as an {@link EventLoopDied}, and {@link LoopThreadFailures} makes it
 * the reason of the test that was running.
 */
final class RunningServer implements AutoCloseable {
    /** The log lines kept per server; the test's own cases log far fewer. */
    static final int MAX_LOG_LINES = 10_000;
    /** Servers not closed yet, for {@link #awaitDyingLoops}. */
    private static final Set<RunningServer> LIVE = ConcurrentHashMap.newKeySet();
    /** Loop deaths that no {@link #close()} has thrown yet. */
    private static final Queue<EventLoopDied> UNREPORTED = new ConcurrentLinkedQueue<>();

    final Queue<String> log;
    final Server server;
    private final Thread thread;
    private volatile EventLoopDied died;
    private volatile boolean closeRequested;

    private RunningServer(Server server, Queue<String> log) {
        this.server = server;
        this.log = log;
        this.thread = new Thread(this::loop, "event-loop-under-test");
        this.thread.setDaemon(true); // a loop stuck for good must not keep the test JVM alive
    }

    /** Starts a server on 127.0.0.1 and a free port; {@code args} as on the command line. */
    static RunningServer start(String... args) throws IOException {
        return start(server -> { }, args);
    }

    /** Like {@link #start(String...)}, letting the test adjust the server before its loop starts. */
    static RunningServer start(Consumer<Server> setup, String... args) throws IOException {
        return start(setup, line -> { }, args);
    }

    /** Like {@link #start(Consumer, String...)}, handing every log line to {@code alsoLog} too, on the loop thread. */
    static RunningServer start(Consumer<Server> setup, Consumer<String> alsoLog, String... args) throws IOException {
        return start(ServerSocketChannel::accept, setup, alsoLog, args);
    }

    /** Like {@link #start(String...)}, the server accepting each connection with {@code acceptor}. */
    static RunningServer accepting(Acceptor acceptor, String... args) throws IOException {
        return start(acceptor, server -> { }, line -> { }, args);
    }

    /** Like {@link #accepting(Acceptor, String...)}, letting the test adjust the server before its loop starts. */
    static RunningServer accepting(Acceptor acceptor, Consumer<Server> setup, String... args) throws IOException {
        return start(acceptor, setup, line -> { }, args);
    }

    private static RunningServer start(Acceptor acceptor, Consumer<Server> setup, Consumer<String> alsoLog, String... args)
            throws IOException {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        Queue<String> log = new ConcurrentLinkedQueue<>();
        AtomicInteger logged = new AtomicInteger();
        Consumer<String> keep = line -> {
            if (logged.incrementAndGet() <= MAX_LOG_LINES) { // a loop stuck logging must not fill the heap
                log.add(line);
            }
            alsoLog.accept(line);
        };
        RunningServer running = new RunningServer(Server.open(Options.parse(all.toArray(String[]::new)), keep, acceptor),
                log);
        setup.accept(running.server);
        LIVE.add(running);
        running.thread.start();
        return running;
    }

    private void loop() {
        try {
            server.run();
        } catch (Throwable t) {
            if (closeRequested && t instanceof IllegalStateException) {
                return; // closed before this thread got to run(), which then refuses to start: no death
            }
            // run() closed every connection on its way out, so the test sees EOF soon: keep the reason
            EventLoopDied death = new EventLoopDied(t);
            died = death;
            UNREPORTED.add(death);
        }
    }

    /**
     * Waits, up to {@code millis} each, for the loop threads of the servers not closed yet to end.
     * A test can see a dying loop close its connection a moment before the loop thread has
     * recorded why; a healthy loop just runs on, and this returns after the wait.
     */
    static void awaitDyingLoops(long millis) {
        for (RunningServer running : LIVE) {
            try {
                running.thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A loop death that no {@link #close()} has thrown yet, or null; once taken, it is not given again. */
    static EventLoopDied takeUnreportedDeath() {
        return UNREPORTED.poll();
    }

    /** Forgets the loop deaths of earlier tests. */
    static void forgetUnreportedDeaths() {
        UNREPORTED.clear();
    }

    int port() {
        return server.port();
    }

    Stats stats() {
        return server.stats();
    }

    boolean logged(String line) {
        return log.contains(line);
    }

    /** The log's first lines, for a failure message: enough to see what happened, short enough to read. */
    String logExcerpt() {
        List<String> lines = List.copyOf(log);
        int shown = Math.min(lines.size(), 12);
        List<String> first = lines.subList(0, shown).stream()
                .map(line -> line.length() > 100 ? line.substring(0, 100) + "..." : line).toList();
        return first + (lines.size() > shown ? " and " + (lines.size() - shown) + " more lines" : "");
    }

    /** Stops the server; throws {@link EventLoopDied} if its loop thread died, with the loop's exception. */
    @Override
    public void close() {
        LIVE.remove(this);
        closeRequested = true;
        closeWithin(10_000);
        join();
        assertThat(thread.isAlive()).as("the loop thread ends after close()").isFalse();
        EventLoopDied death = died;
        if (death != null) {
            died = null; // thrown once: a second close() must not suppress this error into itself
            UNREPORTED.remove(death);
            throw death;
        }
        assertThat(server.stats().openChannels()).as("open connection channels after close()").isZero();
    }

    /**
     * {@code server.close()}, which waits for the loop to finish its iteration; a loop stuck in an
     * endless loop of its own never does, and the test must fail rather than hang.
     */
    private void closeWithin(long millis) {
        Thread closing = new Thread(server::close, "close-under-test");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(closing.isAlive())
                .as("close() returns within %d ms: the event loop must come back to its wait after each iteration;"
                        + " one that never does is stuck in an endless loop of its own", millis)
                .isFalse();
    }

    private void join() {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** A {@link Server} running its loop on its own thread, with its log kept for assertions. */
final class RunningServer implements AutoCloseable {
    final Queue<String> log;
    final Server server;
    private final Thread thread;

    private RunningServer(Server server, Queue<String> log) {
        this.server = server;
        this.log = log;
        this.thread = new Thread(server::run, "event-loop-under-test");
    }

    /** Starts a server on 127.0.0.1 and a free port; {@code args} as on the command line. */
    static RunningServer start(String... args) throws IOException {
        return start(server -> { }, args);
    }

    /** Like {@link #start(String...)}, letting the test adjust the server before its loop starts. */
    static RunningServer start(Consumer<Server> setup, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        Queue<String> log = new ConcurrentLinkedQueue<>();
        RunningServer running = new RunningServer(Server.open(Options.parse(all.toArray(String[]::new)), log::add), log);
        setup.accept(running.server);
        running.thread.start();
        return running;
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

    @Override
    public void close() {
        server.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(thread.isAlive()).as("the loop thread ends after close()").isFalse();
        assertThat(server.stats().openChannels()).as("open connection channels after close()").isZero();
    }
}

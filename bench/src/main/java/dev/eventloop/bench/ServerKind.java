package dev.eventloop.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The servers the matrix compares. Each is a {@code main} that takes {@code --port 0 --host H
 * --quiet} and prints one {@code listening on host:port} line when it is ready, so the runner can
 * start any of them the same way (see {@link ServerProcess}).
 */
public enum ServerKind {
    /** Chapter 4: blocking IO, one client at a time. */
    CHAPTER04("chapter04", "chapter 4 blocking", dev.eventloop.chapter04.Server.class.getName()),
    /** Chapter 5: chapter 4's code with a platform thread per connection. */
    CHAPTER05("chapter05", "chapter 5 thread/conn", dev.eventloop.chapter05.ThreadedServer.class.getName()),
    /** Chapter 6: the book's poll-style loop, compacting after every request, one write per response. */
    CHAPTER06("chapter06", "chapter 6 poll loop", dev.eventloop.chapter06.Server.class.getName()),
    /**
     * The exercises done: epoll-style interest set, one read per readiness and a turn of at most
     * 16 reads, deferred compaction, batched writes, idle timeouts; the book's buffers of 4 + 4096 bytes.
     */
    SOLUTIONS("solutions", "solutions epoll+batch", dev.eventloop.exercises.Server.class.getName()),
    /** The same server with 64 KiB read and write buffers: what the book's fixed buffers cost. */
    SOLUTIONS_64K("solutions-64k", "solutions, 64 KiB buffers", dev.eventloop.exercises.Server.class.getName(),
            "--rbuf", "65536", "--wbuf", "65536"),
    /**
     * The solutions on two event loops, each on its own thread ({@code --loops 2}, exercise 5): the
     * first accepts and hands the connections to both loops in turn.
     */
    SOLUTIONS_2LOOPS("solutions-2loops", "solutions, 2 loops", dev.eventloop.exercises.Server.class.getName(),
            "--loops", "2"),
    /** Netty 4.2, one event loop thread on NIO: what a Java developer would reach for. */
    NETTY("netty", "Netty NIO 1 loop", NettyEchoServer.class.getName()),
    /** The same Netty server with an event loop group of two NIO loops, which share the connections. */
    NETTY_2LOOPS("netty-2loops", "Netty NIO 2 loops", NettyEchoServer.class.getName(), "--loops", "2"),
    /** A virtual thread per connection running blocking code (JDK 21 and newer). */
    VIRTUAL_THREADS("virtual", "virtual threads", VirtualThreadEchoServer.class.getName());

    private final String id;
    private final String label;
    private final String mainClass;
    private final List<String> options;

    ServerKind(String id, String label, String mainClass, String... options) {
        this.id = id;
        this.label = label;
        this.mainClass = mainClass;
        this.options = List.of(options);
    }

    /** The short name used in files and on the command line. */
    public String id() {
        return id;
    }

    /** The name the report and the chart show. */
    public String label() {
        return label;
    }

    /** The class whose {@code main} starts this server. */
    public String mainClass() {
        return mainClass;
    }

    /** What this server is started with, after {@code --port 0 --host 127.0.0.1 --quiet}. */
    public List<String> options() {
        return options;
    }

    /**
     * Whether this server closes connections that stay idle ({@code --idle-timeout}, exercise 4:
     * 5 s by default). The matrix then sets a timeout longer than any run, since a workload's
     * idle connections are meant to stay for the whole of it.
     */
    public boolean timesOutIdleConnections() {
        return mainClass.equals(SOLUTIONS.mainClass); // the solutions' server, whatever its other options
    }

    /**
     * The one-loop server that this kind runs on more loops ({@link #SOLUTIONS} for
     * {@link #SOLUTIONS_2LOOPS}, {@link #NETTY} for {@link #NETTY_2LOOPS}), or {@code null} for a
     * kind that is not such a variant.
     */
    public ServerKind oneLoop() {
        return switch (this) {
            case SOLUTIONS_2LOOPS -> SOLUTIONS;
            case NETTY_2LOOPS -> NETTY;
            default -> null;
        };
    }

    /**
     * Why this server cannot run on this JVM at all, or {@code null} if it can. Only the
     * virtual-thread server has such a reason: it needs JDK 21.
     */
    public String unavailableReason() {
        if (this == VIRTUAL_THREADS && !VirtualThreadEchoServer.available()) {
            return "skipped: virtual threads need JDK 21 or newer (this is JDK " + Runtime.version().feature() + ")";
        }
        return null;
    }

    /**
     * Why a cell cannot be measured meaningfully, or {@code null} if it can.
     *
     * <p>Chapter 4 serves one connection at a time and never reads from the next one until the
     * current one leaves. With idle connections that never leave, the first idle connection it
     * accepts would block it forever, and every connection after it would wait in the kernel's
     * listen queue, or fail to get in at all. There is no number to report, only a hang.
     */
    public String notApplicableReason(Workload workload) {
        if (this == CHAPTER04 && workload.idle() > 0) {
            return "n/a: serves one connection at a time, so the first idle connection blocks it for good";
        }
        return null;
    }

    /** Finds a kind by {@link #id}. */
    public static ServerKind byId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server " + id + "; known: "
                        + Arrays.stream(values()).map(ServerKind::id).toList()));
    }

    /** Every kind, in report order. */
    public static List<ServerKind> all() {
        return List.of(values());
    }

    /**
     * The kinds the matrix and the fairness runner compare unless told otherwise: every kind but
     * the two-loop ones, which run when named ({@code --servers}).
     */
    public static List<ServerKind> standard() {
        return Arrays.stream(values()).filter(k -> k.oneLoop() == null).toList();
    }
}

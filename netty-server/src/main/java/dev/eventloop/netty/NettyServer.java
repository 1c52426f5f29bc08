package dev.eventloop.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The course's echo server written with Netty 4.2: the same protocol, options and log lines as
 * chapter 6's server, and the course's exercises done the way Netty does them. A comment names
 * each exercise where a line does what it does.
 *
 * <p>The pieces, each a small class with one role, as in Netty's own examples:
 * <ul>
 *   <li>this class: the event loop (one thread, as in the course), the listener, {@code main};
 *   <li>{@link ServerInitializer}: each new connection's pipeline;
 *   <li>{@link FrameDecoder}: bytes in, whole frames out ({@code too long}, {@code unexpected EOF});
 *   <li>{@link BackPressure}: no reading while a client's answers cannot go out;
 *   <li>{@link EchoHandler}: each request answered with its own frame, flushed once per wake-up;
 *   <li>{@link CloseHandler}: EOF and errors, logged as chapter 6 logs them, then close;
 *   <li>{@link IdleCloser}: with {@code --idle-timeout MS}, silent connections closed.
 * </ul>
 */
public final class NettyServer implements Closeable {
    /** One event loop thread, for the listener and every connection alike: the course's single loop. */
    static final int EVENT_LOOP_THREADS = 1;
    /** Reads one connection gets per wake-up: Netty's default for a socket, and exercise 1's turn. */
    static final int READS_PER_WAKE_UP = 16;
    /** The listen backlog, as chapter 6's: the book's SOMAXCONN on a current Linux. */
    static final int BACKLOG = 4096;
    /** How long {@link #close()} gives the connections to close. */
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final Channel listener;
    private final Consumer<String> log;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NettyServer(EventLoopGroup group, Channel listener, Consumer<String> log) {
        this.group = group;
        this.listener = listener;
        this.log = log;
    }

    /**
     * Binds {@code options.host():options.port()} (port 0 picks a free port; see {@link #port()})
     * and serves on the event loop's own thread until {@link #close()}. Every log line goes to
     * {@code log}, on that thread.
     */
    public static NettyServer start(ServerOptions options, Consumer<String> log) throws InterruptedException {
        // exercise 1 (epoll instead of poll): each channel is registered with the selector once
        // (epoll on Linux), and its interest set stays there between waits
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, NioIoHandler.newFactory());
        try {
            // tag::bootstrap[]
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group) // the same thread accepts and serves, as the course's loop does
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true) // send each answer at once, as chapter 6 does
                    // the client's EOF is an event, not a close: the answers still owed go out (half-close)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.RECVBUF_ALLOCATOR, readBudget())
                    .childHandler(new ServerInitializer(options, log));
            Channel listener = bootstrap.bind(options.host(), options.port()).sync().channel();
            // end::bootstrap[]
            return new NettyServer(group, listener, log);
        } catch (Throwable t) {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw t;
        }
    }

    // tag::read-budget[]
    /** How each connection reads: into buffers of 64 bytes to 64 KiB, sized by what the last reads brought. */
    private static RecvByteBufAllocator readBudget() {
        AdaptiveRecvByteBufAllocator allocator = new AdaptiveRecvByteBufAllocator();
        // exercise 1 (a turn of at most 16 reads): then the loop moves on to the next ready connection
        allocator.maxMessagesPerRead(READS_PER_WAKE_UP);
        return allocator;
    }
    // end::read-budget[]

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Closes the listener and every connection, ends the event loop's thread, and logs
     * {@code stopped}. Safe to call from any thread but the event loop's, and more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close().syncUninterruptibly();
        // closes every connection still open, then ends the thread
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        log.accept("stopped");
    }

    /**
     * Runs the server with the options of {@link ServerOptions#USAGE}: by default on
     * 127.0.0.1:1234, logging each request. Stop it with Ctrl-C.
     */
    public static void main(String[] args) throws InterruptedException {
        ServerOptions options = ServerOptions.parseOrExit(args);
        NettyServer server = start(options, System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("listening on " + options.host() + ":" + server.port());
        server.listener.closeFuture().sync();
    }
}

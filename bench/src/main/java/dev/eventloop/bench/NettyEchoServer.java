package dev.eventloop.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The course's echo protocol on Netty 4.2, written the way the Netty examples write an echo
 * server: what a Java developer would reach for instead of a hand-written loop.
 *
 * <ul>
 *   <li><b>One event loop thread</b> on the NIO transport, for the listener and every connection
 *       alike, as the course's loops have (Netty's default would be two threads per core). With
 *       {@code --loops N}, a group of N loops: the listener is on one of them, and each new
 *       connection goes to the group's next loop in turn, as with the solutions' {@code --loops}.
 *   <li><b>Framing</b> by {@link LengthFieldBasedFrameDecoder}: a 4-byte little-endian unsigned
 *       length, the header kept in the frame, so that echoing a frame as it is echoes the whole
 *       message. A length over 4096 fails the connection, as in the course.
 *   <li><b>The standard echo handler</b>: {@code write} each frame in {@code channelRead}, and
 *       {@code flush} once in {@code channelReadComplete}, after everything one read brought has
 *       been handled. That is Netty's form of the course's batched writes.
 * </ul>
 *
 * <p>Everything else is left at Netty's defaults (pooled direct buffers, TCP_NODELAY on), since
 * defaults are what a user gets.
 */
public final class NettyEchoServer {
    private static final int MAX_FRAME = 4 + 4096;
    /** The listen backlog: what the book's listen(fd, SOMAXCONN) gets on Linux; the kernel caps it at net.core.somaxconn. */
    private static final int BACKLOG = 4096;

    private NettyEchoServer() {
    }

    /** Echoes every frame; flushes once per batch of reads. */
    @Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg); // queued in the channel's outbound buffer; nothing is sent yet
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // one write (a gathering writev) for all the frames of this read
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // too long, reset, ...: close this connection only, as the course does
        }
    }

    /**
     * Runs the server: {@code --port N} (0 for any free port), {@code --host H} (default
     * 127.0.0.1), {@code --loops N} (default 1); {@code --quiet} is accepted for symmetry (this
     * server logs nothing anyway).
     */
    public static void main(String[] args) throws InterruptedException {
        ServerArgs options = ServerArgs.parse(args);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.loops(), NioIoHandler.newFactory());
        EchoHandler echo = new EchoHandler();
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group) // one group accepts and serves: the listener's loop serves connections too
                    .channel(NioServerSocketChannel.class)
                    // explicit, though Netty's default is already somaxconn: 50 would drop handshakes in a burst
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, MAX_FRAME,
                                            0, 4, 0, 0, true),
                                    echo);
                        }
                    });
            Channel listener = bootstrap.bind(options.host(), options.port()).sync().channel();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }));
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            System.out.println("listening on " + options.host() + ":" + port);
            listener.closeFuture().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}

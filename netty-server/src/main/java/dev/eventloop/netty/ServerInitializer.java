package dev.eventloop.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.util.function.Consumer;

/**
 * Sets up each new connection's pipeline: the handlers its events pass through, in order. Where
 * chapter 6 has one state machine per connection, Netty has a chain of small handlers.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerOptions options;
    private final Consumer<String> log;
    private final EchoHandler echo;
    private final BackPressure backPressure = new BackPressure();

    ServerInitializer(ServerOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
        this.echo = new EchoHandler(log, options.quiet());
    }

    // tag::pipeline[]
    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        if (options.idleTimeout().isPresent()) {
            pipeline.addLast(new IdleCloser(options.idleTimeout().getAsLong(), log)); // exercise 4 (idle timeouts)
        }
        // exercise 2 (memmove only before read): no move per request; the decoder drops a buffer read to
        // its end, and compacts one with bytes left only after a batch of reads (discardSomeReadBytes)
        pipeline.addLast(new FrameDecoder()); // bytes in, whole frames out
        pipeline.addLast(backPressure);       // no reading while the answers wait
        pipeline.addLast(echo);               // each frame back, flushed once per wake-up
        pipeline.addLast(new CloseHandler(log, options.quiet())); // EOF and errors: log, close
    }
    // end::pipeline[]
}

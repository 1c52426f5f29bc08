package dev.eventloop.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Ends connections: chapter 6's way into {@code STATE_END}, with the same log lines. The last
 * handler of the pipeline, it hears what the others pass on:
 * <ul>
 *   <li>the client's EOF between two frames ({@code EOF}, a clean goodbye, logged unless
 *       {@code --quiet}): with half-closure allowed, Netty reports it as an event and keeps the
 *       connection open for the answers still owed;
 *   <li>{@link FrameDecoder}'s errors: a length over 4096 ({@code too long}), or EOF inside a
 *       frame ({@code unexpected EOF});
 *   <li>an IO error, such as a reset.
 * </ul>
 *
 * <p>One per connection: it remembers that the connection is already ending.
 */
final class CloseHandler extends ChannelInboundHandlerAdapter {
    private final Consumer<String> log;
    private final boolean quiet;
    private boolean ending;

    CloseHandler(Consumer<String> log, boolean quiet) {
        this.log = log;
        this.quiet = quiet;
    }

    // tag::closing[]
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !ending) {
            if (!quiet) {
                log.accept("EOF"); // the client sent its last request and shut down its side
            }
            closeAfterTheAnswers(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ending) {
            return; // the reason was logged already
        }
        if (cause instanceof TooLongFrameException) {
            log.accept("too long");
            closeAfterTheAnswers(ctx); // the requests before the bad frame are still answered
        } else if (cause instanceof PrematureChannelClosureException
                || cause.getCause() instanceof PrematureChannelClosureException) { // as thrown, or wrapped by the decoder
            log.accept("unexpected EOF");
            closeAfterTheAnswers(ctx);
        } else {
            log.accept((cause instanceof IOException ? "read() error: " : "error: ") + cause.getMessage());
            ending = true;
            ctx.close(); // nothing more can be sent
        }
    }

    /** Closes the connection once every answer queued so far has been written. */
    private void closeAfterTheAnswers(ChannelHandlerContext ctx) {
        ending = true;
        // an empty write goes out after everything queued before it; when it has, close
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    // end::closing[]
}

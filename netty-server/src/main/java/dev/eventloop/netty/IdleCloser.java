package dev.eventloop.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes a connection on which nothing was read or written for {@code --idle-timeout} ms:
 * exercise 4, where the loop keeps an idle list and the wait's timeout is the next deadline.
 * Netty's {@link IdleStateHandler} keeps a timer per connection on the event loop, moved on by
 * every read and every completed write; this subclass says what to do when it fires.
 *
 * <p>One per connection: it holds that connection's timer.
 */
final class IdleCloser extends IdleStateHandler {
    private final Consumer<String> log;

    // tag::idle-handler[]
    IdleCloser(long idleTimeoutMillis, Consumer<String> log) {
        // exercise 4 (idle timeouts): IdleStateHandler; "all idle": no read and no write for that long
        super(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS);
        this.log = log;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        log.accept("idle timeout");
        ctx.close();
    }
    // end::idle-handler[]
}

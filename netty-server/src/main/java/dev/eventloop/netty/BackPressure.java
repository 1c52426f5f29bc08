package dev.eventloop.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reads no requests from a client while its answers cannot go out: chapter 6's
 * {@code STATE_RES}, which waits for {@code POLLOUT} and reads nothing until the response is
 * sent. A client that sends and never reads then fills its own socket buffers and stops; the
 * server holds a bounded amount for it, and serves everyone else meanwhile.
 *
 * <p>Netty does not stop reading by itself: {@code write} queues without limit. What it does
 * is count what is queued, and tell the pipeline when the count crosses the channel's water
 * marks (by default: unwritable above 64 KiB, writable again below 32 KiB).
 */
@Sharable
final class BackPressure extends ChannelInboundHandlerAdapter {
    // tag::back-pressure[]
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // back-pressure (chapter 6's STATE_RES): while the answers wait, read no more requests
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
    // end::back-pressure[]
}

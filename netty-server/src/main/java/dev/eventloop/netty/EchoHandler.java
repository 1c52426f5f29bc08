package dev.eventloop.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Answers each request with its own bytes: chapter 6's {@code tryOneRequest} and
 * {@code stateRes}, as two Netty callbacks. {@code channelRead} gets one whole frame from
 * {@link FrameDecoder}; {@code channelReadComplete} comes once the reads of this wake-up are done.
 *
 * <p>It holds nothing of its own, so one instance serves every connection.
 */
@Sharable
final class EchoHandler extends ChannelInboundHandlerAdapter {
    private final Consumer<String> log;
    private final boolean quiet;

    EchoHandler(Consumer<String> log, boolean quiet) {
        this.log = log;
        this.quiet = quiet;
    }

    // tag::channel-read[]
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg; // one whole request, header and payload
        if (!quiet) {
            int payload = frame.readableBytes() - FrameDecoder.HEADER_SIZE;
            log.accept("client says: " + frame.toString(FrameDecoder.HEADER_SIZE, payload, StandardCharsets.UTF_8));
        }
        // exercise 3 (batched writes): write() only queues the answer, the request's own frame...
        ctx.write(frame);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // exercise 3 (batched writes): ...and one flush sends every answer of this wake-up's reads at once
        ctx.flush();
    }
    // end::channel-read[]
}

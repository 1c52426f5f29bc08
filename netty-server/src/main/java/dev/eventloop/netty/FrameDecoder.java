package dev.eventloop.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Cuts the byte stream into the course's frames: a 4-byte little-endian unsigned length, then
 * that many bytes of payload, at most 4096. Chapter 6's {@code tryOneRequest} does this by hand;
 * here Netty's {@link LengthFieldBasedFrameDecoder} does it, and this class adds what the course
 * asks on top: nothing after a frame that is too long counts as a request, and a stream that
 * ends inside a frame is an "unexpected EOF".
 *
 * <p>Each frame goes on down the pipeline whole, its header included: echoing it as it is
 * echoes the request with the same framing.
 *
 * <p>One per connection: it holds that connection's unread bytes.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /** Size of the length prefix. */
    static final int HEADER_SIZE = 4;
    /** The largest payload a message may carry, inclusive (the book's {@code k_max_msg}). */
    static final int K_MAX_MSG = 4096;

    /** Set by a frame too long: the connection is ending, and what follows is not a request. */
    private boolean tooLong;

    // tag::frame-decoder[]
    FrameDecoder() {
        super(ByteOrder.LITTLE_ENDIAN,  // the book copies the length with memcpy on a little-endian machine
                HEADER_SIZE + K_MAX_MSG, // the largest frame; a length over 4096 is "too long"
                0, HEADER_SIZE,          // the length is the first 4 bytes, read unsigned: ff ff ff ff is 4294967295
                0,                       // it counts the payload only, not the header
                0,                       // strip nothing: the frame keeps its header, to be echoed as it is
                true);                   // too long is an error as soon as the header is in, not after the bytes
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (tooLong) {
            in.skipBytes(in.readableBytes()); // chapter 6's STATE_END: nothing more is read as a request
            return null;
        }
        try {
            return super.decode(ctx, in); // one whole frame, or null until its last byte is in
        } catch (TooLongFrameException e) {
            tooLong = true;
            in.skipBytes(in.readableBytes());
            throw e; // to the pipeline's exceptionCaught: CloseHandler logs "too long" and closes
        }
    }

    /** The stream ended (EOF): whole frames still buffered come out first; a part of one is an error. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            in.skipBytes(in.readableBytes());
            throw new PrematureChannelClosureException("unexpected EOF"); // CloseHandler logs it and closes
        }
    }
    // end::frame-decoder[]
}

package dev.eventloop.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds the requests the load generator sends, and explains the first wrong byte of a response. */
final class Messages {
    private Messages() {
    }

    /**
     * A direct buffer holding {@code count} messages of {@code size} payload bytes: each a
     * little-endian length, then bytes that differ from connection to connection, so a response
     * sent down the wrong connection cannot pass for the right one.
     */
    static ByteBuffer batch(int connection, int count, int size) {
        int messageBytes = 4 + size;
        ByteBuffer buf = ByteBuffer.allocateDirect(count * messageBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            int off = i * messageBytes;
            buf.putInt(off, size);
            for (int j = 0; j < size; j++) {
                buf.put(off + 4 + j, (byte) (connection * 131 + i * 31 + j * 7 + 1));
            }
        }
        return buf;
    }

    /**
     * Writes a sequence number into the first (up to) 8 payload bytes of each message of
     * {@code batch}, so that every batch differs from the one before: a response replayed, lost
     * or reordered shows as a mismatch. Returns the next sequence number.
     */
    static long stamp(ByteBuffer batch, int count, int size, long seq) {
        int messageBytes = 4 + size;
        for (int i = 0; i < count; i++, seq++) {
            int off = i * messageBytes + 4;
            if (size >= 8) {
                batch.putLong(off, seq);
            } else {
                for (int j = 0; j < size; j++) {
                    batch.put(off + j, (byte) (seq >>> (8 * j)));
                }
            }
        }
        return seq;
    }

    /** Describes the first difference between what was sent and what came back. */
    static String mismatch(ByteBuffer expected, ByteBuffer got, int index, int size) {
        int messageBytes = 4 + size;
        return "byte " + index + " of the batch (message " + (index / messageBytes) + ", offset "
                + (index % messageBytes) + "): expected " + (expected.get(index) & 0xff) + ", got "
                + (got.get(index) & 0xff);
    }
}

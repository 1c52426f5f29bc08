package dev.eventloop.chapter05;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Readiness: what a {@link Selector} (the book's {@code poll}, or {@code epoll}) reports, and
 * when. Runs each experiment of {@code ReadinessTest} once on a real loopback connection and
 * prints what happened. Exits by itself.
 *
 * <ul>
 *   <li>A channel becomes readable only once the peer has written.
 *   <li>Readiness is <em>level-triggered</em>: it is reported again, select after select, while
 *       unread data remains, not once per arrival.
 *   <li>The selected-key set is the caller's to empty: a key left in it is not counted again.
 *   <li>{@code OP_WRITE} is ready almost all the time: right after connecting, and whenever the
 *       send buffer has room. It stops being ready only when the send buffer is full, which is
 *       why an event loop asks for it only while it has bytes to send.
 *   <li>A peer that closed shows up as <em>readable</em>, and the read returns -1. There is no
 *       separate flag for it, as {@code POLLHUP} is in C.
 *   <li>A listener is ready ({@code OP_ACCEPT}) when a client connects.
 * </ul>
 */
public final class ReadinessDemo {
    /** The longest a select waits for something that must happen. */
    private static final long WAIT_MILLIS = 10_000;
    /** Rounds of "fill the send buffer, then ask the selector" before giving up. */
    static final int MAX_FILL_ROUNDS = 50;

    private ReadinessDemo() {
    }

    /** Runs the experiments and prints what happens. */
    public static void main(String[] args) throws Exception {
        Options.noneOrExit("ReadinessDemo", args);
        run(System.out);
    }

    /** What {@link #main} does, printing to {@code out}. */
    static void run(PrintStream out) throws IOException {
        try (LoopbackPair pair = LoopbackPair.open(); Selector selector = Selector.open()) {
            readable(out, pair, selector);
        }
        try (LoopbackPair pair = LoopbackPair.open(); Selector selector = Selector.open()) {
            writable(out, pair, selector);
        }
        try (LoopbackPair pair = LoopbackPair.open(); Selector selector = Selector.open()) {
            closedPeer(out, pair, selector);
        }
        try (ServerSocketChannel listener = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            acceptable(out, listener, selector);
        }
    }

    private static void readable(PrintStream out, LoopbackPair pair, Selector selector) throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false); // only a nonblocking channel may be registered
        SelectionKey key = server.register(selector, SelectionKey.OP_READ);

        out.println("1. Readable only after the peer writes. selectNow() before anything is sent: "
                + selector.selectNow() + " keys ready.");
        pair.client().write(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)));
        int ready = selector.select(WAIT_MILLIS);
        out.println("   The client writes 10 bytes; select() returns " + ready + ", readable: " + key.isReadable() + ".");
        selector.selectedKeys().clear();

        out.println("2. Level-triggered: read 4 bytes at a time, and ask again each time.");
        ByteBuffer four = ByteBuffer.allocate(4);
        int left = 10;
        while (left > 0) {
            four.clear();
            int n = server.read(four);
            left -= Math.max(n, 0);
            selector.selectedKeys().clear();
            // selectNow() would do while data remains; select(timeout) also copes with a late byte
            ready = left > 0 ? selector.select(WAIT_MILLIS) : selector.selectNow();
            out.println("   read " + n + " bytes, " + left + " left: the selector reports "
                    + (ready > 0 && key.isReadable() ? "readable" : "nothing") + ".");
        }

        pair.client().write(ByteBuffer.wrap(new byte[] {1}));
        selector.select(WAIT_MILLIS); // the key goes into the selected-key set...
        int again = selector.selectNow(); // ...and, left there, is not counted again
        out.println("3. The selected-key set is yours to clear. One more byte arrives: select() puts the key in it;");
        out.println("   without clear(), the next selectNow() returns " + again + ", though the key is still in the set ("
                + selector.selectedKeys().contains(key) + ") and still readable (" + key.isReadable() + ").");
        selector.selectedKeys().clear();
    }

    private static void writable(PrintStream out, LoopbackPair pair, Selector selector) throws IOException {
        SocketChannel client = pair.client();
        client.configureBlocking(false);
        SelectionKey key = client.register(selector, SelectionKey.OP_WRITE);
        int ready = selector.selectNow();
        out.println("4. OP_WRITE. Right after connecting, selectNow() returns " + ready + ", writable: "
                + key.isWritable() + ".");
        selector.selectedKeys().clear();

        // A full buffer can get some room back as acknowledgements come in, so fill and ask again.
        for (int round = 1; round <= MAX_FILL_ROUNDS; round++) {
            LoopbackPair.Fill fill = pair.fillClientSendBuffer(NonblockingDemo.MAX_FILL_BYTES);
            if (!fill.full()) {
                out.println("   The send buffer never filled within " + NonblockingDemo.MAX_FILL_BYTES + " bytes.");
                return;
            }
            ready = selector.selectNow();
            selector.selectedKeys().clear();
            if (ready == 0) {
                out.println("   After " + pair.clientBytesSent() + " bytes, write() returns 0 (the send buffer is full)"
                        + " and selectNow() returns 0: not writable.");
                out.println("   That is why an event loop asks for OP_WRITE only while it has bytes to send:"
                        + " otherwise select() would return at once, every time.");
                return;
            }
        }
        out.println("   The send buffer kept getting room back; the selector never reported it full.");
    }

    private static void closedPeer(PrintStream out, LoopbackPair pair, Selector selector) throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false);
        SelectionKey key = server.register(selector, SelectionKey.OP_READ);
        pair.client().close();
        int ready = selector.select(WAIT_MILLIS);
        int rv = server.read(ByteBuffer.allocate(16));
        out.println("5. The client closes. select() returns " + ready + ", readable: " + key.isReadable()
                + ", and read() returns " + rv + ".");
        out.println("   (C: poll() reports POLLIN, and read() returns 0.)");
    }

    private static void acceptable(PrintStream out, ServerSocketChannel listener, Selector selector)
            throws IOException {
        // the course's one backlog; one client would do here
        listener.bind(new InetSocketAddress("127.0.0.1", 0), Options.SOMAXCONN);
        listener.configureBlocking(false);
        SelectionKey key = listener.register(selector, SelectionKey.OP_ACCEPT);
        int before = selector.selectNow();
        try (SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
            int ready = selector.select(WAIT_MILLIS);
            try (SocketChannel accepted = listener.accept()) {
                out.println("6. OP_ACCEPT. No client: selectNow() returns " + before + ". A client connects: select() returns "
                        + ready + ", acceptable: " + key.isAcceptable() + ", and accept() returns "
                        + (accepted == null ? "null" : "its connection, from " + client.getLocalAddress()) + ".");
            }
        }
    }
}

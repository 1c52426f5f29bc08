package dev.eventloop.chapter05;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Nonblocking IO, and how Java says {@code EAGAIN}: runs each experiment of
 * {@code NonblockingIoTest} once on a real loopback connection and prints what happened, next
 * to what the C code in the book would see. Exits by itself.
 *
 * <ul>
 *   <li>A nonblocking {@code read} with nothing to read returns 0 (C: -1 with {@code errno ==
 *       EAGAIN}); after the peer closes it returns -1 (C: 0, end of file).
 *   <li>A nonblocking {@code accept} with no client waiting returns {@code null} (C: -1 with
 *       {@code EAGAIN}).
 *   <li>A nonblocking {@code write} to a peer that never reads takes fewer bytes than asked, and
 *       then 0 (C: a short count, then -1 with {@code EAGAIN}).
 *   <li>In blocking mode, {@code read} waits for data.
 *   <li>There is no {@code EINTR}: the JDK retries an interrupted system call itself, and
 *       {@link Thread#interrupt()} on a thread blocked in channel IO <em>closes the channel</em>
 *       ({@link java.nio.channels.ClosedByInterruptException}).
 * </ul>
 */
public final class NonblockingDemo {
    /** Stop filling a send buffer after this much, whatever the OS's buffer sizes are. */
    static final long MAX_FILL_BYTES = 256L * 1024 * 1024;
    /** The longest any single step waits for the other end. */
    private static final long WAIT_MILLIS = 10_000;

    private NonblockingDemo() {
    }

    /** Runs the experiments and prints what happens. */
    public static void main(String[] args) throws Exception {
        Options.noneOrExit("NonblockingDemo", args);
        run(System.out);
    }

    /** What {@link #main} does, printing to {@code out}. */
    static void run(PrintStream out) throws Exception {
        try (LoopbackPair pair = LoopbackPair.open()) {
            readSide(out, pair);
        }
        acceptSide(out);
        try (LoopbackPair pair = LoopbackPair.open()) {
            writeSide(out, pair);
        }
        try (LoopbackPair pair = LoopbackPair.open()) {
            blockingRead(out, pair);
        }
        try (LoopbackPair pair = LoopbackPair.open()) {
            interruptedRead(out, pair);
        }
    }

    private static void readSide(PrintStream out, LoopbackPair pair) throws IOException {
        SocketChannel server = pair.server();
        server.configureBlocking(false); // C: fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        ByteBuffer buf = ByteBuffer.allocate(64);

        out.println("1. Nothing to read yet. On a nonblocking channel read() returns "
                + server.read(buf) + " at once.");
        out.println("   (C: read() returns -1 with errno EAGAIN.)");

        pair.client().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        int got = 0;
        while (got < 5 && awaitReady(server, SelectionKey.OP_READ)) {
            got += server.read(buf);
        }
        out.println("2. The client writes \"hello\". read() returns the bytes: "
                + got + " of them, \"" + new String(buf.array(), 0, got, StandardCharsets.US_ASCII) + "\".");

        pair.client().close();
        int rv = 0;
        while (rv == 0 && awaitReady(server, SelectionKey.OP_READ)) {
            buf.clear();
            rv = server.read(buf);
        }
        out.println("3. The client closes. read() returns " + rv + ": end of stream.");
        out.println("   (C: read() returns 0.)");
    }

    private static void acceptSide(PrintStream out) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            // the course's one backlog; one client would do here
            listener.bind(new InetSocketAddress("127.0.0.1", 0), Options.SOMAXCONN);
            listener.configureBlocking(false);
            SocketChannel nobody = listener.accept();
            out.println("4. No client is connecting. On a nonblocking listener accept() returns " + nobody + ".");
            out.println("   (C: accept() returns -1 with errno EAGAIN.)");
        }
    }

    private static void writeSide(PrintStream out, LoopbackPair pair) throws IOException {
        LoopbackPair.Fill fill = pair.fillClientSendBuffer(MAX_FILL_BYTES);
        out.println("5. The server end never reads. The client writes " + LoopbackPair.CHUNK
                + " bytes at a time: " + fill.writes() + " writes took " + fill.bytesTaken() + " bytes in all.");
        if (!fill.full()) {
            out.println("   The send buffer never filled within " + MAX_FILL_BYTES + " bytes.");
            return;
        }
        if (fill.firstShortWrite() > 0) {
            out.println("   One write took only " + fill.firstShortWrite() + " of " + LoopbackPair.CHUNK
                    + " bytes; the last took 0: the send buffer is full.");
        } else {
            out.println("   A write took 0 of " + LoopbackPair.CHUNK + " bytes: the send buffer is full.");
        }
        out.println("   (C: write() returns a short count, then -1 with errno EAGAIN.)");
        out.println("   So an event loop keeps the bytes not yet sent, and a cursor to where sending stopped.");
    }

    private static void blockingRead(PrintStream out, LoopbackPair pair) throws Exception {
        SocketChannel server = pair.server(); // blocking: the default for a new channel
        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = startReader(server, result);
        reader.join(300);
        out.println("6. Blocking mode. A thread calls read() with nothing to read: after 300 ms it is "
                + (reader.isAlive() ? "still waiting." : "done (unexpected)."));
        pair.client().write(ByteBuffer.wrap(new byte[] {42}));
        reader.join(WAIT_MILLIS);
        out.println("   The client writes one byte: read() returns " + result.get() + ".");
    }

    private static void interruptedRead(PrintStream out, LoopbackPair pair) throws Exception {
        SocketChannel server = pair.server();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = startReader(server, result);
        reader.interrupt();
        reader.join(WAIT_MILLIS);
        Object outcome = result.get();
        String what = outcome instanceof Throwable ? outcome.getClass().getSimpleName() : "read() returned " + outcome;
        // the client end is still blocking: its stream adaptor honours the read timeout
        int peerRead = pair.client().socket().getInputStream().read();
        out.println("7. A thread blocked in read() is interrupted: " + what + ". The channel is "
                + (server.isOpen() ? "still open" : "closed") + ", and the client reads " + peerRead + ".");
        out.println("   (C: a signal makes read() fail with EINTR, and the caller calls it again.");
        out.println("   The JDK retries EINTR itself; in Java an interrupt means \"stop\", so it closes the channel.)");
    }

    /** Starts a thread that reads once from {@code channel} and stores what read() returned or threw. */
    private static Thread startReader(SocketChannel channel, AtomicReference<Object> result)
            throws InterruptedException {
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            reading.countDown();
            try {
                result.set(channel.read(ByteBuffer.allocate(16)));
            } catch (IOException e) {
                result.set(e);
            }
        }, "demo-reader");
        reader.setDaemon(true); // never keep the demo's JVM alive
        reader.start();
        reading.await();
        return reader;
    }

    /**
     * Waits, at most {@link #WAIT_MILLIS}, until {@code channel} is ready for {@code ops}. Uses a
     * {@link Selector}, the subject of {@link ReadinessDemo}; closing it deregisters the channel.
     */
    private static boolean awaitReady(SelectableChannel channel, int ops) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, ops);
            return selector.select(WAIT_MILLIS) > 0;
        }
    }
}

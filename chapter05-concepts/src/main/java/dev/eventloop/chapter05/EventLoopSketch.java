package dev.eventloop.chapter05;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Chapter 5's event loop pseudocode, made runnable: an echo server on one thread, every socket
 * nonblocking, one blocking call ({@code select}). Only a sketch: it never looks for message
 * boundaries, and retries a failed {@code accept} at once. Chapter 6 does both properly.
 */
public final class EventLoopSketch implements Closeable {
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Consumer<String> events; // accepted, echoed, EOF: dropped by --quiet
    private final Consumer<String> log; // errors
    private volatile boolean closing;
    private int nextId = 1; // client numbers for the log: Java shows no file descriptors

    private record Conn(int id, ByteBuffer buf) { } // the book's struct Conn, cut down to one buffer

    /** Binds a nonblocking listener ({@code port} 0: any free one); {@code quiet} drops all but errors. */
    public EventLoopSketch(String host, int port, boolean quiet, Consumer<String> log) throws IOException {
        this.events = quiet ? line -> { } : log;
        this.log = log;
        listener = ServerSocketChannel.open(); // socket()
        try {
            // SO_REUSEADDR: restart despite TIME_WAIT (the JDK sets it anyway on Linux and macOS)
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // The C binds 0.0.0.0; host is 127.0.0.1 unless --host says otherwise, on purpose.
            listener.bind(new InetSocketAddress(host, port), Options.SOMAXCONN); // listen(fd, SOMAXCONN), not 50
            listener.configureBlocking(false); // fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** The port the server listens on (the one the OS picked, if it was opened with port 0). */
    public int port() {
        return listener.socket().getLocalPort();
    }

    /** Runs the loop on this thread until {@link #close()} or an interrupt, then closes every socket. */
    // tag::serve[]
    public void serve() {
        try {
            while (!closing && !Thread.currentThread().isInterrupted()) {
                selector.select(); // the only blocking call: wait until some sockets are ready
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        serveClient(key);
                    }
                }
                selector.selectedKeys().clear(); // the selector adds to this set but never empties it
            }
        } catch (IOException e) {
            log.accept("select() error: " + e.getMessage());
        } finally {
            selector.keys().forEach(key -> closeQuietly(key.channel())); // the listener and every client
            closeQuietly(selector); // which releases the sockets of channels closed while registered
        }
    }
    // end::serve[]

    /** Accepts every waiting client: the listener is nonblocking, so accept() says "no more" with null. */
    private void acceptAll() {
        try {
            for (SocketChannel channel; (channel = listener.accept()) != null; ) {
                channel.configureBlocking(false); // a blocking client socket would stall every other client
                Conn conn = new Conn(nextId++, ByteBuffer.allocate(Protocol.HEADER_SIZE + Protocol.K_MAX_MSG));
                channel.register(selector, SelectionKey.OP_READ, conn); // from now on serve() closes it
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // replies go out at once, no Nagle delay
                events.accept("accepted client " + conn.id() + " from " + channel.getRemoteAddress());
            }
        } catch (IOException e) { // "Too many open files", say: the client stays queued for the next round
            log.accept("accept() error: " + e.getMessage());
        }
    }

    /** Does what it can for a ready client: read until it would block, echo, write until it would block. */
    // tag::serve-client[]
    private void serveClient(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        ByteBuffer buf = conn.buf(); // bytes 0 to position wait to be sent; the rest is free
        try {
            int n = 0; // read until it would block (0; C: EAGAIN), the buffer is full, or EOF (-1; C: 0)
            while (buf.hasRemaining() && (n = channel.read(buf)) > 0) {
                // a closed peer stays readable: each round's read returns -1 again
            }
            boolean peerClosed = n < 0;
            // handle what arrived: for an echo server the bytes received are the bytes to send
            buf.flip();
            int sent = 0; // write until it would block: write() returns what the send buffer took, 0 if full
            while (buf.hasRemaining() && (n = channel.write(buf)) > 0) {
                sent += n;
            }
            buf.compact(); // memmove(): the unsent bytes move to the front, the rest is free again
            int unsent = buf.position();
            if (peerClosed && unsent == 0) {
                events.accept("client " + conn.id() + ": EOF, closing");
                channel.close(); // also cancels the key
                return;
            }
            events.accept("client " + conn.id() + ": echoed " + sent + " bytes"
                    + (unsent > 0 ? ", " + unsent + " wait for OP_WRITE" : ""));
            // OP_READ while the buffer has room and the peer may send; OP_WRITE only while bytes wait
            key.interestOps((buf.hasRemaining() && !peerClosed ? SelectionKey.OP_READ : 0)
                    | (unsent > 0 ? SelectionKey.OP_WRITE : 0));
        } catch (IOException e) {
            log.accept("client " + conn.id() + ": IO error: " + e.getMessage()); // a reset, say: this client only
            closeQuietly(channel);
        }
    }
    // end::serve-client[]

    /** Asks the loop to stop: {@link #serve()} wakes up (or, called later, returns at once) and closes all. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup(); // ends a select() in progress, or makes the next one return at once
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway: nothing more to do for it
        }
    }

    /** Runs the server ({@code --host H}, {@code --port N}, {@code --quiet}) until Ctrl-C ends the JVM. */
    public static void main(String[] args) throws IOException {
        Options options = Options.serverOrExit("EventLoopSketch", args);
        var server = new EventLoopSketch(options.host(), options.port(), options.quiet(), System.out::println);
        System.out.println("listening on " + options.host() + ":" + server.port());
        server.serve();
    }
}

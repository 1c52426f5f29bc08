package dev.eventloop.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The course's echo protocol served by a <b>virtual thread per connection</b>: plain blocking
 * code, as in chapters 4 and 5, on JDK 21's Loom. A virtual thread blocked in a socket read gives
 * its carrier thread back; the JDK parks it and wakes it from an epoll loop of its own. This is the
 * other modern answer to "many connections, few threads".
 *
 * <p>The per-connection code buffers both ways and flushes its responses only when it is about to
 * block for more input: whatever one read brought is answered with one write, exactly the batching
 * that the course's exercise 3 and Netty's flush-on-read-complete do. So this server is compared
 * with them on threading alone, not on how many system calls it makes per request. (Chapter 5's
 * threaded server, by contrast, is the course's code as it is: one read for the header, one for the
 * payload, one write per response.)
 *
 * <p>Like the course's servers, it sets {@code TCP_NODELAY}, and Netty does by default.
 *
 * <p>The course compiles for Java 17, where {@code Executors.newVirtualThreadPerTaskExecutor} does
 * not exist, so it is looked up with a {@link MethodHandle}; on an older JDK {@link #available()}
 * says no and the runner skips this server.
 */
public final class VirtualThreadEchoServer {
    private static final int HEADER = 4;
    private static final int MAX_MSG = 4096;
    /** Room for many whole messages, so a pipelined batch is usually read with one call. */
    private static final int BUFFER = 64 * 1024;
    /** The listen backlog: what the book's listen(fd, SOMAXCONN) gets on Linux; the kernel caps it at net.core.somaxconn. */
    private static final int BACKLOG = 4096;

    private VirtualThreadEchoServer() {
    }

    /** Whether this JVM has virtual threads (JDK 21 or newer). */
    public static boolean available() {
        try {
            newVirtualThreadPerTaskExecutorHandle();
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static MethodHandle newVirtualThreadPerTaskExecutorHandle() throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                MethodType.methodType(ExecutorService.class));
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, called through a method handle. */
    static ExecutorService newVirtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService) newVirtualThreadPerTaskExecutorHandle().invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("virtual threads need JDK 21 or newer", e);
        }
    }

    /** Serves one connection until it closes or sends something wrong. */
    static void serve(Socket socket) {
        try (socket) {
            // as every server here: a batch that leaves in two writes must not wait for an ACK in between
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] rbuf = new byte[BUFFER];
            byte[] wbuf = new byte[BUFFER];
            int start = 0; // unconsumed input is rbuf[start, end)
            int end = 0;
            int pending = 0; // responses not yet written are wbuf[0, pending)
            while (true) {
                // a whole message buffered? answer it; otherwise flush what we owe, then block
                if (end - start >= HEADER) {
                    long len = Integer.toUnsignedLong((rbuf[start] & 0xff) | (rbuf[start + 1] & 0xff) << 8
                            | (rbuf[start + 2] & 0xff) << 16 | (rbuf[start + 3] & 0xff) << 24);
                    if (len > MAX_MSG) {
                        return; // too long: close, as the course's servers do
                    }
                    int msg = HEADER + (int) len;
                    if (end - start >= msg) {
                        if (pending + msg > wbuf.length) {
                            out.write(wbuf, 0, pending);
                            pending = 0;
                        }
                        System.arraycopy(rbuf, start, wbuf, pending, msg); // the echo: header and payload as they came
                        pending += msg;
                        start += msg;
                        continue;
                    }
                }
                if (pending > 0) {
                    out.write(wbuf, 0, pending); // about to block on input: send the batch first
                    pending = 0;
                }
                if (start == end) {
                    start = 0;
                    end = 0;
                } else if (end == rbuf.length) {
                    System.arraycopy(rbuf, start, rbuf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                int n = in.read(rbuf, end, rbuf.length - end); // parks the virtual thread, not a carrier
                if (n < 0) {
                    return; // EOF
                }
                end += n;
            }
        } catch (IOException e) {
            // reset or closed: this connection is done; the others carry on
        }
    }

    /**
     * Runs the server: {@code --port N} (0 for any free port), {@code --host H} (default
     * 127.0.0.1), {@code --quiet} (accepted; nothing is logged per request); {@code --loops} other
     * than 1 is refused, since it has no event loops. Exits with status 2 on a JDK without virtual
     * threads.
     */
    public static void main(String[] args) throws IOException {
        ServerArgs options = ServerArgs.parse(args);
        if (options.loops() != 1) {
            throw new IllegalArgumentException("--loops: a thread per connection has no event loops");
        }
        if (!available()) {
            System.err.println("virtual threads need JDK 21 or newer; this is JDK " + Runtime.version());
            System.exit(2);
        }
        ExecutorService threads = newVirtualThreadPerTaskExecutor();
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        // not the JDK's default of 50, which drops handshakes when hundreds connect at once
        listener.bind(new InetSocketAddress(options.host(), options.port()), BACKLOG);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                listener.close();
            } catch (IOException e) {
                // exiting anyway
            }
            threads.shutdownNow();
        }));
        System.out.println("listening on " + options.host() + ":" + listener.getLocalPort());
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    break;
                }
                continue; // e.g. out of file descriptors: the connection stays queued, try again
            }
            threads.execute(() -> serve(socket));
        }
    }
}

package dev.eventloop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

/**
 * A burst: N clients connect at the same instant, each sends one request and waits for its echo.
 * It measures what the matrix cannot, since the matrix opens its connections a few at a time: how
 * long a client waits for its first response when many arrive together, as after a restart or a
 * network blip. That wait is set less by the server's loop than by its listen backlog: when the
 * kernel's queue of connections not yet accepted is full, it drops the handshakes that do not fit,
 * and they are tried again only after a second (Linux's initial retransmission timeout), then 2 s
 * more, 4 s more...
 *
 * <p>All connects are issued from one thread in a tight loop, on nonblocking sockets opened and
 * registered with one {@link Selector} beforehand, so that 300 of them leave within a few
 * milliseconds. The same thread then finishes the handshakes, sends each request (a 4-byte
 * little-endian length, then 32 payload bytes by default, different on each connection), checks
 * the echo byte for byte, and closes the connection at once, so that a server serving one
 * connection at a time (chapter 4) can move on. Each connection's time runs from just before its
 * {@code connect} to its complete response. A connection that fails (refused, reset, closed, wrong
 * bytes) or has no response at the overall timeout counts as failed, with its reason; the burst
 * never waits longer than the timeout.
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Pburst -Dbench.args="..."}
 * with {@code --server ID} (one of {@link ServerKind}'s ids: start that server in a JVM of its
 * own on a free port, and stop it afterwards; a fresh one for every run), or {@code --port N}
 * (default 1234) and {@code --host H} (default 127.0.0.1) for a server you started yourself;
 * {@code --connections N} (default 300), {@code --size S} (payload bytes, default 32),
 * {@code --timeout S} (seconds, default 30), {@code --runs N} (default 1). Failed connections are
 * a result, not an error: the exit status is 0 once the bursts have run.
 */
public final class Burst {
    /**
     * What one burst measured.
     *
     * @param connections the connections attempted
     * @param issueNanos how long the loop issuing every {@code connect} took
     * @param firstResponse per answered connection: nanoseconds from its connect to its complete response
     * @param handshake per answered connection: nanoseconds from its connect to the client's end of the
     *        handshake (which the kernel completes before the server accepts)
     * @param failures the failed connections, counted by reason
     */
    public record Result(int connections, long issueNanos, Histogram firstResponse, Histogram handshake,
                         Map<String, Integer> failures) {
        /** The connections that got their whole response back, intact. */
        public int answered() {
            return (int) firstResponse.getTotalCount();
        }

        /** The connections that did not. */
        public int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private Burst() {
    }

    /**
     * Opens {@code connections} connections to {@code address} at once, sends one request of
     * {@code size} payload bytes on each, and waits for the responses, at most {@code timeout}.
     *
     * @throws IOException if the sockets cannot even be opened (too many open files, say)
     */
    public static Result run(InetSocketAddress address, int connections, int size, Duration timeout)
            throws IOException {
        List<Client> clients = new ArrayList<>();
        Map<String, Integer> failures = new TreeMap<>();
        Histogram firstResponse = new Histogram(3);
        Histogram handshake = new Histogram(3);
        try (Selector selector = Selector.open()) {
            // Everything that costs time before the connects is done first, so they leave together.
            for (int i = 0; i < connections; i++) {
                Client c = new Client(i, SocketChannel.open(), size);
                clients.add(c);
                c.channel.configureBlocking(false);
                c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
            long issueStart = System.nanoTime();
            for (Client c : clients) {
                c.start = System.nanoTime();
                try {
                    if (c.channel.connect(address)) {
                        c.connected(System.nanoTime()); // loopback may finish the handshake at once
                    }
                } catch (IOException e) {
                    c.fail(failures, reason(e));
                }
            }
            long issueNanos = System.nanoTime() - issueStart;

            long deadline = issueStart + timeout.toNanos();
            int pending = (int) clients.stream().filter(c -> !c.done).count();
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    if (!key.isValid()) {
                        continue;
                    }
                    try {
                        if (c.step(key)) {
                            firstResponse.recordValue(System.nanoTime() - c.start);
                            handshake.recordValue(c.connectedAt - c.start);
                            c.close();
                            pending--;
                        }
                    } catch (IOException e) {
                        c.fail(failures, reason(e));
                        pending--;
                    }
                }
                selector.selectedKeys().clear();
            }
            String late = "no response within " + Format.duration(timeout.toNanos());
            for (Client c : clients) {
                if (!c.done) {
                    c.fail(failures, late);
                }
            }
            return new Result(connections, issueNanos, firstResponse, handshake, Collections.unmodifiableMap(failures));
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** One client of the burst: its socket, its request, the echo it expects, and its times. */
    private static final class Client {
        final int id;
        final SocketChannel channel;
        final ByteBuffer send;
        /** The same bytes as {@link #send}, with a position of its own, to compare the echo with. */
        final ByteBuffer expected;
        final ByteBuffer recv;
        SelectionKey key;
        long start;
        long connectedAt;
        boolean done;

        Client(int id, SocketChannel channel, int size) {
            this.id = id;
            this.channel = channel;
            this.send = Messages.batch(id, 1, size);
            this.expected = send.duplicate();
            this.recv = ByteBuffer.allocate(send.capacity());
        }

        /** The handshake is done: send the request. */
        void connected(long now) throws IOException {
            connectedAt = now;
            sendMore();
        }

        /** Writes what the socket takes (all of a small request, in practice), then waits to read. */
        void sendMore() throws IOException {
            channel.write(send);
            key.interestOps(send.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /**
         * Handles one readiness event.
         *
         * @return whether the whole response has arrived (and matched)
         */
        boolean step(SelectionKey key) throws IOException {
            if (key.isConnectable()) {
                if (channel.finishConnect()) {
                    connected(System.nanoTime());
                }
                return false;
            }
            if (key.isWritable()) {
                sendMore();
                return false;
            }
            if (channel.read(recv) < 0) {
                throw new IOException("closed by the server before answering");
            }
            if (recv.hasRemaining()) {
                return false;
            }
            recv.flip();
            if (recv.mismatch(expected) >= 0) {
                throw new IOException("wrong response");
            }
            return true;
        }

        void fail(Map<String, Integer> failures, String reason) {
            failures.merge(reason, 1, Integer::sum);
            close();
        }

        void close() {
            done = true;
            try {
                channel.close(); // also cancels the key
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /**
     * The kernel's TCP counters ({@code TcpExt} in {@code /proc/net/netstat}), to show what
     * happened to the handshakes. They count for the whole machine, not only this burst. Empty
     * where the file does not exist (not Linux).
     */
    static Map<String, Long> kernelCounters() {
        Map<String, Long> counters = new HashMap<>();
        try {
            // pairs of lines: "TcpExt: Name1 Name2 ...", then "TcpExt: value1 value2 ..."
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split(" ");
                String[] values = lines.get(i + 1).split(" ");
                if (names[0].equals("TcpExt:") && names.length == values.length) {
                    for (int j = 1; j < names.length; j++) {
                        counters.put(names[j], Long.parseLong(values[j]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no counters here: the line that shows them is left out
        }
        return counters;
    }

    /** The options; see the class comment. */
    static final class Options {
        @Option(names = "--server") String server;
        @Option(names = "--host") String host = "127.0.0.1";
        @Option(names = "--port") Integer port;
        @Option(names = "--connections") int connections = 300;
        @Option(names = "--size") int size = 32;
        @Option(names = "--timeout") double timeout = 30;
        @Option(names = "--runs") int runs = 1;
    }

    /** Parses the options, runs the bursts, prints what each measured. */
    public static void main(String[] args) throws Exception {
        Options o = CommandLineOptions.parse(new Options(), args);
        String server = o.server;
        String host = o.host;
        Integer port = o.port;
        int connections = o.connections;
        int size = o.size;
        double timeout = o.timeout;
        int runs = o.runs;
        if (server != null && port != null) {
            throw new IllegalArgumentException("--server starts its own server on a free port: give --server or --port, not both");
        }
        if (connections < 1 || size < 0 || size > 4096 || timeout <= 0 || runs < 1) {
            throw new IllegalArgumentException("need --connections >= 1, --size 0 to 4096, --timeout > 0, --runs >= 1");
        }
        ServerKind kind = server == null ? null : ServerKind.byId(server);
        if (kind != null && kind.unavailableReason() != null) {
            System.out.println(kind.id() + ": " + kind.unavailableReason());
            return;
        }
        Duration limit = Duration.ofMillis(Math.round(timeout * 1000));
        System.out.printf(Locale.ROOT, "%d connections at once, one request of %d bytes each, to %s; JDK %s, %d cores%n",
                connections, size, kind != null ? kind.label() : host + ":" + port, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        for (int run = 1; run <= runs; run++) {
            ServerProcess process = kind != null ? ServerProcess.start(kind) : null;
            try {
                InetSocketAddress address = new InetSocketAddress(process != null ? "127.0.0.1" : host,
                        process != null ? process.port() : port != null ? port : 1234);
                Map<String, Long> before = kernelCounters();
                Result r = run(address, connections, size, limit);
                Map<String, Long> after = kernelCounters();
                print(run, runs, r, before, after);
            } finally {
                if (process != null) {
                    process.close();
                }
            }
        }
    }

    private static void print(int run, int runs, Result r, Map<String, Long> before, Map<String, Long> after) {
        Histogram h = r.firstResponse();
        Histogram c = r.handshake();
        System.out.printf(Locale.ROOT, "run %d of %d: %d connects issued in %s; %d answered, %d failed%n",
                run, runs, r.connections(), Format.duration(r.issueNanos()), r.answered(), r.failed());
        if (r.answered() > 0) {
            System.out.printf(Locale.ROOT, "  connect to first response: median %s, p90 %s, worst %s%n",
                    Format.duration(h.getValueAtPercentile(50)), Format.duration(h.getValueAtPercentile(90)),
                    Format.duration(h.getMaxValue()));
            System.out.printf(Locale.ROOT, "  connect to handshake done: median %s, p90 %s, worst %s%n",
                    Format.duration(c.getValueAtPercentile(50)), Format.duration(c.getValueAtPercentile(90)),
                    Format.duration(c.getMaxValue()));
        }
        r.failures().forEach((reason, n) -> System.out.printf(Locale.ROOT, "  failed: %d, %s%n", n, reason));
        if (after.containsKey("ListenOverflows") && after.containsKey("TCPSynRetrans")) {
            // ListenOverflows: handshakes the kernel dropped because a listen queue was full;
            // TCPSynRetrans: SYNs (and SYN-ACKs) sent again because an earlier one went unanswered
            System.out.printf(Locale.ROOT, "  kernel, whole machine, during the burst: %d listen queue overflows,"
                            + " %d SYN retransmits%n",
                    after.get("ListenOverflows") - before.getOrDefault("ListenOverflows", 0L),
                    after.get("TCPSynRetrans") - before.getOrDefault("TCPSynRetrans", 0L));
        }
    }
}

package dev.eventloop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * A flood of silent clients: N connections that connect and then send nothing, the cheapest way
 * to hold a server's descriptors. Chapter 6 keeps each one until the client goes away; a server
 * with idle timeouts (exercise 4) closes them once they have been idle for its timeout.
 *
 * <p>It starts the server in a JVM of its own, opens the silent connections, then every half
 * second for {@code --seconds} prints how many of them the server still holds open (the others
 * it closed: the client saw EOF), how many descriptors the server process has open (from
 * {@code /proc/<pid>/fd}, Linux only), and whether a fresh client still gets its echo, and how
 * fast.
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Psilent-flood
 * -Dbench.args="--server solutions"} with {@code --server ID} (one of {@link ServerKind}'s ids,
 * default {@code solutions}), {@code --connections N} (default 2000), {@code --seconds S}
 * (default 8), and any further words passed to the server (for instance
 * {@code --idle-timeout 2000} for the solutions).
 */
public final class SilentFlood {
    private SilentFlood() {
    }

    /** The options; see the class comment. Words it does not know go to the server. */
    static final class Options {
        @Option(names = "--server") String server = ServerKind.SOLUTIONS.id();
        @Option(names = "--connections") int connections = 2000;
        @Option(names = "--seconds") int seconds = 8;
        @Unmatched List<String> serverOptions = new ArrayList<>();
    }

    /** Runs the flood and prints one line per half second. */
    public static void main(String[] args) throws Exception {
        Options o = CommandLineOptions.parse(new Options(), args);
        ServerKind kind = ServerKind.byId(o.server);
        int connections = o.connections;
        int seconds = o.seconds;
        List<String> serverOptions = o.serverOptions;
        try (ServerProcess server = ServerProcess.start(kind, serverOptions);
                Selector selector = Selector.open()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            List<SocketChannel> silent = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    SocketChannel channel = SocketChannel.open(address);
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                    silent.add(channel);
                }
                String options = serverOptions.isEmpty() ? "" : " " + String.join(" ", serverOptions);
                System.out.printf(Locale.ROOT, "%s%s: %d silent connections open%n", kind.label().strip(), options,
                        connections);
                System.out.println("  time   still open   server descriptors   a fresh client's echo");
                int open = connections;
                long start = System.nanoTime();
                for (int tick = 1; tick <= 2 * seconds; tick++) {
                    long until = start + tick * 500_000_000L;
                    while (System.nanoTime() < until) {
                        selector.select(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                        open -= closedByTheServer(selector);
                    }
                    System.out.printf(Locale.ROOT, "  %4.1f s  %10d   %18s   %s%n", tick / 2.0, open,
                            descriptors(server.pid()), echo(address));
                }
            } finally {
                for (SocketChannel channel : silent) {
                    channel.close();
                }
            }
        }
    }

    /** Reads from the connections that became readable: a silent client gets only EOF (or a reset). */
    private static int closedByTheServer(Selector selector) {
        int closed = 0;
        ByteBuffer scratch = ByteBuffer.allocate(64);
        for (SelectionKey key : selector.selectedKeys()) {
            try {
                if (((SocketChannel) key.channel()).read(scratch.clear()) < 0) {
                    closed++;
                    key.cancel();
                }
            } catch (IOException reset) {
                closed++;
                key.cancel();
            }
        }
        selector.selectedKeys().clear();
        return closed;
    }

    private static String descriptors(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return Long.toString(fds.count());
        } catch (IOException | UnsupportedOperationException e) {
            return "n/a";
        }
    }

    /** One connection, one 5-byte echo: "ok in N ms", or what went wrong. */
    private static String echo(InetSocketAddress address) {
        long started = System.nanoTime();
        try (SocketChannel channel = SocketChannel.open(address)) {
            channel.socket().setSoTimeout(5000);
            byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
            ByteBuffer request = ByteBuffer.allocate(4 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            request.putInt(payload.length).put(payload).flip();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            ByteBuffer response = ByteBuffer.allocate(4 + payload.length);
            var in = channel.socket().getInputStream(); // a stream, for the read timeout
            while (response.hasRemaining()) {
                int b = in.read();
                if (b < 0) {
                    return "closed before the echo";
                }
                response.put((byte) b);
            }
            return response.array().length == 9 && new String(response.array(), 4, 5, StandardCharsets.UTF_8).equals("hello")
                    ? String.format(Locale.ROOT, "ok in %.1f ms", (System.nanoTime() - started) / 1e6)
                    : "wrong bytes";
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        }
    }
}

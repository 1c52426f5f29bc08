package dev.eventloop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

/**
 * One client floods a server, others ask now and then: how long do they wait?
 *
 * <p>One flooding connection pipelines requests of {@code --size} payload bytes (400) as fast as
 * the server takes them, from one thread, and reads and checks every answer on another. Once it
 * has flooded for {@code --warmup} seconds (1), {@code --quiet N} other connections (1) each send
 * a 4-byte ping every {@code --interval} milliseconds (10), one at a time, for {@code --seconds}
 * (4), and time each round trip. A ping still unanswered when the window ends is answered once
 * the flood stops, and counts with the time it took: a server that serves the flood alone answers
 * one ping, after the whole window. Every server runs in a JVM of its own, a fresh one per run; the
 * runs are interleaved, round after round, as in {@link Matrix}.
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Pfairness}, with options in
 * {@code -Dbench.args="..."}: {@code --servers a,b} (ids of {@link ServerKind}; default the
 * {@linkplain ServerKind#standard standard} servers but chapter 4, which serves one connection at
 * a time), {@code --runs N} (3), the timings above, and {@code --out DIR}. It prints each run,
 * then a summary; without {@code --servers} it writes {@code fairness.md} to
 * {@code docs/benchmarks} (or {@code --out}), with {@code --servers} to {@code bench/target/benchmarks}.
 */
public final class Fairness {
    /** The command that produces the published results; the report quotes it. */
    static final String COMMAND = "./mvnw -q -pl bench -am package -DskipTests -Pfairness";
    private static final byte[] PING = {'p', 'i', 'n', 'g'};
    /** How long a ping may wait after the flood has stopped, before the run counts as failed. */
    private static final long STRAGGLER_SECONDS = 30;

    private Fairness() {
    }

    /** The options; see the class comment. */
    static final class Options {
        @Option(names = "--root") Path root = Paths.get("..");
        @Option(names = "--servers", split = ",") List<String> servers;
        @Option(names = "--runs") int runs = 3;
        @Option(names = "--size") int size = 400;
        @Option(names = "--quiet") int quiet = 1;
        @Option(names = "--interval") double intervalMillis = 10;
        @Option(names = "--warmup") double warmup = 1;
        @Option(names = "--seconds") double seconds = 4;
        @Option(names = "--out") Path out;
    }

    /**
     * What one run measured.
     *
     * @param server the server
     * @param run which run, from 1
     * @param pings the quiet clients' round trips, in nanoseconds
     * @param floodAnswers the flood's requests answered in the window
     * @param error why the run failed, or {@code null}
     */
    record Run(ServerKind server, int run, Histogram pings, long floodAnswers, String error) { }

    /** Runs every server, interleaved, prints what each run measured, and writes the report. */
    public static void main(String[] args) throws Exception {
        Options o = CommandLineOptions.parse(new Options(), args);
        List<ServerKind> servers = o.servers == null
                ? ServerKind.standard().stream().filter(k -> k != ServerKind.CHAPTER04 && k.unavailableReason() == null).toList()
                : o.servers.stream().map(ServerKind::byId).toList();
        if (servers.contains(ServerKind.CHAPTER04)) {
            throw new IllegalArgumentException("chapter04 serves one connection at a time: whichever client it accepts"
                    + " first has it to itself, and the others wait in the listen queue, whatever the flood does");
        }
        Path out = (o.out != null ? o.out : o.servers == null ? o.root.resolve("docs").resolve("benchmarks")
                : o.root.resolve("bench").resolve("target").resolve("benchmarks")).toAbsolutePath().normalize();
        ZonedDateTime started = ZonedDateTime.now();
        System.out.printf(Locale.ROOT, "One client floods with %d-byte requests; %d quiet client(s) ping every %.0f ms for"
                        + " %.1f s, after %.1f s of flood alone. %d run(s) of each server, JDK %s.%n", o.size, o.quiet,
                o.intervalMillis, o.seconds, o.warmup, o.runs, Runtime.version());
        List<Run> runs = new ArrayList<>();
        for (int round = 0; round < o.runs; round++) {
            for (int i = 0; i < servers.size(); i++) {
                ServerKind kind = servers.get((i + round) % servers.size());
                Run r = runOnce(kind, round + 1, o);
                runs.add(r);
                System.out.println(line(r, o));
            }
        }
        String report = report(servers, runs, o, started, String.join(" ", CommandLineOptions.asGiven(args)),
                out.relativize(o.root.toAbsolutePath().normalize().resolve("docs/07-production-failures.md")));
        System.out.println();
        System.out.println(summary(servers, runs, o));
        Files.createDirectories(out);
        Files.writeString(out.resolve("fairness.md"), report);
        System.out.println("Wrote " + out.resolve("fairness.md"));
        if (runs.stream().anyMatch(r -> r.error() != null)) {
            System.exit(1);
        }
    }

    /** One run: a fresh server, the quiet clients, the flood, the pings, the server stopped again. */
    static Run runOnce(ServerKind kind, int run, Options o) {
        List<Pinger> pingers = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(kind)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            for (int i = 0; i < o.quiet; i++) {
                pingers.add(new Pinger(address));
            }
            try (Flood flood = new Flood(address, o.size)) {
                flood.start();
                sleepUntil(System.nanoTime() + (long) (o.warmup * 1e9));
                long answeredBefore = flood.answered.get();
                long start = System.nanoTime();
                long end = start + (long) (o.seconds * 1e9);
                for (Pinger p : pingers) {
                    p.start(start, end, (long) (o.intervalMillis * 1e6));
                }
                sleepUntil(end);
                long floodAnswers = flood.answered.get() - answeredBefore;
                String error = flood.stop();
                Histogram pings = new Histogram(3);
                for (Pinger p : pingers) {
                    p.join(TimeUnit.SECONDS.toMillis(STRAGGLER_SECONDS));
                    if (p.isAlive()) {
                        p.interrupt();
                        error = "a ping had no answer " + STRAGGLER_SECONDS + " s after the flood stopped";
                    } else if (p.error != null && error == null) {
                        error = p.error;
                    }
                    pings.add(p.roundTrips);
                }
                if (!server.isAlive()) {
                    error = "the server exited: " + server.lastOutput();
                }
                return new Run(kind, run, pings, floodAnswers, error);
            }
        } catch (IOException | RuntimeException e) {
            return new Run(kind, run, new Histogram(3), 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(kind, run, new Histogram(3), 0, "interrupted");
        } finally {
            for (Pinger p : pingers) {
                try {
                    p.close();
                } catch (IOException e) {
                    // closing a client socket: nothing to report
                }
            }
        }
    }

    /**
     * The flooding client: a writer thread that pipelines numbered requests as fast as the socket
     * takes them, and a reader thread that checks every answer's number and counts it.
     */
    private static final class Flood implements AutoCloseable {
        private static final int BATCH = 2560;
        private final SocketChannel channel;
        private final int size;
        private final AtomicLong answered = new AtomicLong();
        private volatile boolean stopping;
        private volatile String error;
        private final Thread writer = new Thread(this::write, "flood-writer");
        private final Thread reader = new Thread(this::read, "flood-reader");

        Flood(InetSocketAddress address, int size) throws IOException {
            this.channel = SocketChannel.open(address);
            this.size = size;
            writer.setDaemon(true);
            reader.setDaemon(true);
        }

        void start() {
            writer.start();
            reader.start();
        }

        private void write() {
            ByteBuffer batch = Messages.batch(0, BATCH, size);
            long seq = 0;
            try {
                while (!stopping) {
                    seq = Messages.stamp(batch, BATCH, size, seq);
                    batch.clear();
                    while (batch.hasRemaining()) {
                        channel.write(batch);
                    }
                }
            } catch (IOException e) {
                fail("writing: " + e);
            }
        }

        private void read() {
            ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            int frame = 4 + size;
            long seq = 0;
            try {
                while (channel.read(in) >= 0) {
                    in.flip();
                    for (; in.remaining() >= frame; seq++) {
                        int at = in.position();
                        if (in.getInt(at) != size || (size >= 8 && in.getLong(at + 4) != seq)) {
                            fail("answer " + seq + " is not the echo of request " + seq);
                            return;
                        }
                        in.position(at + frame);
                        answered.incrementAndGet();
                    }
                    in.compact();
                }
                if (!stopping) {
                    fail("the server closed the flooding connection");
                }
            } catch (IOException e) {
                fail("reading: " + e);
            }
        }

        private void fail(String why) {
            if (!stopping && error == null) {
                error = "flood: " + why;
            }
        }

        /** Stops flooding; returns what went wrong with the flood, or {@code null}. */
        String stop() throws IOException {
            String failed = error;
            stopping = true;
            channel.close(); // ends the writer's and the reader's blocking calls
            return failed;
        }

        @Override
        public void close() throws IOException {
            stopping = true;
            channel.close();
        }
    }

    /**
     * A quiet client: connected, and answered once, before the flood starts; then one ping at a
     * time, one every interval, from the window's start to its end.
     */
    private static final class Pinger extends Thread implements AutoCloseable {
        private final SocketChannel channel;
        private final ByteBuffer request = ByteBuffer.allocate(4 + PING.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(PING.length).put(PING).flip();
        private final ByteBuffer answer = ByteBuffer.allocate(4 + PING.length);
        private final Histogram roundTrips = new Histogram(3);
        private long start;
        private long end;
        private long interval;
        private volatile String error;

        Pinger(InetSocketAddress address) throws IOException {
            super("quiet-client");
            setDaemon(true);
            channel = SocketChannel.open(address);
            ping(); // the server has accepted this connection: the window measures requests, not accepts
        }

        /** Pings from {@code start} to {@code end}, one every {@code interval} nanoseconds, on this thread. */
        void start(long start, long end, long interval) {
            this.start = start;
            this.end = end;
            this.interval = interval;
            start();
        }

        @Override
        public void run() {
            try {
                for (long next = start; next < end; next += interval) {
                    sleepUntil(next);
                    long sent = System.nanoTime();
                    ping();
                    long now = System.nanoTime();
                    roundTrips.recordValue(now - sent);
                    next = Math.max(next, now - interval); // late: the next ping goes at once, not in a burst
                }
            } catch (IOException e) {
                if (!isInterrupted()) {
                    error = "quiet client: " + e.getMessage();
                }
            }
        }

        private void ping() throws IOException {
            request.rewind();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            answer.clear();
            while (answer.hasRemaining()) {
                if (channel.read(answer) < 0) {
                    throw new IOException("the server closed the connection");
                }
            }
            if (!Arrays.equals(answer.array(), request.array())) {
                throw new IOException("a ping's answer is not its echo");
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static String line(Run r, Options o) {
        String head = String.format(Locale.ROOT, "%-26s run %d: ", r.server().label(), r.run());
        if (r.error() != null) {
            return head + "ERROR " + r.error();
        }
        Histogram h = r.pings();
        return head + String.format(Locale.ROOT, "%,5d pings (of %,d), p50 %s, p99 %s, max %s; flood %,.0f requests/s",
                h.getTotalCount(), expectedPings(o), Format.duration(h.getValueAtPercentile(50)),
                Format.duration(h.getValueAtPercentile(99)), Format.duration(h.getMaxValue()), r.floodAnswers() / o.seconds);
    }

    private static long expectedPings(Options o) {
        return (long) Math.ceil(o.seconds * 1000 / o.intervalMillis) * o.quiet;
    }

    /**
     * One server's runs taken together: every ping of every run that completed in one histogram,
     * and the median of the flood's rates.
     */
    record Pooled(int runs, Histogram pings, double floodRate) {
        static Pooled of(ServerKind kind, List<Run> all, Options o) {
            List<Run> ok = all.stream().filter(r -> r.server() == kind && r.error() == null).toList();
            Histogram pings = new Histogram(3);
            ok.forEach(r -> pings.add(r.pings()));
            double[] rates = ok.stream().mapToDouble(r -> r.floodAnswers() / o.seconds).sorted().toArray();
            return new Pooled(ok.size(), pings, rates.length == 0 ? 0 : rates[rates.length / 2]);
        }

        long p99() {
            return pings.getValueAtPercentile(99);
        }
    }

    private static String summary(List<ServerKind> servers, List<Run> runs, Options o) {
        MarkdownTable table = MarkdownTable.of("server", "pings answered", "p50", "p99", "max", "the flood's requests/s");
        for (ServerKind k : servers) {
            Pooled p = Pooled.of(k, runs, o);
            if (p.runs() == 0) {
                table.row(k.label(), "every run failed: see below");
                continue;
            }
            Histogram h = p.pings();
            table.row(k.label(), String.format(Locale.ROOT, "%,d of %,d", h.getTotalCount(), p.runs() * expectedPings(o)),
                    Format.duration(h.getValueAtPercentile(50)), Format.duration(h.getValueAtPercentile(99)),
                    Format.duration(h.getMaxValue()), String.format(Locale.ROOT, "%,.0f", p.floodRate()));
        }
        StringBuilder sb = new StringBuilder(table.toString());
        Pooled solutions = Pooled.of(ServerKind.SOLUTIONS, runs, o);
        Pooled netty = Pooled.of(ServerKind.NETTY, runs, o);
        if (solutions.runs() > 0 && netty.runs() > 0) {
            boolean met = solutions.p99() <= netty.p99();
            sb.append(String.format(Locale.ROOT, "%nTarget: the solutions' quiet-client p99 at most Netty's: %s against %s,"
                    + " %s.%n", Format.duration(solutions.p99()), Format.duration(netty.p99()), met ? "met" : "MISSED"));
        }
        return sb.toString();
    }

    private static String report(List<ServerKind> servers, List<Run> runs, Options o, ZonedDateTime started,
            String args, Path page) {
        StringBuilder sb = new StringBuilder();
        sb.append("# One flooding client, and the quiet ones\n\n");
        sb.append("<!-- Written by dev.eventloop.bench.Fairness: run the command below again rather than editing. -->\n\n");
        sb.append("Generated by `").append(Matrix.javaHomePrefix()).append(COMMAND)
                .append(args.isEmpty() ? "" : " -Dbench.args=\"" + args + "\"").append("` on ")
                .append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append(".\n");
        sb.append("Machine: ").append(MachineInfo.machine()).append(". JDK: ").append(MachineInfo.jdk()).append(".\n\n");
        sb.append(String.format(Locale.ROOT, "One client pipelines %d-byte requests as fast as the server takes them"
                        + " and reads every answer; after %.1f s of that, %s a 4-byte ping every %.0f ms for %.1f s, one"
                        + " at a time, and time%s each round trip. Chapter 4 is left out: it serves one connection at a"
                        + " time, so the quiet clients would wait for the flood to end. What it means:"
                        + " [When things go wrong](%s#7-one-client-floods-the-others-wait). Each server's %d runs"
                        + " taken together: every ping of every run, and the median of the flood's rates:%n%n", o.size, o.warmup,
                o.quiet == 1 ? "a quiet client sends" : o.quiet + " quiet clients each send", o.intervalMillis,
                o.seconds, o.quiet == 1 ? "s" : "", page.toString().replace('\\', '/'), o.runs));
        sb.append(summary(servers, runs, o));
        MarkdownTable every = MarkdownTable.of("server", "run", "pings", "p50", "p99", "max", "the flood's requests/s");
        for (Run r : runs) {
            if (r.error() != null) {
                every.row(r.server().label(), r.run(), "error: " + r.error().replace('|', '/'));
                continue;
            }
            Histogram h = r.pings();
            every.row(r.server().label(), r.run(), String.format(Locale.ROOT, "%,d", h.getTotalCount()),
                    Format.duration(h.getValueAtPercentile(50)), Format.duration(h.getValueAtPercentile(99)),
                    Format.duration(h.getMaxValue()), String.format(Locale.ROOT, "%,.0f", r.floodAnswers() / o.seconds));
        }
        return sb.append("\nEvery run:\n\n").append(every).toString();
    }

    /** Waits until {@link System#nanoTime()} reaches {@code deadline}. */
    private static void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

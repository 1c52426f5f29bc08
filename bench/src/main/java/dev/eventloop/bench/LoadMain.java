package dev.eventloop.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

/**
 * The load generator on its own, against a server you started yourself: for profiling a server
 * with {@code strace -c -f -p PID}, JFR or a debugger while it is under a known load.
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Pload -Dbench.args="..."}, with
 * {@code --port N} (default 1234), {@code --host H} (default 127.0.0.1), {@code --connections C}
 * (default 50), {@code --depth D} (1), {@code --size S} (32), {@code --idle N} (0),
 * {@code --warmup S} (2), {@code --measure S} (5), {@code --threads N} (1), {@code --timeout S} (10).
 * Prints the figures of the measured window; exits with status 1 if any check failed.
 */
public final class LoadMain {
    private LoadMain() {
    }

    /** The options; see the class comment. */
    static final class Options {
        @Option(names = "--host") String host = "127.0.0.1";
        @Option(names = "--port") int port = 1234;
        @Option(names = "--connections") int connections = 50;
        @Option(names = "--depth") int depth = 1;
        @Option(names = "--size") int size = 32;
        @Option(names = "--idle") int idle = 0;
        @Option(names = "--warmup") double warmup = 2;
        @Option(names = "--measure") double measure = 5;
        @Option(names = "--threads") int threads = 1;
        @Option(names = "--timeout") double timeout = 10;
    }

    /** Parses the options, runs the load once, prints what it measured. */
    public static void main(String[] args) throws Exception {
        Options o = CommandLineOptions.parse(new Options(), args);
        Workload w = new Workload("custom", o.connections, o.depth, o.size, o.idle);
        LoadGenerator.Config config = new LoadGenerator.Config(new InetSocketAddress(o.host, o.port), w,
                Duration.ofMillis(Math.round(o.warmup * 1000)), Duration.ofMillis(Math.round(o.measure * 1000)), Duration.ZERO,
                Duration.ofMillis(Math.round(o.timeout * 1000)), o.threads);
        System.out.printf(Locale.ROOT, "%s against %s:%d: %.1f s warm-up, then %.1f s measured...%n", w.label(), o.host, o.port,
                o.warmup, o.measure);
        try {
            LoadGenerator.Result r = LoadGenerator.run(config, new LoadGenerator.Listener() {
                @Override
                public void measureStarted() {
                    System.out.println("measuring");
                }

                @Override
                public void measureEnded() {
                    System.out.println("draining");
                }
            });
            Histogram h = r.latency();
            System.out.printf(Locale.ROOT, "%,.0f requests/s (%,d requests in %.1f s), batch latency p50 %s, p99 %s,"
                            + " p99.9 %s, max %s; %d of %d connections served; %d idle connections checked%n",
                    r.rate(), r.requests(), r.seconds(), Format.duration(h.getValueAtPercentile(50)),
                    Format.duration(h.getValueAtPercentile(99)), Format.duration(h.getValueAtPercentile(99.9)),
                    Format.duration(h.getMaxValue()), r.connectionsServed(), r.connections(), r.idleChecked());
        } catch (LoadException e) {
            System.out.println("FAILED: " + e.getMessage());
            System.exit(1);
        }
    }
}

package dev.eventloop.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;

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

    /** Parses the options, runs the load once, prints what it measured. */
    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 1234;
        int connections = 50;
        int depth = 1;
        int size = 32;
        int idle = 0;
        double warmup = 2;
        double measure = 5;
        int threads = 1;
        double timeout = 10;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank()) {
                continue; // an empty -Dbench.args
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--depth" -> depth = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--idle" -> idle = Integer.parseInt(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--measure" -> measure = Double.parseDouble(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--timeout" -> timeout = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        Workload w = new Workload("custom", connections, depth, size, idle);
        LoadGenerator.Config config = new LoadGenerator.Config(new InetSocketAddress(host, port), w,
                Duration.ofMillis(Math.round(warmup * 1000)), Duration.ofMillis(Math.round(measure * 1000)),
                Duration.ofMillis(Math.round(timeout * 1000)), threads);
        System.out.printf(Locale.ROOT, "%s against %s:%d: %.1f s warm-up, then %.1f s measured...%n", w.label(), host, port,
                warmup, measure);
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

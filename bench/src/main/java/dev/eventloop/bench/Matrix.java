package dev.eventloop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs the benchmark matrix, every server on every workload, and writes the report.
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Pmatrix} (see this module's
 * pom). Options, through {@code -Dbench.args="..."}:
 * <ul>
 *   <li>{@code --quick}: one short run per cell, written to {@code bench/target/benchmarks};
 *   <li>{@code --runs N}, {@code --warmup S}, {@code --measure S}: runs per cell, and seconds of
 *       warm-up and of measurement per run (default 3, 5 and 5; quick: 1, 1 and 1);
 *   <li>{@code --servers a,b}, {@code --workloads x,y}: a part of the matrix, by id;
 *   <li>{@code --threads N}: the load generator's threads (default 1);
 *   <li>{@code --timeout S}: how long a server may stay silent before a run fails (default 10);
 *   <li>{@code --out DIR}: where to write (default {@code docs/benchmarks}, or the quick one).
 * </ul>
 *
 * <p><b>Interleaving.</b> The runs of a cell are not run back to back. Round 1 runs every cell
 * once, then round 2 again, and so on; within a round, the order of the servers rotates from one
 * workload to the next. A machine that gets slower or faster during the matrix (heat, another
 * job) then spreads its drift over every server alike, instead of landing on whichever ran last.
 *
 * <p>Every run starts a fresh server JVM, so no run inherits another's JIT state or heap.
 */
public final class Matrix {
    /** The command that produces the published results; the report quotes it. */
    static final String COMMAND = "./mvnw -q -pl bench -am package -DskipTests -Pmatrix";

    private Matrix() {
    }

    /**
     * {@code JAVA_HOME=... } when the runner was started with that variable set (the wrapper then
     * uses it, and so the whole measurement does), so the report's command names the JDK it ran on.
     */
    public static String javaHomePrefix() {
        String javaHome = System.getenv("JAVA_HOME");
        return javaHome == null || javaHome.isBlank() ? "" : "JAVA_HOME=" + javaHome + " ";
    }

    /** The settings of one matrix. */
    record Settings(List<ServerKind> servers, List<Workload> workloads, int runs, Duration warmup, Duration measure,
                    Duration timeout, int threads, boolean quick, Path root, Path out, String args) {

        static Settings parse(String... args) {
            Path root = Paths.get("..");
            boolean quick = false;
            Integer runs = null;
            Duration warmup = null;
            Duration measure = null;
            Duration timeout = Duration.ofSeconds(10);
            int threads = 1;
            List<ServerKind> servers = ServerKind.all();
            List<Workload> workloads = Workload.STANDARD;
            Path out = null;
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.isBlank()) {
                    continue; // an empty -Dbench.args
                }
                if (!a.equals("--root")) {
                    shown.add(a);
                }
                switch (a) {
                    case "--root" -> root = Paths.get(value(args, ++i, a));
                    case "--quick" -> quick = true;
                    case "--runs" -> runs = Integer.parseInt(shownValue(args, ++i, a, shown));
                    case "--warmup" -> warmup = seconds(shownValue(args, ++i, a, shown));
                    case "--measure" -> measure = seconds(shownValue(args, ++i, a, shown));
                    case "--timeout" -> timeout = seconds(shownValue(args, ++i, a, shown));
                    case "--threads" -> threads = Integer.parseInt(shownValue(args, ++i, a, shown));
                    case "--servers" -> servers = split(shownValue(args, ++i, a, shown)).stream().map(ServerKind::byId).toList();
                    case "--workloads" -> workloads = split(shownValue(args, ++i, a, shown)).stream().map(Workload::byId).toList();
                    case "--out" -> out = Paths.get(shownValue(args, ++i, a, shown));
                    default -> throw new IllegalArgumentException("unknown option " + a + "; see the Javadoc of "
                            + Matrix.class.getName());
                }
            }
            if (runs == null) {
                runs = quick ? 1 : 3;
            }
            if (warmup == null) {
                warmup = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
            }
            if (measure == null) {
                measure = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
            }
            if (out == null) {
                out = quick ? root.resolve("bench").resolve("target").resolve("benchmarks")
                        : root.resolve("docs").resolve("benchmarks");
            }
            return new Settings(servers, workloads, runs, warmup, measure, timeout, threads, quick,
                    root.toAbsolutePath().normalize(), out.toAbsolutePath().normalize(), String.join(" ", shown));
        }

        /** The command that reproduces this matrix, with the JAVA_HOME it ran under if one was set. */
        String command() {
            return javaHomePrefix() + (args.isEmpty() ? COMMAND : COMMAND + " -Dbench.args=\"" + args + "\"");
        }

        /** A relative link from the output directory to {@code file} under the repository root. */
        String linkTo(String file) {
            return out.relativize(root.resolve(file)).toString().replace('\\', '/');
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static String shownValue(String[] args, int i, String option, List<String> shown) {
            String v = value(args, i, option);
            shown.add(v);
            return v;
        }

        private static Duration seconds(String text) {
            return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
        }

        private static List<String> split(String text) {
            return List.of(text.split(","));
        }
    }

    /**
     * Runs the matrix and writes {@code results.md}, {@code results.csv}, {@code runs.csv} and
     * {@code throughput.png}. Exits with status 1 if any run failed.
     */
    public static void main(String[] args) throws Exception {
        Settings s = Settings.parse(args);
        ZonedDateTime started = ZonedDateTime.now();

        Map<String, Cell> cells = new LinkedHashMap<>();
        int planned = 0;
        for (Workload w : s.workloads()) {
            for (ServerKind k : s.servers()) {
                String notRun = k.notApplicableReason(w);
                if (notRun == null) {
                    notRun = k.unavailableReason();
                }
                cells.put(key(k, w), new Cell(k, w, notRun));
                if (notRun == null) {
                    planned += s.runs();
                }
            }
        }
        System.out.printf("Benchmark matrix: %d servers x %d workloads, %d run(s) per cell of %.1f s warm-up + %.1f s"
                        + " measured: %d runs. JDK %s, %d cores. Results go to %s%n",
                s.servers().size(), s.workloads().size(), s.runs(), s.warmup().toMillis() / 1000.0,
                s.measure().toMillis() / 1000.0, planned, Runtime.version(), MachineInfo.cores(), s.out());
        for (Cell cell : cells.values()) {
            if (cell.notRun() != null) {
                System.out.println("  " + cell.server().id() + " on " + cell.workload().label() + ": " + cell.notRun());
            }
        }

        long t0 = System.nanoTime();
        int done = 0;
        for (int round = 0; round < s.runs(); round++) {
            for (int wi = 0; wi < s.workloads().size(); wi++) {
                Workload w = s.workloads().get(wi);
                List<ServerKind> order = rotated(s.servers(), round + wi);
                for (ServerKind k : order) {
                    Cell cell = cells.get(key(k, w));
                    if (cell.notRun() != null) {
                        continue;
                    }
                    RunRecord r = runOnce(k, w, round + 1, s);
                    cell.add(r);
                    done++;
                    System.out.println(progress(done, planned, t0) + "  " + describe(r, s));
                }
            }
        }

        Files.createDirectories(s.out());
        Report report = new Report(s, new ArrayList<>(cells.values()), started);
        report.write();
        Chart.write(s.out().resolve("throughput.png"), s, new ArrayList<>(cells.values()), started);
        long errors = cells.values().stream().filter(c -> c.error() != null).count();
        System.out.println();
        System.out.println(report.summary());
        System.out.println("Wrote " + s.out().resolve("results.md") + " (and results.csv, runs.csv, throughput.png)");
        if (errors > 0) {
            System.out.println(errors + " cell(s) had errors: see results.md");
            System.exit(1);
        }
    }

    /** One run: a fresh server JVM, the load, the CPU readings, and the server stopped again. */
    static RunRecord runOnce(ServerKind kind, Workload w, int run, Settings s) {
        try (ServerProcess server = ServerProcess.start(kind)) {
            LoadGenerator.Config config = new LoadGenerator.Config(new InetSocketAddress("127.0.0.1", server.port()),
                    w, s.warmup(), s.measure(), s.timeout(), s.threads());
            ProcessHandle self = ProcessHandle.current();
            double[] at = new double[6];
            LoadGenerator.Result result = LoadGenerator.run(config, new LoadGenerator.Listener() {
                @Override
                public void measureStarted() {
                    at[0] = seconds(server.cpuTime());
                    at[1] = seconds(ServerProcess.cpuTimeOf(self));
                    at[2] = MachineInfo.machineBusySeconds();
                }

                @Override
                public void measureEnded() {
                    at[3] = seconds(server.cpuTime());
                    at[4] = seconds(ServerProcess.cpuTimeOf(self));
                    at[5] = MachineInfo.machineBusySeconds();
                }
            });
            if (!server.isAlive()) {
                return RunRecord.failed(kind, w, run, "the server exited during the run: " + server.lastOutput());
            }
            double serverCpu = at[3] - at[0];
            double clientCpu = at[4] - at[1];
            double other = at[2] < 0 ? -1 : Math.max(0, (at[5] - at[2]) - serverCpu - clientCpu);
            Histogram h = result.latency();
            return new RunRecord(kind, w, run, result.rate(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue(), serverCpu, clientCpu, other,
                    result.connectionsServed(), result.connections(), null);
        } catch (IOException e) {
            return RunRecord.failed(kind, w, run, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunRecord.failed(kind, w, run, "interrupted");
        } catch (RuntimeException e) {
            return RunRecord.failed(kind, w, run, e.toString());
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String key(ServerKind k, Workload w) {
        return k.id() + "/" + w.id();
    }

    private static <T> List<T> rotated(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }

    private static String progress(int done, int planned, long t0) {
        long elapsed = (System.nanoTime() - t0) / 1_000_000_000L;
        long left = done == 0 ? 0 : elapsed * (planned - done) / done;
        return String.format("[%3d/%d %s, ~%s left]", done, planned, clock(elapsed), clock(left));
    }

    private static String clock(long seconds) {
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    private static String describe(RunRecord r, Settings s) {
        String head = String.format("%-22s %-28s run %d: ", r.server().label(), r.workload().label(), r.run());
        if (!r.ok()) {
            return head + "ERROR " + r.error();
        }
        return head + String.format("%,10.0f req/s  p99 %s  server %.2f cores  served %d/%d",
                r.rate(), Format.duration(r.p99Nanos()), r.serverCpuSeconds() / seconds(s.measure()),
                r.connectionsServed(), r.connections());
    }
}

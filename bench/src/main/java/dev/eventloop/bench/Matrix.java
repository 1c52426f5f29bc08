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
import picocli.CommandLine.Option;

/**
 * Runs the benchmark matrix, every server on every workload, and writes the report.
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Pmatrix} (see this module's
 * pom). Options, through {@code -Dbench.args="..."}:
 * <ul>
 *   <li>{@code --quick}: one short run per cell, written to {@code bench/target/benchmarks};
 *   <li>{@code --runs N}, {@code --warmup S}, {@code --measure S}: runs per cell, and seconds of
 *       warm-up and of measurement per run (default 3, 5 and 5; quick: 1, 1 and 1);
 *   <li>{@code --servers a,b}, {@code --workloads x,y}: a part of the matrix, by id (the servers
 *       by default: {@link ServerKind#standard}, every one but the two-loop variants);
 *   <li>{@code --threads N}: the load generator's threads (default 1);
 *   <li>{@code --timeout S}: how long a server may stay silent before a run fails (default 10);
 *   <li>{@code --out DIR}: where to write, relative to the repository root (default
 *       {@code docs/benchmarks}, or the quick one);
 *   <li>{@code --no-syscalls}: do not count the servers' system calls (by default {@code perf
 *       stat} counts them after each measured window, in a counting window of its own: see
 *       {@link SyscallCount}).
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
                    Duration timeout, int threads, boolean quick, boolean syscalls, Path root, Path out, String args) {

        /** The options, as picocli reads them; a missing one is {@code null} where quick mode changes its default. */
        static final class Options {
            @Option(names = "--root") Path root = Paths.get("..");
            @Option(names = "--quick") boolean quick;
            @Option(names = "--no-syscalls") boolean noSyscalls;
            @Option(names = "--runs") Integer runs;
            @Option(names = "--warmup") Double warmup;
            @Option(names = "--measure") Double measure;
            @Option(names = "--timeout") double timeout = 10;
            @Option(names = "--threads") int threads = 1;
            @Option(names = "--servers", split = ",") List<String> servers;
            @Option(names = "--workloads", split = ",") List<String> workloads;
            @Option(names = "--out") Path out;
        }

        static Settings parse(String... args) {
            Options o = CommandLineOptions.parse(new Options(), args);
            int runs = o.runs != null ? o.runs : o.quick ? 1 : 3;
            Duration warmup = seconds(o.warmup != null ? o.warmup : o.quick ? 1 : 5);
            Duration measure = seconds(o.measure != null ? o.measure : o.quick ? 1 : 5);
            List<ServerKind> servers = o.servers == null ? ServerKind.standard() : o.servers.stream().map(ServerKind::byId).toList();
            List<Workload> workloads = o.workloads == null ? Workload.STANDARD
                    : o.workloads.stream().map(Workload::byId).toList();
            Path out = o.out != null ? o.root.resolve(o.out) : o.quick ? o.root.resolve("bench").resolve("target").resolve("benchmarks")
                    : o.root.resolve("docs").resolve("benchmarks");
            return new Settings(servers, workloads, runs, warmup, measure, seconds(o.timeout), o.threads, o.quick,
                    !o.noSyscalls, o.root.toAbsolutePath().normalize(), out.toAbsolutePath().normalize(),
                    String.join(" ", CommandLineOptions.asGiven(args)));
        }

        /** How long the load goes on after the measured window while perf counts system calls. */
        Duration count() {
            return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(2);
        }

        /** The command that reproduces this matrix, with the JAVA_HOME it ran under if one was set. */
        String command() {
            return javaHomePrefix() + (args.isEmpty() ? COMMAND : COMMAND + " -Dbench.args=\"" + args + "\"");
        }

        /** A relative link from the output directory to {@code file} under the repository root. */
        String linkTo(String file) {
            return out.relativize(root.resolve(file)).toString().replace('\\', '/');
        }

        private static Duration seconds(double seconds) {
            return Duration.ofMillis(Math.round(seconds * 1000));
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

    /**
     * CPU seconds used so far, read at one moment: by the server process, by this load generator,
     * by the whole machine (-1 where unknown), and the server's part in the kernel (-1 where unknown).
     */
    record CpuReading(double server, double client, double machine, double serverKernel) {
        static CpuReading of(ServerProcess server) {
            Duration kernel = server.kernelCpuTime();
            return new CpuReading(seconds(server.cpuTime()), seconds(ServerProcess.cpuTimeOf(ProcessHandle.current())),
                    MachineInfo.machineBusySeconds(), kernel == null ? -1 : seconds(kernel));
        }

        /** The server's kernel seconds from {@code start} to this reading, or -1 if either is unknown. */
        double serverKernelSince(CpuReading start) {
            return start.serverKernel < 0 || serverKernel < 0 ? -1 : serverKernel - start.serverKernel;
        }

        /** What everything but the server and the load generator used since {@code start}, or -1 if unknown. */
        double otherSince(CpuReading start) {
            return start.machine < 0 ? -1 : Math.max(0, (machine - start.machine) - (server - start.server) - (client - start.client));
        }
    }

    /** What one run's listener records of its measured window. */
    private static final class Window {
        CpuReading start;
        CpuReading end;
        SyscallCount.Counting counting;
    }

    /** One run: a fresh server JVM, the load, the CPU readings, and the server stopped again. */
    static RunRecord runOnce(ServerKind kind, Workload w, int run, Settings s) {
        List<String> options = kind.timesOutIdleConnections() ? List.of("--idle-timeout", "600000") : List.of();
        try (ServerProcess server = ServerProcess.start(kind, options)) {
            Duration count = s.syscalls() ? s.count() : Duration.ZERO;
            LoadGenerator.Config config = new LoadGenerator.Config(new InetSocketAddress("127.0.0.1", server.port()),
                    w, s.warmup(), s.measure(), count, s.timeout(), s.threads());
            Window window = new Window();
            LoadGenerator.Result result = LoadGenerator.run(config, new LoadGenerator.Listener() {
                @Override
                public void measureStarted() {
                    window.start = CpuReading.of(server);
                }

                @Override
                public void measureEnded() {
                    window.end = CpuReading.of(server);
                    // perf counts for 3/4 of the counting window, so that its start-up stays inside
                    window.counting = s.syscalls() ? SyscallCount.start(server.pid(), count.multipliedBy(3).dividedBy(4)) : null;
                }
            });
            if (!server.isAlive()) {
                return RunRecord.failed(kind, w, run, "the server exited during the run: " + server.lastOutput());
            }
            SyscallCount syscalls = window.counting == null ? null : window.counting.finish(result.countedRate());
            Histogram h = result.latency();
            return new RunRecord(kind, w, run, result.rate(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue(), window.end.server() - window.start.server(),
                    window.end.serverKernelSince(window.start), window.end.client() - window.start.client(),
                    window.end.otherSince(window.start), result.connectionsServed(), result.connections(), null, syscalls);
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
        String head = String.format("%-26s %-28s run %d: ", r.server().label(), r.workload().label(), r.run());
        if (!r.ok()) {
            return head + "ERROR " + r.error();
        }
        double[] calls = r.syscallsPerRequest();
        return head + String.format("%,10.0f req/s  p99 %s  server %.2f cores  %s  served %d/%d",
                r.rate(), Format.duration(r.p99Nanos()), r.serverCpuSeconds() / seconds(s.measure()),
                calls == null ? "syscalls not counted" : String.format("%.2f syscalls/req", calls[0]),
                r.connectionsServed(), r.connections());
    }
}

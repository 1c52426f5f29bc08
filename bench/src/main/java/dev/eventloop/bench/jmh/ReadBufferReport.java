package dev.eventloop.bench.jmh;

import dev.eventloop.bench.CommandLineOptions;
import dev.eventloop.bench.MachineInfo;
import dev.eventloop.bench.MarkdownTable;
import dev.eventloop.bench.Matrix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Option;

/**
 * Runs {@link ReadBufferBenchmark} and writes its results as a Markdown table to
 * {@code docs/benchmarks/jmh-read-buffer.md}: nanoseconds per request for each strategy and
 * pipeline depth, and the bytes each strategy moves per request (counted, not timed).
 *
 * <p>Started by {@code ./mvnw -q -pl bench -am package -DskipTests -Pjmh}. Options, through
 * {@code -Dbench.args="..."}: {@code --quick} (fewer, shorter iterations, written to
 * {@code bench/target/benchmarks}), {@code --out DIR}.
 */
public final class ReadBufferReport {
    static final String COMMAND = "./mvnw -q -pl bench -am package -DskipTests -Pjmh";

    private ReadBufferReport() {
    }

    /** The options: {@code --quick}, {@code --out DIR}, and the {@code --root} the pom adds. */
    static final class Options {
        @Option(names = "--root") Path root = Paths.get("..");
        @Option(names = "--quick") boolean quick;
        @Option(names = "--out") Path out;
    }

    /** Runs the benchmark and writes the table. */
    public static void main(String[] args) throws Exception {
        Options o = CommandLineOptions.parse(new Options(), args);
        Path root = o.root;
        boolean quick = o.quick;
        Path out = o.out;
        List<String> shown = new ArrayList<>();
        if (quick) {
            shown.add("--quick");
        }
        if (out != null) {
            shown.add("--out " + out);
        }
        if (out == null) {
            out = quick ? root.resolve("bench").resolve("target").resolve("benchmarks") : root.resolve("docs").resolve("benchmarks");
        }
        ZonedDateTime started = ZonedDateTime.now();
        ChainedOptionsBuilder options = new OptionsBuilder().include(ReadBufferBenchmark.class.getName() + "\\.");
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        // depth -> [compact every request, deferred] in ns per batch, with the error
        Map<Integer, double[]> byDepth = new TreeMap<>();
        int size = 32;
        for (RunResult r : results) {
            int depth = Integer.parseInt(r.getParams().getParam("depth"));
            size = Integer.parseInt(r.getParams().getParam("size"));
            boolean deferred = r.getParams().getBenchmark().endsWith("deferredCompaction");
            double[] row = byDepth.computeIfAbsent(depth, d -> new double[4]);
            row[deferred ? 2 : 0] = r.getPrimaryResult().getScore();
            row[deferred ? 3 : 1] = r.getPrimaryResult().getScoreError();
        }

        StringBuilder md = new StringBuilder();
        md.append("# Read buffer: compact after every request, or defer it\n\n");
        md.append("<!-- Written by dev.eventloop.bench.jmh.ReadBufferReport: run the command below again rather than editing. -->\n\n");
        String page = out.toAbsolutePath().normalize().relativize(root.toAbsolutePath().normalize()
                .resolve("docs").resolve("08-measuring.md")).toString().replace('\\', '/');
        md.append("What this measures and why: [Measuring the servers](").append(page)
                .append("#the-read-buffer-under-jmh).\n\n");
        md.append("Measured ").append(started.withZoneSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append(" with:\n\n");
        md.append("```\n").append(Matrix.javaHomePrefix()).append(COMMAND).append(shown.isEmpty() ? "" : " -Dbench.args=\"" + String.join(" ", shown) + "\"")
                .append("\n```\n\n");
        md.append("on ").append(MachineInfo.machine()).append("; ").append(MachineInfo.jdk()).append(".\n\n");
        md.append(String.format(Locale.ROOT, "Each row: a batch of D requests of %d bytes through a 4,100-byte read"
                + " buffer (JMH average time, %s). Time per request is the batch's time divided by D, with JMH's"
                + " 99.9%% error; bytes moved are counted by running the model once.%n%n",
                size, quick ? "quick mode: 1 warm-up and 2 measured iterations of 0.5 s" : "3 warm-up and 5 measured iterations of 1 s, 1 fork"));
        MarkdownTable table = MarkdownTable.of("pipeline depth D", "compact every request", "deferred compaction",
                "speed-up", "bytes moved per request: every request / deferred").firstColumnRightAligned();
        for (Map.Entry<Integer, double[]> e : byDepth.entrySet()) {
            int d = e.getKey();
            double[] v = e.getValue();
            long[] moved = bytesMovedPerBatch(d, size);
            table.row(d, perRequest(v[0], v[1], d), perRequest(v[2], v[3], d), String.format(Locale.ROOT, "%.2fx", v[0] / v[2]),
                    String.format(Locale.ROOT, "%.1f / %.1f", moved[0] / (double) d, moved[1] / (double) d));
        }
        md.append(table);
        Files.createDirectories(out);
        Path file = out.resolve("jmh-read-buffer.md");
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(md);
        System.out.println("Wrote " + file.toAbsolutePath().normalize());
    }

    /** A batch's score and error as nanoseconds per request; the error only where JMH could compute one. */
    private static String perRequest(double score, double error, int depth) {
        String s = String.format(Locale.ROOT, "%.1f ns", score / depth);
        return Double.isFinite(error) ? String.format(Locale.ROOT, "%.1f ± %.1f ns", score / depth, error / depth) : s;
    }

    /** Bytes each strategy moves for one batch, after a first batch has warmed the buffer up. */
    static long[] bytesMovedPerBatch(int depth, int size) {
        java.nio.ByteBuffer batch = ReadBufferModel.batch(depth, size);
        ReadBufferModel[] models = {new ReadBufferModel.CompactEveryRequest(), new ReadBufferModel.DeferredCompaction()};
        long[] moved = new long[2];
        for (int i = 0; i < 2; i++) {
            models[i].feed(batch);
            long before = models[i].bytesMoved();
            models[i].feed(batch);
            moved[i] = models[i].bytesMoved() - before;
        }
        return moved;
    }
}

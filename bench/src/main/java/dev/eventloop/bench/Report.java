package dev.eventloop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Writes what a matrix measured: {@code results.md} (the tables, the machine, the command),
 * {@code results.csv} (one row per cell: the medians) and {@code runs.csv} (one row per run).
 */
final class Report {
    /** A target the course sets itself: {@code server} at least {@code factor} times {@code baseline} on {@code workload}. */
    record Target(ServerKind server, ServerKind baseline, String workload, double factor) {
    }

    /** The ratios the course aims for. */
    static final List<Target> TARGETS = List.of(
            new Target(ServerKind.SOLUTIONS, ServerKind.NETTY, "c50-d1", 1.0),
            new Target(ServerKind.SOLUTIONS, ServerKind.NETTY, "c50-d32", 1.0),
            new Target(ServerKind.SOLUTIONS, ServerKind.CHAPTER06, "c10-idle5000", 10.0),
            new Target(ServerKind.SOLUTIONS, ServerKind.CHAPTER06, "c50-d32", 5.0));

    private final Matrix.Settings settings;
    private final List<Cell> cells;
    private final ZonedDateTime started;

    Report(Matrix.Settings settings, List<Cell> cells, ZonedDateTime started) {
        this.settings = settings;
        this.cells = cells;
        this.started = started;
    }

    void write() throws IOException {
        Files.writeString(settings.out().resolve("results.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(settings.out().resolve("results.csv"), cellsCsv(), StandardCharsets.UTF_8);
        Files.writeString(settings.out().resolve("runs.csv"), runsCsv(), StandardCharsets.UTF_8);
    }

    /** The targets and errors, for the console. */
    String summary() {
        StringBuilder sb = new StringBuilder("Targets:\n");
        for (String line : targetLines()) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    private List<String> targetLines() {
        List<String> lines = new ArrayList<>();
        for (Target t : TARGETS) {
            Cell a = find(t.server(), t.workload());
            Cell b = find(t.baseline(), t.workload());
            String name = t.server().label() + " / " + t.baseline().label() + " on " + workloadLabel(t.workload());
            if (a == null || b == null || !a.hasFigures() || !b.hasFigures()) {
                lines.add(name + ": not measured");
                continue;
            }
            double ratio = a.median(RunRecord::rate) / b.median(RunRecord::rate);
            lines.add(String.format(Locale.ROOT, "%s: %.2fx (target %.1fx): %s", name, ratio, t.factor(),
                    ratio >= t.factor() ? "met" : "MISSED"));
        }
        return lines;
    }

    private String workloadLabel(String id) {
        return settings.workloads().stream().filter(w -> w.id().equals(id)).map(Workload::label).findFirst().orElse(id);
    }

    private Cell find(ServerKind k, String workloadId) {
        return cells.stream().filter(c -> c.server() == k && c.workload().id().equals(workloadId)).findFirst().orElse(null);
    }

    private Cell find(ServerKind k, Workload w) {
        return find(k, w.id());
    }

    String markdown() {
        double measure = settings.measure().toNanos() / 1e9;
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("<!-- Written by dev.eventloop.bench.Matrix: run the command below again rather than editing. -->\n\n");
        md.append("What these numbers mean, and what they do not: [Measuring the servers](")
                .append(settings.linkTo("docs/08-measuring.md")).append(").\n\n");
        md.append("Measured ").append(started.withZoneSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append(" with:\n\n");
        md.append("```\n").append(settings.command()).append("\n```\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| machine | ").append(MachineInfo.machine()).append(" |\n");
        md.append("| JDK | ").append(MachineInfo.jdk()).append(", default JVM options for every server |\n");
        md.append(String.format(Locale.ROOT, "| runs | %d per cell, interleaved across servers; each a fresh server JVM,"
                        + " %.1f s warm-up, %.1f s measured; the tables show the median run |\n",
                settings.runs(), settings.warmup().toMillis() / 1000.0, measure));
        md.append("| load generator | ").append(settings.threads()).append(settings.threads() == 1 ? " thread" : " threads")
                .append(" in its own JVM on the same machine, over loopback (127.0.0.1); every response byte checked |\n\n");
        md.append("![Throughput of each server on each workload, log scale](throughput.png)\n\n");

        md.append("## Throughput\n\n");
        md.append("Requests per second, each one echoed and checked; median of the runs");
        md.append(settings.runs() > 1 ? ", ± half the distance between the slowest and the fastest run, as a share of"
                + " the median.\n\n" : ".\n\n");
        table(md, c -> {
            String v = String.format(Locale.ROOT, "%,.0f", c.median(RunRecord::rate));
            if (c.runs().size() > 1) {
                double[] r = c.range(RunRecord::rate);
                v += String.format(Locale.ROOT, " ±%.0f%%", 50 * (r[1] - r[0]) / c.median(RunRecord::rate));
            }
            return v;
        });

        md.append("## Latency\n\n");
        md.append("Time from sending a batch of D requests to having all D responses: p50 / p99 / p99.9, and the"
                + " slowest. Batches that were in flight when the measured window closed are included: for"
                + " chapter 4 they are the connections that waited the whole run.\n\n");
        table(md, c -> Format.duration(c.median(RunRecord::p50Nanos)) + " / " + Format.duration(c.median(RunRecord::p99Nanos))
                + " / " + Format.duration(c.median(RunRecord::p999Nanos)) + " (max " + Format.duration(c.median(RunRecord::maxNanos)) + ")");

        md.append("## Server CPU\n\n");
        md.append(String.format(Locale.ROOT, "CPU time the server process used in the %.1f s window, all its threads:"
                + " in cores busy (CPU seconds per second), and in microseconds per request.\n\n", measure));
        table(md, c -> String.format(Locale.ROOT, "%.2f cores, %.1f µs/req", c.median(RunRecord::serverCpuSeconds) / measure,
                c.median(r -> r.serverCpuMicrosPerRequest(measure))));

        md.append("## Connections served\n\n");
        md.append("Active connections that completed at least one batch inside the measured window.\n\n");
        table(md, c -> String.format(Locale.ROOT, "%.0f of %d", c.median(RunRecord::connectionsServed), c.workload().connections()));

        md.append("## Targets\n\n");
        md.append("Throughput ratios set as targets for the course's solution. The last column compares what the two"
                + " servers' own CPU spent per request (baseline divided by solutions): where the load generator, not the"
                + " server, sets the pace, that ratio shows the difference the throughput cannot.\n\n");
        md.append("| ratio of median throughputs | measured | target | | server CPU per request, ratio |\n|---|--:|--:|---|--:|\n");
        for (Target t : TARGETS) {
            Cell a = find(t.server(), t.workload());
            Cell b = find(t.baseline(), t.workload());
            String name = t.server().label() + " / " + t.baseline().label() + ", " + workloadLabel(t.workload());
            if (a == null || b == null || !a.hasFigures() || !b.hasFigures()) {
                md.append("| ").append(name).append(" | not measured | | | |\n");
                continue;
            }
            double ratio = a.median(RunRecord::rate) / b.median(RunRecord::rate);
            double cpuRatio = b.median(r -> r.serverCpuMicrosPerRequest(measure)) / a.median(r -> r.serverCpuMicrosPerRequest(measure));
            md.append(String.format(Locale.ROOT, "| %s | %.2fx | %.1fx | %s | %.1fx |%n", name, ratio, t.factor(),
                    ratio >= t.factor() ? "met" : "**missed**", cpuRatio));
        }
        md.append('\n');

        md.append("## Notes\n\n");
        for (String note : notes(measure)) {
            md.append("- ").append(note).append('\n');
        }
        return md.toString();
    }

    private List<String> notes(double measure) {
        List<String> notes = new ArrayList<>();
        long failed = cells.stream().filter(c -> c.error() != null).count();
        notes.add(failed == 0 ? "No errors: every run of every measured cell checked every response byte, and every"
                + " idle connection answered its echoes at the start and at the end."
                : "**" + failed + " cell(s) had errors**, shown as ERROR in the tables:");
        for (Cell c : cells) {
            if (c.error() != null) {
                notes.add("ERROR, " + c.server().label() + " on " + c.workload().label() + ": " + c.error());
            }
        }
        List<String> reasons = new ArrayList<>();
        for (Cell c : cells) {
            if (c.notRun() != null && !reasons.contains(c.notRun())) {
                reasons.add(c.notRun());
                notes.add(c.server().label() + " on " + c.workload().label() + ", " + c.notRun() + ".");
            }
        }
        for (Cell c : cells) {
            if (c.server() == ServerKind.CHAPTER04 && c.hasFigures() && c.workload().connections() > 1) {
                notes.add(String.format(Locale.ROOT, "%s on %s served %.0f of its %d connections: the others sat in the"
                                + " accept queue, their first batch unanswered, until the measured window closed and"
                                + " the served connection left. Its throughput is one connection's.",
                        c.server().label(), c.workload().label(), c.median(RunRecord::connectionsServed),
                        c.workload().connections()));
            }
        }
        double[] other = cells.stream().flatMap(c -> c.runs().stream()).filter(RunRecord::ok)
                .mapToDouble(RunRecord::otherCpuSeconds).filter(v -> v >= 0).sorted().toArray();
        if (other.length > 0) {
            double median = other[other.length / 2] / measure;
            double max = other[other.length - 1] / measure;
            if (max >= 0.2) {
                notes.add(String.format(Locale.ROOT, "**The machine was shared.** Besides the server and the load"
                                + " generator, other processes kept %.2f cores busy during the median measured window,"
                                + " and up to %.2f in the worst (from /proc/stat). Numbers from those runs are low and"
                                + " noisy; the interleaving spreads that over all servers alike.", median, max));
            } else {
                notes.add(String.format(Locale.ROOT, "The machine was otherwise quiet: other processes used at most"
                        + " %.2f cores during any measured window (from /proc/stat).", max));
            }
        }
        List<String> stalled = new ArrayList<>();
        for (Cell c : cells) {
            double p50 = c.hasFigures() ? c.median(RunRecord::p50Nanos) : 0;
            if (p50 >= 35e6 && p50 <= 60e6 && c.median(RunRecord::serverCpuSeconds) / measure < 0.2) {
                stalled.add(c.server().label() + " on " + c.workload().label());
            }
        }
        if (!stalled.isEmpty()) {
            // the signature of Nagle's algorithm meeting delayed ACKs: waiting, not computing
            notes.add("A batch took about 40 ms with an idle server in: " + String.join("; ", stalled) + ". That is"
                    + " not slow code: a server that writes one response at a time without TCP_NODELAY has each"
                    + " small write held back until the client's delayed ACK. The measuring page explains it.");
        }
        notes.add("The server and the load generator share the machine's " + MachineInfo.cores()
                + " cores: a server that needs less CPU per request leaves more to the load generator, which"
                + " shows up as throughput.");
        return notes;
    }

    /** Appends a table: one row per server, one column per workload, {@code figure} in each cell. */
    private void table(StringBuilder md, Function<Cell, String> figure) {
        md.append("| server |");
        for (Workload w : settings.workloads()) {
            md.append(' ').append(w.label()).append(" |");
        }
        md.append("\n|---|");
        md.append("--:|".repeat(settings.workloads().size()));
        md.append('\n');
        for (ServerKind k : settings.servers()) {
            md.append("| ").append(k.label()).append(" |");
            for (Workload w : settings.workloads()) {
                Cell c = find(k, w);
                String v;
                if (c == null) {
                    v = "";
                } else if (c.notRun() != null) {
                    v = c.notRun().startsWith("n/a") ? "n/a" : "skipped";
                } else if (c.error() != null) {
                    v = "ERROR";
                } else if (c.runs().isEmpty()) {
                    v = "";
                } else {
                    v = figure.apply(c);
                }
                md.append(' ').append(v).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private String cellsCsv() {
        double measure = settings.measure().toNanos() / 1e9;
        StringBuilder csv = new StringBuilder("workload,connections,depth,size,idle,server,status,runs,requests_per_s,"
                + "p50_us,p99_us,p999_us,max_us,server_cpu_s,server_cpu_us_per_req,connections_served,note\n");
        for (Workload w : settings.workloads()) {
            for (ServerKind k : settings.servers()) {
                Cell c = find(k, w);
                if (c == null) {
                    continue;
                }
                String status = c.notRun() != null ? (c.notRun().startsWith("n/a") ? "n/a" : "skipped")
                        : c.error() != null ? "error" : "ok";
                csv.append(String.join(",", w.id(), i(w.connections()), i(w.depth()), i(w.size()), i(w.idle()),
                        k.id(), status, i(c.runs().size())));
                if (c.hasFigures()) {
                    csv.append(',').append(String.join(",",
                            f(c.median(RunRecord::rate), 0), micros(c, RunRecord::p50Nanos), micros(c, RunRecord::p99Nanos),
                            micros(c, RunRecord::p999Nanos), micros(c, RunRecord::maxNanos),
                            f(c.median(RunRecord::serverCpuSeconds), 3),
                            f(c.median(r -> r.serverCpuMicrosPerRequest(measure)), 2),
                            f(c.median(RunRecord::connectionsServed), 0)));
                } else {
                    csv.append(",,,,,,,,");
                }
                String note = c.notRun() != null ? c.notRun() : c.error() != null ? c.error() : "";
                csv.append(',').append(quote(note)).append('\n');
            }
        }
        return csv.toString();
    }

    private String runsCsv() {
        StringBuilder csv = new StringBuilder("workload,server,run,requests_per_s,p50_us,p99_us,p999_us,max_us,"
                + "server_cpu_s,client_cpu_s,other_cpu_s,connections_served,connections,error\n");
        for (Cell c : cells) {
            for (RunRecord r : c.runs()) {
                csv.append(String.join(",", r.workload().id(), r.server().id(), i(r.run()), f(r.rate(), 0),
                        f(r.p50Nanos() / 1e3, 1), f(r.p99Nanos() / 1e3, 1), f(r.p999Nanos() / 1e3, 1),
                        f(r.maxNanos() / 1e3, 1), f(r.serverCpuSeconds(), 3), f(r.clientCpuSeconds(), 3),
                        f(r.otherCpuSeconds(), 3), i(r.connectionsServed()), i(r.connections()),
                        quote(r.error() == null ? "" : r.error()))).append('\n');
            }
        }
        return csv.toString();
    }

    private static String micros(Cell c, ToDoubleFunction<RunRecord> nanos) {
        return f(c.median(nanos) / 1e3, 1);
    }

    private static String i(long v) {
        return Long.toString(v);
    }

    private static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String quote(String s) {
        return s.isEmpty() ? "" : "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }
}

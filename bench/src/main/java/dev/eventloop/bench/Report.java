package dev.eventloop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes what a matrix measured: {@code results.md} (the tables, the machine, the command),
 * {@code results.csv} (one row per cell: the medians) and {@code runs.csv} (one row per run).
 */
final class Report {
    /** A target the course sets itself: {@code server} at least {@code factor} times {@code baseline} on {@code workload}. */
    record Target(ServerKind server, ServerKind baseline, String workload, double factor) {
        /** Whether a measured ratio of median throughputs, server over baseline, meets it. */
        boolean metBy(double ratio) {
            return ratio >= factor;
        }
    }

    /** A ceiling the course sets itself: {@code server} makes at most {@code max} system calls per request on {@code workload}. */
    record SyscallTarget(ServerKind server, String workload, double max) {
        /** Whether a measured number of system calls per request meets it; a count that was not made does not. */
        boolean metBy(double calls) {
            return calls <= max;
        }
    }

    /** Two servers set side by side where the matrix ran both: {@code server} over {@code baseline}. */
    record Comparison(ServerKind server, ServerKind baseline) {
    }

    /**
     * What a second loop does, shown when the matrix ran a two-loop server: each two-loop server
     * over its one loop, then the course's server over Netty with two loops and with one.
     */
    static final List<Comparison> LOOP_COMPARISONS = List.of(
            new Comparison(ServerKind.SOLUTIONS_2LOOPS, ServerKind.SOLUTIONS),
            new Comparison(ServerKind.NETTY_2LOOPS, ServerKind.NETTY),
            new Comparison(ServerKind.SOLUTIONS_2LOOPS, ServerKind.NETTY_2LOOPS),
            new Comparison(ServerKind.SOLUTIONS, ServerKind.NETTY));

    /**
     * One request at a time on one connection: the loopback round trip bounds every server, so
     * "as fast" means within 5%.
     */
    private static final String ONE_AT_A_TIME = "c1-d1";

    /** The ratios the course aims for. */
    static final List<Target> TARGETS = targets();

    /** The system calls the course aims for. */
    static final List<SyscallTarget> SYSCALL_TARGETS = List.of(new SyscallTarget(ServerKind.SOLUTIONS, "c50-d32", 0.1));

    private static List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(ServerKind.SOLUTIONS, ServerKind.NETTY, "c50-d1", 1.1));
        targets.add(new Target(ServerKind.SOLUTIONS, ServerKind.NETTY, "c50-d32", 1.1));
        targets.add(new Target(ServerKind.SOLUTIONS, ServerKind.CHAPTER06, Workload.IDLE.id(), 10.0));
        targets.add(new Target(ServerKind.SOLUTIONS, ServerKind.CHAPTER06, "c50-d32", 5.0));
        for (ServerKind baseline : List.of(ServerKind.NETTY, ServerKind.VIRTUAL_THREADS)) {
            for (Workload w : Workload.STANDARD) {
                targets.add(new Target(ServerKind.SOLUTIONS_64K, baseline, w.id(), w.id().equals(ONE_AT_A_TIME) ? 0.95 : 1.0));
            }
        }
        return List.copyOf(targets);
    }

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

    /** The targets of the servers and workloads this matrix ran, for the console. */
    String summary() {
        List<String> lines = targetLines();
        if (lines.isEmpty()) {
            return "Targets: none for these servers and workloads\n";
        }
        StringBuilder sb = new StringBuilder("Targets:\n");
        for (String line : lines) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    private List<String> targetLines() {
        List<String> lines = new ArrayList<>();
        for (Target t : targetsRun()) {
            String name = t.server().label() + " / " + t.baseline().label() + " on " + workloadLabel(t.workload());
            String notMeasured = notMeasured(t);
            if (notMeasured != null) {
                lines.add(name + ": " + notMeasured);
                continue;
            }
            double ratio = ratio(find(t.server(), t.workload()), find(t.baseline(), t.workload()));
            lines.add(String.format(Locale.ROOT, "%s: %.2fx (target %.2fx): %s", name, ratio, t.factor(),
                    t.metBy(ratio) ? "met" : "MISSED"));
        }
        for (SyscallTarget t : ceilingsRun()) {
            String name = t.server().label() + " system calls per request on " + workloadLabel(t.workload());
            double calls = syscallsPerRequest(find(t.server(), t.workload()));
            lines.add(Double.isNaN(calls) ? name + ": not counted" : String.format(Locale.ROOT,
                    "%s: %.3f (target at most %.2f): %s", name, calls, t.max(), t.metBy(calls) ? "met" : "MISSED"));
        }
        return lines;
    }

    /** Why a target has no ratio: "not measured", or "n/a" for a baseline this JDK cannot run; {@code null} if it has one. */
    private String notMeasured(Target t) {
        Cell a = find(t.server(), t.workload());
        Cell b = find(t.baseline(), t.workload());
        if (b != null && b.notRun() != null && b.notRun().startsWith("skipped")) {
            return "n/a on this JDK (" + b.notRun().substring("skipped: ".length()) + ")";
        }
        return a == null || b == null || !a.hasFigures() || !b.hasFigures() ? "not measured" : null;
    }

    /** The targets of the servers and workloads this matrix ran: the others have nothing to say here. */
    private List<Target> targetsRun() {
        return TARGETS.stream().filter(t -> ran(t.server()) && ran(t.baseline()) && ran(t.workload())).toList();
    }

    /** The system-call ceilings of the servers and workloads this matrix ran. */
    private List<SyscallTarget> ceilingsRun() {
        return SYSCALL_TARGETS.stream().filter(t -> ran(t.server()) && ran(t.workload())).toList();
    }

    /** The loop comparisons whose two servers this matrix ran; none unless it ran a two-loop server. */
    private List<Comparison> loopComparisons() {
        if (settings.servers().stream().noneMatch(k -> k.oneLoop() != null)) {
            return List.of();
        }
        return LOOP_COMPARISONS.stream().filter(c -> ran(c.server()) && ran(c.baseline())).toList();
    }

    private boolean ran(ServerKind k) {
        return settings.servers().contains(k);
    }

    private boolean ran(String workloadId) {
        return settings.workloads().stream().anyMatch(w -> w.id().equals(workloadId));
    }

    /** The ratio of two cells' median throughputs: {@code server} over {@code baseline}. */
    static double ratio(Cell server, Cell baseline) {
        return ratio(server, baseline, RunRecord::rate);
    }

    /** The ratio of two cells' medians of {@code figure}: {@code server} over {@code baseline}. */
    static double ratio(Cell server, Cell baseline, ToDoubleFunction<RunRecord> figure) {
        return server.median(figure) / baseline.median(figure);
    }

    /** The median of the runs' system calls per request, or NaN if a run was not counted. */
    private static double syscallsPerRequest(Cell c) {
        return syscalls(c, 0);
    }

    /** The median of one of {@link RunRecord#syscallsPerRequest}'s figures, or NaN if a run was not counted. */
    private static double syscalls(Cell c, int which) {
        if (c == null || !c.hasFigures() || c.runs().stream().anyMatch(r -> r.syscalls() == null)) {
            return Double.NaN;
        }
        return c.median(r -> r.syscallsPerRequest()[which]);
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
        String page = settings.linkTo("docs/08-measuring.md");
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append("<!-- Written by dev.eventloop.bench.Matrix: run the command below again rather than editing. -->\n\n");
        md.append("What these numbers mean, and what they do not: [Measuring the servers](").append(page).append(").\n\n");
        md.append("Measured ").append(started.withZoneSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append(" with:\n\n");
        md.append("```\n").append(settings.command()).append("\n```\n\n");
        md.append(MarkdownTable.of("", "").leftAligned(1)
                .row("machine", MachineInfo.machine())
                .row("JDK", MachineInfo.jdk() + ", default JVM options for every server")
                .row("runs", String.format(Locale.ROOT, "%d per cell, interleaved across servers; each a fresh server JVM,"
                        + " %.1f s warm-up, %.1f s measured; the tables show the median run", settings.runs(),
                        settings.warmup().toMillis() / 1000.0, measure))
                .row("load generator", settings.threads() + (settings.threads() == 1 ? " thread" : " threads")
                        + " in its own JVM on the same machine, over loopback (127.0.0.1); every response byte checked"));
        md.append("\n![Throughput of each server on each workload, log scale](throughput.png)\n\n");

        section(md, "Throughput", "Requests per second, each one echoed and checked; median of the runs"
                + (settings.runs() > 1 ? ", ± half the distance between the slowest and the fastest run, as a share of"
                + " the median." : "."), c -> {
                    String v = String.format(Locale.ROOT, "%,.0f", c.median(RunRecord::rate));
                    if (c.runs().size() > 1) {
                        double[] r = c.range(RunRecord::rate);
                        v += String.format(Locale.ROOT, " ±%.0f%%", 50 * (r[1] - r[0]) / c.median(RunRecord::rate));
                    }
                    return v;
                });
        section(md, "Latency", "Time from sending a batch of D requests to having all D responses: p50 / p99 / p99.9,"
                + " and the slowest. Batches still in flight when the measured window closed count too.",
                c -> Format.duration(c.median(RunRecord::p50Nanos)) + " / " + Format.duration(c.median(RunRecord::p99Nanos))
                        + " / " + Format.duration(c.median(RunRecord::p999Nanos)) + " (max "
                        + Format.duration(c.median(RunRecord::maxNanos)) + ")");
        section(md, "Server CPU", String.format(Locale.ROOT, "The server process's CPU time in the %.1f s window, all its"
                + " threads: cores busy, the kernel's share of it, and microseconds per request.", measure),
                c -> String.format(Locale.ROOT, "%.2f cores, %s kernel, %.1f µs/req", c.median(RunRecord::serverCpuSeconds)
                        / measure, kernelShare(c), c.median(r -> r.serverCpuMicrosPerRequest(measure))));
        section(md, "Load generator CPU", String.format(Locale.ROOT, "The load generator's CPU time in the same window,"
                + " in cores busy, out of the %d it shares with the server.", MachineInfo.cores()),
                c -> String.format(Locale.ROOT, "%.2f cores", c.median(RunRecord::clientCpuSeconds) / measure));
        section(md, "System calls per request", String.format(Locale.ROOT, "All of them, then `read`, `write` and `writev`,"
                + " and waits for readiness, counted by `perf stat` for three quarters of %.1f s of load after the"
                + " measured window ([how](%s#counting-system-calls)).", settings.count().toMillis() / 1000.0, page),
                c -> Double.isNaN(syscallsPerRequest(c)) ? "not counted" : String.format(Locale.ROOT,
                        "%s (read %s, write %s, wait %s)", calls(syscalls(c, 0)), calls(syscalls(c, 1)),
                        calls(syscalls(c, 2)), calls(syscalls(c, 3))));
        section(md, "Connections served", "Active connections that completed at least one batch inside the measured"
                + " window.", c -> String.format(Locale.ROOT, "%.0f of %d", c.median(RunRecord::connectionsServed),
                c.workload().connections()));

        List<Comparison> comparisons = loopComparisons();
        if (!comparisons.isEmpty()) {
            loopsSection(md, comparisons);
        }
        List<Target> targets = targetsRun();
        List<SyscallTarget> ceilings = ceilingsRun();
        if (!targets.isEmpty() || !ceilings.isEmpty()) {
            targetsSection(md, page, measure, targets, ceilings);
        }

        md.append("## Notes\n\n");
        for (String note : notes(measure)) {
            md.append("- ").append(note).append('\n');
        }
        return md.toString();
    }

    /** The two-loop servers against their one loop and against each other: one row per comparison, one column per workload. */
    private void loopsSection(StringBuilder md, List<Comparison> comparisons) {
        md.append("## Two loops\n\n");
        md.append("Ratios of the median runs above, one server over another: requests per second, then p50 and p99"
                + " latency (below 1x, the first server's batches waited less).\n\n");
        List<String> header = new ArrayList<>(List.of("ratio"));
        settings.workloads().forEach(w -> header.add(w.label()));
        MarkdownTable table = MarkdownTable.of(header);
        for (Comparison comparison : comparisons) {
            List<String> row = new ArrayList<>(List.of(comparison.server().label() + " / " + comparison.baseline().label()));
            for (Workload w : settings.workloads()) {
                Cell a = find(comparison.server(), w);
                Cell b = find(comparison.baseline(), w);
                row.add(!a.hasFigures() || !b.hasFigures() ? "not measured" : String.format(Locale.ROOT,
                        "%.2fx; p50 %.2fx, p99 %.2fx", ratio(a, b), ratio(a, b, RunRecord::p50Nanos),
                        ratio(a, b, RunRecord::p99Nanos)));
            }
            table.row(row);
        }
        md.append(table).append('\n');
    }

    /** The targets this matrix can judge: throughput ratios, then system-call ceilings. */
    private void targetsSection(StringBuilder md, String page, double measure, List<Target> targets,
            List<SyscallTarget> ceilingTargets) {
        md.append("## Targets\n\n");
        md.append("Throughput ratios the course sets for its solution ([one by one](").append(page)
                .append("#the-targets-one-by-one)); the CPU column divides what the baseline's own CPU spent per"
                + " request by what the solution's did.\n\n");
        MarkdownTable ratios = MarkdownTable.of("ratio of median throughputs", "measured", "target", "",
                "server CPU per request, ratio", "system calls per request").leftAligned(3);
        for (Target t : targets) {
            String name = t.server().label() + " / " + t.baseline().label() + ", " + workloadLabel(t.workload());
            String notMeasured = notMeasured(t);
            if (notMeasured != null) {
                ratios.row(name, notMeasured);
                continue;
            }
            Cell a = find(t.server(), t.workload());
            Cell b = find(t.baseline(), t.workload());
            double ratio = ratio(a, b);
            double cpuRatio = b.median(r -> r.serverCpuMicrosPerRequest(measure)) / a.median(r -> r.serverCpuMicrosPerRequest(measure));
            ratios.row(name, String.format(Locale.ROOT, "%.2fx", ratio), String.format(Locale.ROOT, "%.2fx", t.factor()),
                    t.metBy(ratio) ? "met" : "**missed**", String.format(Locale.ROOT, "%.1fx", cpuRatio),
                    calls(syscallsPerRequest(a)) + " against " + calls(syscallsPerRequest(b)));
        }
        if (!targets.isEmpty()) {
            md.append(ratios).append('\n');
        }
        MarkdownTable ceilings = MarkdownTable.of("system calls per request", "measured", "target", "").leftAligned(3);
        for (SyscallTarget t : ceilingTargets) {
            double calls = syscallsPerRequest(find(t.server(), t.workload()));
            ceilings.row(t.server().label() + ", " + workloadLabel(t.workload()), calls(calls),
                    String.format(Locale.ROOT, "at most %.2f", t.max()),
                    Double.isNaN(calls) ? "not counted" : t.metBy(calls) ? "met" : "**missed**");
        }
        if (!ceilingTargets.isEmpty()) {
            md.append(ceilings).append('\n');
        }
    }

    /** A section: its title, what its figures are, and a table of them, one row per server, one column per workload. */
    private void section(StringBuilder md, String title, String intro, Function<Cell, String> figure) {
        md.append("## ").append(title).append("\n\n").append(intro).append("\n\n");
        List<String> header = new ArrayList<>(List.of("server"));
        settings.workloads().forEach(w -> header.add(w.label()));
        MarkdownTable table = MarkdownTable.of(header);
        for (ServerKind k : settings.servers()) {
            List<String> row = new ArrayList<>(List.of(k.label()));
            for (Workload w : settings.workloads()) {
                Cell c = find(k, w);
                if (c == null || (c.notRun() == null && c.error() == null && c.runs().isEmpty())) {
                    row.add("");
                } else if (c.notRun() != null) {
                    row.add(c.notRun().startsWith("n/a") ? "n/a" : "skipped");
                } else {
                    row.add(c.error() != null ? "ERROR" : figure.apply(c));
                }
            }
            table.row(row);
        }
        md.append(table).append('\n');
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
        List<String> uncounted = cells.stream()
                .filter(c -> c.hasFigures() && Double.isNaN(syscallsPerRequest(c)))
                .map(c -> c.server().label() + " on " + c.workload().label()).toList();
        if (settings.syscalls() && !uncounted.isEmpty()) {
            notes.add("perf did not count the system calls of: " + String.join("; ", uncounted) + ". perf opens one"
                    + " counter per thread and event: a server with a thread per connection has more threads than"
                    + " perf may open descriptors for, and perf may be missing or not allowed to read tracepoints.");
        }
        notes.add("The server and the load generator share the machine's " + MachineInfo.cores()
                + " cores: a server that needs less CPU per request leaves more to the load generator, which"
                + " shows up as throughput.");
        return notes;
    }

    /** Rows of {@code header.length} values as CSV, quoted where a value needs it. */
    private static String csv(String[] header, List<List<String>> rows) throws IOException {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator('\n').get().print(out)) {
            printer.printRecords(rows);
        }
        return out.toString();
    }

    private String cellsCsv() throws IOException {
        double measure = settings.measure().toNanos() / 1e9;
        List<List<String>> rows = new ArrayList<>();
        for (Workload w : settings.workloads()) {
            for (ServerKind k : settings.servers()) {
                Cell c = find(k, w);
                if (c == null) {
                    continue;
                }
                String status = c.notRun() != null ? (c.notRun().startsWith("n/a") ? "n/a" : "skipped")
                        : c.error() != null ? "error" : "ok";
                List<String> row = new ArrayList<>(List.of(w.id(), i(w.connections()), i(w.depth()), i(w.size()),
                        i(w.idle()), k.id(), status, i(c.runs().size())));
                if (c.hasFigures()) {
                    row.addAll(List.of(f(c.median(RunRecord::rate), 0), micros(c, RunRecord::p50Nanos),
                            micros(c, RunRecord::p99Nanos), micros(c, RunRecord::p999Nanos), micros(c, RunRecord::maxNanos),
                            f(c.median(RunRecord::serverCpuSeconds), 3), f(c.median(RunRecord::serverKernelSeconds), 3),
                            f(c.median(r -> r.serverCpuMicrosPerRequest(measure)), 2),
                            f(c.median(RunRecord::connectionsServed), 0),
                            f(syscalls(c, 0), 4), f(syscalls(c, 1), 4), f(syscalls(c, 2), 4), f(syscalls(c, 3), 4)));
                } else {
                    row.addAll(Collections.nCopies(13, ""));
                }
                row.add(c.notRun() != null ? c.notRun() : c.error() != null ? c.error() : "");
                rows.add(row);
            }
        }
        return csv(new String[] {"workload", "connections", "depth", "size", "idle", "server", "status", "runs",
            "requests_per_s", "p50_us", "p99_us", "p999_us", "max_us", "server_cpu_s", "server_kernel_s", "server_cpu_us_per_req",
            "connections_served", "syscalls_per_req", "reads_per_req", "writes_per_req", "waits_per_req", "note"}, rows);
    }

    private String runsCsv() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Cell c : cells) {
            for (RunRecord r : c.runs()) {
                SyscallCount calls = r.syscalls();
                rows.add(List.of(r.workload().id(), r.server().id(), i(r.run()), f(r.rate(), 0),
                        f(r.p50Nanos() / 1e3, 1), f(r.p99Nanos() / 1e3, 1), f(r.p999Nanos() / 1e3, 1),
                        f(r.maxNanos() / 1e3, 1), f(r.serverCpuSeconds(), 3), f(r.serverKernelSeconds(), 3),
                        f(r.clientCpuSeconds(), 3),
                        f(r.otherCpuSeconds(), 3), i(r.connectionsServed()), i(r.connections()),
                        calls == null ? "" : i(calls.total()), calls == null ? "" : i(calls.reads()),
                        calls == null ? "" : i(calls.writes()), calls == null ? "" : i(calls.waits()),
                        calls == null ? "" : f(calls.requests(), 0), r.error() == null ? "" : r.error()));
            }
        }
        return csv(new String[] {"workload", "server", "run", "requests_per_s", "p50_us", "p99_us", "p999_us", "max_us",
            "server_cpu_s", "server_kernel_s", "client_cpu_s", "other_cpu_s", "connections_served", "connections", "syscalls", "reads",
            "writes", "waits", "requests_while_counted", "error"}, rows);
    }

    /** The median share of the server's CPU time spent in the kernel, as a percentage, or "n/a". */
    private static String kernelShare(Cell c) {
        if (c.runs().stream().anyMatch(r -> r.serverKernelSeconds() < 0 || r.serverCpuSeconds() <= 0)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.0f%%", 100 * c.median(r -> r.serverKernelSeconds() / r.serverCpuSeconds()));
    }

    /** System calls per request, to two significant figures at least. */
    private static String calls(double perRequest) {
        if (Double.isNaN(perRequest)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, perRequest >= 0.1 ? "%.2f" : "%.3f", perRequest);
    }

    private static String micros(Cell c, ToDoubleFunction<RunRecord> nanos) {
        return f(c.median(nanos) / 1e3, 1);
    }

    private static String i(long v) {
        return Long.toString(v);
    }

    private static String f(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}

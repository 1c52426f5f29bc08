package dev.eventloop.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One server on one workload: its runs, or the reason it was not run. A cell's figures are the
 * medians of its runs, each figure on its own.
 */
public final class Cell {
    private final ServerKind server;
    private final Workload workload;
    private final String notRun;
    private final List<RunRecord> runs = new ArrayList<>();

    /**
     * A cell of the matrix.
     *
     * @param notRun why it is not run ("n/a: ..." or "skipped: ..."), or {@code null} if it is
     */
    public Cell(ServerKind server, Workload workload, String notRun) {
        this.server = server;
        this.workload = workload;
        this.notRun = notRun;
    }

    /** The server. */
    public ServerKind server() {
        return server;
    }

    /** The workload. */
    public Workload workload() {
        return workload;
    }

    /** Why the cell was not run, or {@code null}. */
    public String notRun() {
        return notRun;
    }

    /** Adds one run's record. */
    public void add(RunRecord run) {
        runs.add(run);
    }

    /** The runs so far. */
    public List<RunRecord> runs() {
        return runs;
    }

    /** The first error of any run, or {@code null} if every run succeeded. */
    public String error() {
        return runs.stream().filter(r -> !r.ok()).map(RunRecord::error).findFirst().orElse(null);
    }

    /** Whether the cell has figures: it was run and every run succeeded. */
    public boolean hasFigures() {
        return notRun == null && !runs.isEmpty() && error() == null;
    }

    /** The median of {@code figure} over the runs. */
    public double median(ToDoubleFunction<RunRecord> figure) {
        double[] values = runs.stream().filter(RunRecord::ok).mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** The smallest and largest {@code figure} over the runs, for the spread. */
    public double[] range(ToDoubleFunction<RunRecord> figure) {
        double[] values = runs.stream().filter(RunRecord::ok).mapToDouble(figure).sorted().toArray();
        return values.length == 0 ? new double[] {Double.NaN, Double.NaN}
                : new double[] {values[0], values[values.length - 1]};
    }

    @Override
    public String toString() {
        return server.id() + " " + workload.id() + " " + Arrays.toString(runs.toArray());
    }
}

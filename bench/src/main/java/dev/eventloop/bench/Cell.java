package dev.eventloop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One server on one workload: its runs, or the reason it was not run. A cell's figures are the
 * medians of its runs, each figure on its own.
 *
 * @param notRun why it is not run ("n/a: ..." or "skipped: ..."), or {@code null} if it is
 * @param runs the runs so far, in the order they ran
 */
public record Cell(ServerKind server, Workload workload, String notRun, List<RunRecord> runs) {
    /** A cell of the matrix, with no runs yet. */
    public Cell(ServerKind server, Workload workload, String notRun) {
        this(server, workload, notRun, new ArrayList<>());
    }

    /** Adds one run's record. */
    public void add(RunRecord run) {
        runs.add(run);
    }

    /** The first error of any run, or {@code null} if every run succeeded. */
    public String error() {
        return runs.stream().filter(r -> !r.ok()).map(RunRecord::error).findFirst().orElse(null);
    }

    /** Whether the cell has figures: it was run and every run succeeded. */
    public boolean hasFigures() {
        return notRun == null && !runs.isEmpty() && error() == null;
    }

    /** The median of {@code figure} over the successful runs, NaN if there is none. */
    public double median(ToDoubleFunction<RunRecord> figure) {
        double[] values = sorted(figure);
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** The smallest and largest {@code figure} over the successful runs, for the spread. */
    public double[] range(ToDoubleFunction<RunRecord> figure) {
        double[] values = sorted(figure);
        return values.length == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {values[0], values[values.length - 1]};
    }

    private double[] sorted(ToDoubleFunction<RunRecord> figure) {
        return runs.stream().filter(RunRecord::ok).mapToDouble(figure).sorted().toArray();
    }
}

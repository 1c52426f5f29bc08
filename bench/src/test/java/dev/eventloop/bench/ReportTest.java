package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic behind the reports' targets: medians, ratios and verdicts. */
class ReportTest {
    private static final Workload W = new Workload("c50-d1", 50, 1, 32, 0);

    @Test
    void aRatioIsOfTheMedianRunsAndAFailedRunDoesNotCount() {
        Cell solutions = cell(ServerKind.SOLUTIONS, 300, 100, 200);
        Cell netty = cell(ServerKind.NETTY, 160, 180);
        netty.add(RunRecord.failed(ServerKind.NETTY, W, 3, "lost a byte"));

        assertThat(solutions.median(RunRecord::rate)).isEqualTo(200);
        assertThat(netty.median(RunRecord::rate)).as("the median of an even number of runs").isEqualTo(170);
        assertThat(Report.ratio(solutions, netty)).isEqualTo(200.0 / 170);
    }

    @Test
    void aTargetIsMetAtItsFactorAndACeilingAtItsMaximum() {
        Report.Target target = new Report.Target(ServerKind.SOLUTIONS, ServerKind.NETTY, W.id(), 1.1);
        assertThat(target.metBy(1.1)).isTrue();
        assertThat(target.metBy(1.099)).isFalse();

        Report.SyscallTarget ceiling = new Report.SyscallTarget(ServerKind.SOLUTIONS, W.id(), 0.1);
        assertThat(ceiling.metBy(0.1)).isTrue();
        assertThat(ceiling.metBy(0.101)).isFalse();
        assertThat(ceiling.metBy(Double.NaN)).as("not counted is not met").isFalse();
    }

    private static Cell cell(ServerKind kind, double... rates) {
        Cell cell = new Cell(kind, W, null);
        for (int i = 0; i < rates.length; i++) {
            cell.add(new RunRecord(kind, W, i + 1, rates[i], 0, 0, 0, 0, 0, -1, 0, -1, W.connections(), W.connections(),
                    null, null));
        }
        return cell;
    }
}

package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.util.List;
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

    @Test
    void aMatrixWithTwoLoopServersSetsThemSideBySideAndJudgesOnlyWhatItRan() {
        Matrix.Settings settings = Matrix.Settings.parse("--servers", "solutions,solutions-2loops,netty,netty-2loops",
                "--workloads", W.id());
        List<Cell> cells = List.of(timed(ServerKind.SOLUTIONS, 200, 100_000, 400_000),
                timed(ServerKind.SOLUTIONS_2LOOPS, 300, 50_000, 800_000), timed(ServerKind.NETTY, 160, 100_000, 400_000),
                timed(ServerKind.NETTY_2LOOPS, 150, 200_000, 400_000));

        String md = new Report(settings, cells, ZonedDateTime.now()).markdown();

        assertThat(md).contains("## Two loops", "| ratio | C=50 D=1 S=32 |",
                "| solutions, 2 loops / solutions epoll+batch | 1.50x; p50 0.50x, p99 2.00x |",
                "| Netty NIO 2 loops / Netty NIO 1 loop | 0.94x; p50 2.00x, p99 1.00x |",
                "| solutions, 2 loops / Netty NIO 2 loops | 2.00x; p50 0.25x, p99 2.00x |",
                "| solutions epoll+batch / Netty NIO 1 loop | 1.25x; p50 1.00x, p99 1.00x |");
        assertThat(md).as("the load generator's CPU, 0.9 s in a 5 s window").contains("## Load generator CPU", "| 0.18 cores |");
        assertThat(md).as("only the target of the servers and workload that ran")
                .contains("| solutions epoll+batch / Netty NIO 1 loop, C=50 D=1 S=32 | 1.25x | 1.10x | met |")
                .doesNotContain("chapter 6", "virtual threads", "not measured", "system calls per request | measured");
        assertThat(new Report(Matrix.Settings.parse("--servers", "solutions,netty", "--workloads", W.id()), cells,
                ZonedDateTime.now()).markdown()).as("no two-loop server, no such section").doesNotContain("## Two loops");
    }

    /** A cell of one run with these figures, its load generator busy 0.9 s. */
    private static Cell timed(ServerKind kind, double rate, long p50Nanos, long p99Nanos) {
        Cell cell = new Cell(kind, W, null);
        cell.add(new RunRecord(kind, W, 1, rate, p50Nanos, p99Nanos, p99Nanos, p99Nanos, 1, -1, 0.9, -1,
                W.connections(), W.connections(), null, null));
        return cell;
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

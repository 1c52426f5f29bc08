package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The servers the runners know, and which of them run unless named. */
class ServerKindTest {
    @Test
    void theTwoLoopKindsAreTheirOneLoopServerWithLoopsTwo() {
        ServerKind solutions = ServerKind.byId("solutions-2loops");
        ServerKind netty = ServerKind.byId("netty-2loops");

        assertThat(solutions.oneLoop()).isEqualTo(ServerKind.SOLUTIONS);
        assertThat(netty.oneLoop()).isEqualTo(ServerKind.NETTY);
        for (ServerKind k : new ServerKind[] {solutions, netty}) {
            assertThat(k.mainClass()).as(k.id()).isEqualTo(k.oneLoop().mainClass());
            assertThat(k.options()).as(k.id()).containsExactly("--loops", "2");
        }
        assertThat(ServerKind.SOLUTIONS_64K.oneLoop()).as("64 KiB buffers are not more loops").isNull();
    }

    @Test
    void theMatrixRunsTheTwoLoopKindsOnlyWhenNamed() {
        assertThat(ServerKind.standard()).containsExactly(ServerKind.CHAPTER04, ServerKind.CHAPTER05,
                ServerKind.CHAPTER06, ServerKind.SOLUTIONS, ServerKind.SOLUTIONS_64K, ServerKind.NETTY,
                ServerKind.VIRTUAL_THREADS);
        assertThat(Matrix.Settings.parse().servers()).isEqualTo(ServerKind.standard());
        assertThat(Matrix.Settings.parse("--servers", "solutions,solutions-2loops,netty-2loops").servers())
                .containsExactly(ServerKind.SOLUTIONS, ServerKind.SOLUTIONS_2LOOPS, ServerKind.NETTY_2LOOPS);
    }

    @Test
    void everySolutionsKindGetsAnIdleTimeoutLongerThanAnyRun() {
        assertThat(ServerKind.all().stream().filter(ServerKind::timesOutIdleConnections))
                .containsExactly(ServerKind.SOLUTIONS, ServerKind.SOLUTIONS_64K, ServerKind.SOLUTIONS_2LOOPS);
    }

    @Test
    void everyKindHasItsOwnIdAndAChartColor() {
        assertThat(ServerKind.all().stream().map(ServerKind::id)).doesNotHaveDuplicates();
        assertThat(ServerKind.all()).allSatisfy(k -> assertThat(Chart.color(k)).isNotNull());
        assertThatThrownBy(() -> ServerKind.byId("solutions-3loops")).hasMessageContaining("solutions-2loops");
    }

    @Test
    void theBenchsOwnServersTakeLoops() {
        assertThat(ServerArgs.parse("--port", "0", "--quiet").loops()).isEqualTo(1);
        assertThat(ServerArgs.parse("--loops", "2", "--host", "127.0.0.1")).isEqualTo(new ServerArgs("127.0.0.1", 1234, false, 2));
        assertThatThrownBy(() -> ServerArgs.parse("--loops", "0")).hasMessageContaining("--loops");
    }
}

package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The benchmark is not a test; this only proves its machinery works: one server started in its
 * own JVM, one second of pipelined load with a few idle connections, every byte checked; the
 * two-loop servers, each loop serving its share; and a small burst of connections opened at once.
 */
class SmokeTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theSolutionsServerEchoesEveryRequestUnderLoad() throws Exception {
        Workload small = new Workload("smoke", 4, 8, 32, 20);
        AtomicInteger windows = new AtomicInteger();
        try (ServerProcess server = ServerProcess.start(ServerKind.SOLUTIONS)) {
            LoadGenerator.Config config = new LoadGenerator.Config(new InetSocketAddress("127.0.0.1", server.port()),
                    small, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(5), 1);

            LoadGenerator.Result result = LoadGenerator.run(config, new LoadGenerator.Listener() {
                @Override
                public void measureStarted() {
                    windows.incrementAndGet();
                }

                @Override
                public void measureEnded() {
                    windows.incrementAndGet();
                }
            });

            // a failed check would have thrown LoadException: reaching here means zero errors
            assertThat(result.rate()).isPositive();
            assertThat(result.connectionsServed()).isEqualTo(4);
            assertThat(result.idleChecked()).isEqualTo(20);
            assertThat(result.latency().getTotalCount()).isPositive();
            assertThat(windows).hasValue(2);
            assertThat(server.cpuTime()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SOLUTIONS_2LOOPS", "NETTY_2LOOPS"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aTwoLoopServerServesEveryConnection(ServerKind kind) throws Exception {
        // the connections go to the two loops in turn: a loop that served nothing would leave two waiting
        Workload small = new Workload("smoke", 4, 8, 32, 0);
        try (ServerProcess server = ServerProcess.start(kind)) {
            LoadGenerator.Config config = new LoadGenerator.Config(new InetSocketAddress("127.0.0.1", server.port()),
                    small, Duration.ofMillis(200), Duration.ofMillis(500), Duration.ZERO, Duration.ofSeconds(5), 1);

            LoadGenerator.Result result = LoadGenerator.run(config, new LoadGenerator.Listener() {
                @Override
                public void measureStarted() {
                }

                @Override
                public void measureEnded() {
                }
            });

            assertThat(result.connectionsServed()).isEqualTo(4);
            assertThat(result.rate()).isPositive();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBurstOfConnectionsIsAnsweredInFull() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerKind.CHAPTER06)) {
            // 20 fit in any backlog, so every one must be answered; how fast is not this test's business
            Burst.Result result = Burst.run(new InetSocketAddress("127.0.0.1", server.port()), 20, 32,
                    Duration.ofSeconds(20));

            assertThat(result.failures()).isEmpty();
            assertThat(result.answered()).isEqualTo(20);
            assertThat(result.firstResponse().getTotalCount()).isEqualTo(20);
        }
    }
}

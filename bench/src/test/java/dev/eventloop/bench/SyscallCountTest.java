package dev.eventloop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading {@code perf stat -x,} output, as perf 6 writes it. */
class SyscallCountTest {
    private static final List<String> PERF = List.of(
            "# started on Wed Dec  2 01:35:51 2026",
            "",
            "1468539,,raw_syscalls:sys_enter,3001336412,100.00,,",
            "724172,,syscalls:sys_enter_read,3001336412,100.00,,",
            "724194,,syscalls:sys_enter_write,3001336412,100.00,,",
            "6,,syscalls:sys_enter_writev,3001336412,100.00,,",
            "20000,,syscalls:sys_enter_epoll_wait,3001336412,100.00,,",
            "1,,syscalls:sys_enter_epoll_pwait,3001336412,100.00,,");

    @Test
    void addsUpWritesAndWaitsOfBothKindsAndDividesByTheRequests() {
        SyscallCount count = SyscallCount.parse(PERF, 724_000);

        assertThat(count).isEqualTo(new SyscallCount(1_468_539, 724_172, 724_200, 20_001, 724_000));
        assertThat(count.perRequest()).containsExactly(1_468_539 / 724_000.0, 724_172 / 724_000.0,
                724_200 / 724_000.0, 20_001 / 724_000.0);
    }

    @Test
    void anEventPerfCouldNotCountMeansNoCount() {
        List<String> notSupported = PERF.stream()
                .map(line -> line.replace("20000,,syscalls:sys_enter_epoll_wait", "<not supported>,,syscalls:sys_enter_epoll_wait"))
                .toList();

        assertThat(SyscallCount.parse(notSupported, 1)).isNull();
        assertThat(SyscallCount.parse(PERF.subList(0, 4), 1)).as("events missing from the output").isNull();
    }
}

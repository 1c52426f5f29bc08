package dev.eventloop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The system calls a server made in a window, counted by {@code perf stat} from the kernel's
 * syscall tracepoints, so every server is counted alike, whatever counters of its own it has.
 *
 * <p>Counting costs the server: each traced system call takes longer (at C=50 D=32 the solutions
 * answered about a fifth fewer requests while counted). So the count runs in a window of its
 * own, after the measured one, while the load goes on ({@link LoadGenerator.Config#count()}):
 * {@link #start} when that window opens, for a little less than its length, so that perf's own
 * start-up stays inside it; {@link Counting#finish} once it has closed. Where perf is missing or
 * may not read tracepoints, the result is {@code null} and the report says "not counted".
 *
 * @param total every system call, of any kind
 * @param reads {@code read}
 * @param writes {@code write} and {@code writev}
 * @param waits {@code epoll_wait} and {@code epoll_pwait}: waits for readiness
 * @param requests the requests answered while perf counted (the counting window's rate times
 *     perf's time)
 */
public record SyscallCount(long total, long reads, long writes, long waits, double requests) {
    private static final String TOTAL = "raw_syscalls:sys_enter";
    private static final List<String> EVENTS = List.of(TOTAL, "syscalls:sys_enter_read", "syscalls:sys_enter_write",
            "syscalls:sys_enter_writev", "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait");

    /** Each count divided by {@link #requests}: total, read, write, wait system calls per request. */
    public double[] perRequest() {
        return new double[] {total / requests, reads / requests, writes / requests, waits / requests};
    }

    /** A {@code perf stat} that runs in the background while the window lasts. */
    static final class Counting {
        private final Process perf;
        private final Path output;
        private final double seconds;

        private Counting(Process perf, Path output, double seconds) {
            this.perf = perf;
            this.output = output;
            this.seconds = seconds;
        }

        /**
         * perf's counts, once its window is over, with {@code rate} the requests per second the
         * load generator saw in the counting window; {@code null} if perf did not count.
         */
        SyscallCount finish(double rate) throws InterruptedException {
            try {
                if (!perf.waitFor(30, TimeUnit.SECONDS)) {
                    perf.destroyForcibly();
                    return null;
                }
                return perf.exitValue() == 0 ? parse(Files.readAllLines(output, StandardCharsets.UTF_8), rate * seconds) : null;
            } catch (IOException e) {
                return null;
            } finally {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    /**
     * Starts counting the system calls of process {@code pid} for {@code window}; {@code null}
     * if perf cannot be started.
     */
    static Counting start(long pid, Duration window) {
        try {
            Path output = Files.createTempFile("perf-stat", ".csv");
            double seconds = window.toNanos() / 1e9;
            Process perf = new ProcessBuilder("perf", "stat", "-x,", "-o", output.toString(),
                    "-e", String.join(",", EVENTS), "-p", Long.toString(pid),
                    "--", "sleep", String.format(Locale.ROOT, "%.3f", seconds))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new Counting(perf, output, seconds);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads perf's CSV ({@code -x,}): {@code count,unit,event,...} per line; {@code null} if one is missing. */
    static SyscallCount parse(List<String> lines, double requests) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) {
            String[] fields = line.split(",");
            if (fields.length >= 3 && EVENTS.contains(fields[2])) {
                try {
                    counts.put(fields[2], Long.parseLong(fields[0]));
                } catch (NumberFormatException e) {
                    return null; // "<not supported>" or "<not counted>"
                }
            }
        }
        if (!counts.keySet().containsAll(EVENTS)) {
            return null;
        }
        return new SyscallCount(counts.get(TOTAL), counts.get("syscalls:sys_enter_read"),
                counts.get("syscalls:sys_enter_write") + counts.get("syscalls:sys_enter_writev"),
                counts.get("syscalls:sys_enter_epoll_wait") + counts.get("syscalls:sys_enter_epoll_pwait"), requests);
    }
}

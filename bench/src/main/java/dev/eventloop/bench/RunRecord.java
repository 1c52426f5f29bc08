package dev.eventloop.bench;

/**
 * One run of one server on one workload, as the CSV and the report need it.
 *
 * @param server the server
 * @param workload the workload
 * @param run which run of this cell, from 1
 * @param rate requests per second in the measured window
 * @param p50Nanos median batch latency
 * @param p99Nanos 99th percentile batch latency
 * @param p999Nanos 99.9th percentile batch latency
 * @param maxNanos the slowest batch
 * @param serverCpuSeconds CPU time the server process used in the measured window
 * @param serverKernelSeconds the part of it spent in the kernel (-1 if unknown)
 * @param clientCpuSeconds CPU time the load generator used in the measured window
 * @param otherCpuSeconds CPU time everything else on the machine used in the window (-1 if unknown)
 * @param connectionsServed active connections that completed a batch in the window
 * @param connections active connections
 * @param error why the run failed, or {@code null}
 * @param syscalls the server's system calls in the counting window, or {@code null} if not counted
 */
public record RunRecord(ServerKind server, Workload workload, int run, double rate, long p50Nanos, long p99Nanos,
                        long p999Nanos, long maxNanos, double serverCpuSeconds, double serverKernelSeconds, double clientCpuSeconds,
                        double otherCpuSeconds, int connectionsServed, int connections, String error,
                        SyscallCount syscalls) {

    /** A run that failed with {@code error}. */
    static RunRecord failed(ServerKind server, Workload workload, int run, String error) {
        return new RunRecord(server, workload, run, 0, 0, 0, 0, 0, 0, -1, 0, -1, 0, workload.connections(), error, null);
    }

    /** Whether the run completed without an error. */
    public boolean ok() {
        return error == null;
    }

    /**
     * The server's system calls per request in the counting window: total, read, write, wait;
     * {@code null} if they were not counted.
     */
    public double[] syscallsPerRequest() {
        return syscalls == null || syscalls.requests() == 0 ? null : syscalls.perRequest();
    }

    /** Server CPU microseconds per request: what one echo costs the server, all overheads included. */
    public double serverCpuMicrosPerRequest(double measureSeconds) {
        double requests = rate * measureSeconds;
        return requests == 0 ? 0 : serverCpuSeconds * 1e6 / requests;
    }
}

package dev.eventloop.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server under test, running in a JVM of its own: started with the same JDK and classpath as
 * this one, bound to 127.0.0.1 on a free port, and stopped when the run is over.
 *
 * <p>A separate process per server keeps the servers from sharing a heap, a JIT or a garbage
 * collector with each other or with the load generator, and lets the runner read exactly how much
 * CPU the server used.
 *
 * <p>The classpath handed to the child is this JVM's {@code java.class.path}. That is right
 * because the runner is always started as a plain {@code java -classpath ...} (by
 * {@code exec:exec} in this module's pom, or by Surefire for the smoke test), never inside Maven's
 * own JVM, where {@code java.class.path} would be Maven's launcher. The course modules' jars in it
 * are first copied aside (see {@link #serverClasspath()}).
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("^listening on (\\S+):(\\d+)\\s*$");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int KEPT_LINES = 20;

    /** Every server still running, so that Ctrl-C on the runner stops them too. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "stop-servers"));
    }

    private final ServerKind kind;
    private final Process process;
    private final int port;
    private final Deque<String> lastLines;

    private ServerProcess(ServerKind kind, Process process, int port, Deque<String> lastLines) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.lastLines = lastLines;
    }

    /**
     * Starts {@code kind} with {@code --port 0 --host 127.0.0.1 --quiet} and waits for its
     * {@code listening on} line.
     *
     * @throws IOException if it cannot start, exits, or says nothing within 30 seconds
     */
    public static ServerProcess start(ServerKind kind) throws IOException {
        return start(kind, List.of());
    }

    /** Like {@link #start(ServerKind)}, with {@code options} after the usual ones and the kind's own. */
    public static ServerProcess start(ServerKind kind, List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-cp");
        command.add(serverClasspath());
        command.add(kind.mainClass());
        command.addAll(List.of("--port", "0", "--host", "127.0.0.1", "--quiet"));
        command.addAll(kind.options());
        command.addAll(options); // last: a repeated option's last value wins
        // stderr joins stdout: JVM warnings land in the same kept lines, for error messages
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        LIVE.add(process);
        Deque<String> lastLines = new ArrayDeque<>();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> pump(process, lastLines, listening), "server-output-" + kind.id());
        reader.setDaemon(true);
        reader.start();
        try {
            int port = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new ServerProcess(kind, process, port, lastLines);
        } catch (InterruptedException e) {
            destroy(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + kind.id(), e);
        } catch (ExecutionException e) {
            destroy(process);
            throw new IOException(kind.id() + " exited without printing 'listening on host:port'; its last output: "
                    + tail(lastLines), e);
        } catch (TimeoutException e) {
            destroy(process);
            throw new IOException(kind.id() + " did not print 'listening on host:port' within "
                    + START_TIMEOUT.toSeconds() + " s; its last output: " + tail(lastLines), e);
        }
    }

    /**
     * Reads the child's output until it ends: finds the {@code listening on} line, then keeps
     * draining, because a child whose pipe fills up would block in its next {@code println}.
     */
    private static void pump(Process process, Deque<String> lastLines, CompletableFuture<Integer> listening) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.matches()) {
                    listening.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException e) {
            // the process went away: fall through
        }
        listening.completeExceptionally(new IOException("the server's output ended"));
    }

    /** The port the server listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Which server this is. */
    public ServerKind kind() {
        return kind;
    }

    /** The operating system's process id of the server JVM. */
    public long pid() {
        return process.pid();
    }

    /** Whether the server is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The CPU time the server process has used so far, all its threads, user and system. From
     * {@link ProcessHandle.Info#totalCpuDuration()}, or {@code /proc/<pid>/stat} where that is
     * unavailable; {@link Duration#ZERO} if neither is.
     */
    public Duration cpuTime() {
        return cpuTimeOf(process.toHandle());
    }

    /** The CPU time of any process, as {@link #cpuTime()} reads it. */
    static Duration cpuTimeOf(ProcessHandle handle) {
        return handle.info().totalCpuDuration().orElseGet(() -> procStatCpu(handle.pid()));
    }

    /**
     * The part of the server's CPU time spent in the kernel, in system calls and in the network
     * stack they run ({@code stime} in {@code /proc/PID/stat}); {@code null} where there is no
     * such file.
     */
    public Duration kernelCpuTime() {
        long[] ticks = procStatTicks(process.pid());
        return ticks == null ? null : Duration.ofMillis(ticks[1] * 10); // USER_HZ is 100 on Linux
    }

    private static Duration procStatCpu(long pid) {
        long[] ticks = procStatTicks(pid);
        return ticks == null ? Duration.ZERO : Duration.ofMillis((ticks[0] + ticks[1]) * 10);
    }

    /** {@code utime} and {@code stime} of {@code /proc/PID/stat}, in ticks; {@code null} if unreadable. */
    private static long[] procStatTicks(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            // fields after the command name (which may hold spaces) start after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The server's last lines of output (for error messages). */
    public String lastOutput() {
        return tail(lastLines);
    }

    private static String tail(Deque<String> lines) {
        synchronized (lines) {
            return lines.isEmpty() ? "(nothing)" : String.join(" | ", lines);
        }
    }

    /** Stops the server: SIGTERM (its shutdown hook closes every socket), then SIGKILL after 5 s. */
    @Override
    public void close() {
        destroy(process);
    }

    private static void destroy(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    private static String serverClasspath;

    /**
     * This JVM's classpath, with every jar that a Maven module built into its {@code target}
     * directory replaced by a copy in a temporary directory, made once.
     *
     * <p>Why copies: a matrix runs for many minutes and starts a server JVM every few seconds. A
     * {@code ./mvnw clean ...} of one of the course's modules in the meantime (in another terminal,
     * or an IDE) would delete the jar that the next server needs, and every later run of that server
     * would fail. Jars from the local Maven repository and class directories are used as they are.
     */
    static synchronized String serverClasspath() throws IOException {
        if (serverClasspath == null) {
            Path copies = Files.createTempDirectory("bench-classpath");
            copies.toFile().deleteOnExit();
            List<String> entries = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path p = Paths.get(entry);
                Path dir = p.toAbsolutePath().getParent();
                boolean moduleJar = entry.endsWith(".jar") && Files.isRegularFile(p) && dir != null
                        && dir.getFileName().toString().equals("target") && Files.isRegularFile(dir.resolveSibling("pom.xml"));
                if (moduleJar) {
                    Path copy = copies.resolve(dir.getParent().getFileName() + "-" + p.getFileName());
                    Files.copy(p, copy);
                    copy.toFile().deleteOnExit();
                    entries.add(copy.toString());
                } else {
                    entries.add(entry);
                }
            }
            serverClasspath = String.join(java.io.File.pathSeparator, entries);
        }
        return serverClasspath;
    }

    /** The {@code java} of the JDK this JVM runs on: servers run on the same JDK as the runner. */
    static String javaExecutable() {
        Path bin = Paths.get(System.getProperty("java.home"), "bin");
        Path java = bin.resolve("java");
        return Files.isExecutable(java) ? java.toString() : bin.resolve("java.exe").toString();
    }
}

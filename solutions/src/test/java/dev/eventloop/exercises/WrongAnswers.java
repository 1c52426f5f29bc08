package dev.eventloop.exercises;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The full check's proof that the exercise tests catch realistic mistakes: every entry of the
 * wrong-answer catalogue ({@code solutions/wrong-answers}, see its README) must fail at least one
 * test. It is the twin of the stub check, which proves that the tests fail against the stubs.
 *
 * <p>For each entry it compiles the reference solutions with that one change, against the JDK
 * alone, and runs the exercise module's tests against the result in a fresh JVM
 * ({@link FirstFailure}), which stops at the first failing test. The solutions' own classes are
 * not on that JVM's classpath, so the patched classes are the only server code the tests see. A
 * fresh JVM per entry keeps a wrong answer's spinning loop or leaked threads away from the next.
 * Before the entries, the unchanged reference answers go through the same steps and must pass
 * every test: otherwise a broken setup (a missing class, a wrong classpath) would "reject" every
 * entry and prove nothing.
 *
 * <p>An entry is rejected only by a failing test. One whose tests pass is reported with its
 * misconception; one that does not apply to the current sources (its region is gone), does not
 * compile, or whose JVM had to be killed (no verdict within the time limit: the tests' own
 * timeouts did not end it) is reported as unchecked. Any of these fails the build, after the last
 * line, {@code wrong answers: <rejected> of <entries> rejected}.
 *
 * <p>Run by {@code exec:java@wrong-answers} in the {@code full-check} profile of
 * {@code solutions}, with {@code key=value} arguments (see its pom).
 */
public final class WrongAnswers {
    /** The longest a test JVM may run; more than the tests' own longest timeout (120 s) plus the rest of them. */
    static final int DEFAULT_TIMEOUT_SECONDS = 240;
    private static final String REFERENCE = "(the reference answers)";
    /** How a guard test's failure starts ({@code GuardFailures}). */
    private static final String GUARD = "Your change broke this: ";
    /** How an exercise test's failure starts ({@link Exercise#notDone}). */
    private static final Pattern NOT_DONE = Pattern.compile("Exercise (\\d+) \\([^\n]*\\) is not done yet\\.");

    private final Path catalogue;
    private final Path sources;
    private final Path work;
    private final Path basedir;
    private final String release;
    private final List<String> only;
    private final int parallel;
    private final int timeoutSeconds;
    private final Path tests;
    private final String testClasspath;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    /** What became of one entry (or of the reference answers). */
    enum Outcome {
        /** A test failed: the entry is proven wrong. */
        REJECTED,
        /** Every test passed. */
        PASSED,
        /** It could not be checked: it cannot be read or applied, does not compile, or no test ran. */
        UNCHECKED,
        /** Its test JVM was killed before it reached a verdict. */
        NO_VERDICT,
        /**
         * A test failed, but not as a learner should meet it: the failure does not say what broke
         * and where to read, another exercise's test was the first to fail, or the entry's
         * exercise page does not list the failure ({@link Troubleshooting}).
         */
        UNGUIDED
    }

    /** One line of the report: the outcome, what it rests on, and how long it took. */
    record Result(String name, Outcome outcome, String detail, long millis) {
    }

    /** A file of the catalogue: its entry, or (null entry) why it cannot be read. */
    private record Listed(String name, WrongAnswer answer, String unreadable) {
    }

    private WrongAnswers(Map<String, String> args) {
        catalogue = Path.of(required(args, "catalogue"));
        sources = Path.of(required(args, "sources"));
        work = Path.of(required(args, "work"));
        basedir = Path.of(required(args, "basedir"));
        release = required(args, "release");
        only = Stream.of(args.getOrDefault("only", "").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        parallel = Math.max(1, Integer.parseInt(args.getOrDefault("parallel", "2").strip()));
        timeoutSeconds = Integer.parseInt(args.getOrDefault("timeout", String.valueOf(DEFAULT_TIMEOUT_SECONDS)).strip());
        tests = location(Exercise.class);
        testClasspath = testClasspath(Path.of(required(args, "classes")));
    }

    /**
     * {@code key=value} arguments: {@code catalogue}, {@code sources} (the solutions' main Java
     * sources), {@code classes} (their compiled classes, kept off the tests' classpath),
     * {@code work} (a build directory for each entry's sources, classes and test log),
     * {@code basedir} (the tests' working directory), {@code release}; optional {@code only}
     * (comma-separated name prefixes), {@code parallel} (test JVMs at a time, default 2) and
     * {@code timeout} (seconds per test JVM). Throws, to fail the build, unless every entry is rejected.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not key=value: " + arg);
            }
            parsed.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        new WrongAnswers(parsed).run(System.out);
    }

    private void run(PrintStream out) throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<Listed> entries = entries();
        if (only.isEmpty()) {
            deleteRecursively(work); // no directory of an entry that is gone may pass for a current one
        }
        int width = Math.max(REFERENCE.length(), entries.stream().mapToInt(e -> e.name().length()).max().orElse(0));
        out.printf("Wrong answers (%s): %d %s, each compiled into the reference solutions and tested in its own JVM,"
                + " %d at a time%n", shown(catalogue), entries.size(), entries.size() == 1 ? "entry" : "entries", parallel);
        out.flush();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        Thread cleanup = new Thread(this::killAll, "wrong-answers-cleanup"); // Ctrl-C must not leave test JVMs behind
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<Result> results = new ArrayList<>();
        List<String> report = new ArrayList<>();
        try {
            Future<Result> reference = pool.submit(() -> check(REFERENCE, null));
            List<Future<Result>> futures = new ArrayList<>();
            for (Listed entry : entries) {
                futures.add(pool.submit(() -> entry.answer() != null ? check(entry.name(), entry.answer())
                        : new Result(entry.name(), Outcome.UNCHECKED, entry.unreadable(), 0)));
            }
            Result control = get(reference);
            if (control.outcome() != Outcome.PASSED) {
                out.printf("  FAILED    %s: %s%n", REFERENCE, control.detail());
                throw new CatalogueFailed("The reference solutions do not pass in the catalogue's own test JVM, so its"
                        + " verdicts would prove nothing: " + control.detail());
            }
            out.printf("  ok        %-" + width + "s  (%s) %s%n", REFERENCE, seconds(control.millis()), control.detail());
            out.flush();
            for (int i = 0; i < futures.size(); i++) {
                Result result = get(futures.get(i));
                WrongAnswer answer = entries.get(i).answer();
                String line = line(result, width, answer == null ? "" : answer.misconception());
                if (result.outcome() == Outcome.REJECTED) {
                    Optional<String> unguided = unguided(answer, work.resolve(dirName(result.name())).resolve(FirstFailure.FAILURE));
                    if (unguided.isPresent()) {
                        result = new Result(result.name(), Outcome.UNGUIDED, unguided.get(), result.millis());
                        line = line(result, width, answer.misconception());
                    }
                }
                results.add(result);
                report.add(line);
                // The names and the failures of rejected entries would give the exercises away to a
                // learner who runs the full check: they go to the report, unless asked for by name.
                if (result.outcome() != Outcome.REJECTED || !only.isEmpty()) {
                    out.println(line);
                    out.flush();
                }
            }
        } finally {
            pool.shutdownNow();
            killAll();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running: nothing to remove
            }
        }
        long rejected = results.stream().filter(r -> r.outcome() == Outcome.REJECTED).count();
        out.println("  " + countsByExercise(results));
        Path reportFile = work.resolve("report.txt");
        Files.createDirectories(work);
        Files.write(reportFile, report, StandardCharsets.UTF_8);
        out.printf("  each entry, and the test that rejected it: %s%n", shown(reportFile));
        out.printf("  (the catalogue step took %s)%n", seconds((System.nanoTime() - start) / 1_000_000));
        out.printf("wrong answers: %d of %d rejected%n", rejected, results.size());
        out.flush();
        List<String> problems = new ArrayList<>();
        List<String> passed = names(results, Outcome.PASSED);
        if (!passed.isEmpty()) {
            problems.add(passed.size() + " wrong answer(s) pass every test: " + String.join(", ", passed)
                    + ". The tests miss that mistake, or the entry is not wrong after all");
        }
        List<String> unguided = names(results, Outcome.UNGUIDED);
        if (!unguided.isEmpty()) {
            problems.add(unguided.size() + " wrong answer(s) fail a test that does not guide the learner: "
                    + String.join(", ", unguided) + ". Make the message say what broke and where to read, or list it on"
                    + " the exercise's page (see wrong-answers/README.md)");
        }
        List<String> unchecked = results.stream().filter(r -> r.outcome() == Outcome.UNCHECKED || r.outcome() == Outcome.NO_VERDICT)
                .map(Result::name).toList();
        if (!unchecked.isEmpty()) {
            problems.add(unchecked.size() + " entr" + (unchecked.size() == 1 ? "y" : "ies") + " could not be checked: "
                    + String.join(", ", unchecked));
        }
        if (!problems.isEmpty()) {
            throw new CatalogueFailed(String.join("; ", problems) + ". Each line above says why; run one entry alone with"
                    + " ./mvnw -q -pl solutions -am verify -Pfull-check -DskipTests -DwrongAnswers=<name>");
        }
    }

    /**
     * Why the first failure a rejected entry met leaves a learner without guidance, if it does:
     * it must say what broke and where to read, come from the entry's own exercise or from a guard
     * test (not from another exercise's, which a learner at this exercise still sees fail on its
     * stub), and be the failure the entry's bullet on its exercise page names.
     */
    private Optional<String> unguided(WrongAnswer answer, Path failureFile) throws IOException {
        if (!Files.isRegularFile(failureFile)) {
            return Optional.of("its test JVM wrote no " + FirstFailure.FAILURE);
        }
        String failure = Files.readString(failureFile, StandardCharsets.UTF_8);
        String shown = failure.strip().replaceAll("\\s+", " ");
        shown = shown.length() <= 300 ? shown : shown.substring(0, 297) + "...";
        String message = failure.substring(failure.indexOf('\n') + 1); // after the test's name
        Matcher notDone = NOT_DONE.matcher(message);
        if (!message.startsWith(GUARD)) {
            if (!notDone.find()) {
                return Optional.of("its failure says neither what broke nor where to read: " + shown);
            }
            int failed = Integer.parseInt(notDone.group(1));
            if (answer.exercise().map(Exercise::number).orElse(0) != failed) {
                return Optional.of("the first test to fail is exercise " + failed + "'s, which fails on its stub anyway;"
                        + " no guard test" + answer.exercise().map(e -> " nor test of exercise " + e.number()).orElse("")
                        + " catches it: " + shown);
            }
        }
        if (answer.exercise().isEmpty()) {
            return Optional.empty(); // a guard's or an exercise test's own message says where to read
        }
        Path page = basedir.toAbsolutePath().getParent().resolve(answer.exercise().get().docs());
        if (answer.troubleshooting().isEmpty()) {
            return Optional.of("it names no bullet of " + shown(page) + " (# troubleshooting: ...) for its failure: " + shown);
        }
        List<Troubleshooting.Bullet> named = new ArrayList<>();
        try {
            List<Troubleshooting.Bullet> bullets = Troubleshooting.bullets(Files.readString(page, StandardCharsets.UTF_8));
            for (String name : answer.troubleshooting()) {
                named.add(Troubleshooting.named(bullets, name));
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(shown(page) + ": " + e.getMessage());
        }
        if (named.stream().noneMatch(bullet -> bullet.matches(failure))) {
            return Optional.of("its failure is not one that its bullets at " + shown(page) + " name ("
                    + named.stream().map(b -> "line " + b.line() + ": " + b.fragments().stream().map(f -> "\"" + f + "\"")
                    .collect(Collectors.joining(", "))).collect(Collectors.joining("; ")) + "): " + shown);
        }
        return Optional.empty();
    }

    /** {@code epoll 14 of 14, deferred-memmove 12 of 12, ..., baseline 4 of 4}: the rejected entries of each tag. */
    private static String countsByExercise(List<Result> results) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Arrays.stream(Exercise.values()).forEach(e -> counts.put(e.tag(), new long[2]));
        counts.put(WrongAnswer.BASELINE, new long[2]);
        for (Result r : results) {
            String tag = counts.keySet().stream().filter(t -> r.name().startsWith(t + "-")).findFirst()
                    .orElse(WrongAnswer.BASELINE);
            counts.get(tag)[0] += r.outcome() == Outcome.REJECTED ? 1 : 0;
            counts.get(tag)[1]++;
        }
        return "rejected, by exercise: " + counts.entrySet().stream().filter(e -> e.getValue()[1] > 0)
                .map(e -> e.getKey() + " " + e.getValue()[0] + " of " + e.getValue()[1]).collect(Collectors.joining(", "));
    }

    private static String line(Result r, int width, String misconception) {
        String name = String.format("%-" + width + "s", r.name());
        String time = "(" + seconds(r.millis()) + ")";
        return switch (r.outcome()) {
            case REJECTED -> "  rejected  " + name + "  " + time + " by " + r.detail();
            case PASSED -> "  PASSED    " + name + "  " + time + " " + r.detail() + "; the misconception the tests miss: "
                    + misconception;
            case UNCHECKED -> "  UNCHECKED " + name + "  " + r.detail();
            case NO_VERDICT -> "  NO VERDICT " + name + "  " + time + " " + r.detail();
            case UNGUIDED -> "  UNGUIDED  " + name + "  " + time + " " + r.detail();
        };
    }

    /** The catalogue's entries, in file name order, as selected by {@code only}. */
    private List<Listed> entries() throws IOException {
        List<Listed> entries = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(catalogue)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - ".txt".length());
            if (!only.isEmpty() && only.stream().noneMatch(name::startsWith)) {
                continue;
            }
            try {
                entries.add(new Listed(name, WrongAnswer.parse(fileName, Files.readString(file, StandardCharsets.UTF_8)), null));
            } catch (IllegalArgumentException e) {
                entries.add(new Listed(name, null, shown(file) + ": " + e.getMessage()));
            }
        }
        if (!only.isEmpty() && entries.isEmpty()) {
            throw new CatalogueFailed("no entry of " + shown(catalogue) + " starts with " + only + "; the entries: "
                    + files.stream().map(p -> p.getFileName().toString().replaceFirst("\\.txt$", "")).toList());
        }
        return entries;
    }

    /** Patches, compiles and tests one entry, or the reference answers when {@code answer} is null. */
    private Result check(String name, WrongAnswer answer) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path dir = work.resolve(dirName(name));
        deleteRecursively(dir);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<Path> units;
        try (Stream<Path> walk = Files.walk(sources)) {
            units = walk.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toCollection(ArrayList::new));
        }
        if (answer != null) {
            Path original = sources.resolve(answer.file());
            if (!units.contains(original)) {
                return unchecked(name, start, "no source " + answer.file() + " under " + shown(sources));
            }
            String reference = Files.readString(original, StandardCharsets.UTF_8);
            String patched;
            try {
                patched = answer.apply(reference);
            } catch (IllegalArgumentException e) {
                return unchecked(name, start, e.getMessage() + " (is the entry older than the regions?)");
            }
            if (patched.equals(reference)) {
                return unchecked(name, start, "it changes nothing: its text is the reference answer's");
            }
            Path copy = dir.resolve("src").resolve(answer.file());
            Files.createDirectories(copy.getParent());
            Files.writeString(copy, patched, StandardCharsets.UTF_8);
            units.set(units.indexOf(original), copy);
        }
        Optional<String> error = compile(units, classes);
        if (error.isPresent()) {
            return unchecked(name, start, "does not compile: " + error.get());
        }
        return test(name, dir, classes, answer == null ? Optional.empty() : answer.tag(), start);
    }

    /** The first compile error, if any, as {@code File.java:line: message}. */
    private Optional<String> compile(List<Path> units, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home") + ": run Maven on a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        // against the JDK alone, as the module itself compiles: the classes dir is the only classpath
        List<String> options = List.of("--release", release, "-encoding", "UTF-8", "-proc:none", "-implicit:none", "-nowarn",
                "-Xlint:none", "-d", classes.toString(), "-classpath", classes.toString());
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(units)).call();
            if (ok) {
                return Optional.empty();
            }
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).findFirst()
                .map(d -> (d.getSource() == null ? "" : Path.of(d.getSource().getName()).getFileName() + ":" + d.getLineNumber()
                        + ": ") + d.getMessage(Locale.ROOT).lines().map(l -> l.strip().replaceAll("\\s+", " ")).collect(Collectors.joining("; ")))
                .or(() -> Optional.of("javac failed without an error message"));
    }

    /** Runs the exercise tests against {@code classes} in a fresh JVM, and reads its verdict. */
    private Result test(String name, Path dir, Path classes, Optional<String> tag, long start)
            throws IOException, InterruptedException {
        Path verdict = dir.resolve("verdict.txt");
        Path log = dir.resolve("tests.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // as in Surefire: asserts on; few GC and JIT threads, as two of these JVMs share the machine
                "-ea", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // the patched classes first, and the solutions' own classes not at all (see testClasspath)
                "-cp", classes + File.pathSeparator + testClasspath,
                FirstFailure.class.getName(), verdict.toString(), tests.toString()));
        tag.ifPresent(command::add);
        Files.write(dir.resolve("command.txt"), command, StandardCharsets.UTF_8); // to run it again by hand
        Process process = new ProcessBuilder(command).directory(basedir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        running.add(process);
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                kill(process);
                return new Result(name, Outcome.NO_VERDICT, "killed at the time limit, " + timeoutSeconds + " s, before any"
                        + " test failed: the tests' own timeouts did not end it (too low a -DwrongAnswers.timeout, or a hang"
                        + " outside any test?); its log: " + shown(log), elapsed(start));
            }
        } finally {
            kill(process); // and whatever it started
            running.remove(process);
        }
        if (!Files.isRegularFile(verdict)) {
            return unchecked(name, start, "its test JVM ended (exit status " + process.exitValue() + ") without a verdict; its log: "
                    + shown(log));
        }
        List<String> lines = Files.readAllLines(verdict, StandardCharsets.UTF_8);
        if (lines.get(0).equals("rejected")) {
            List<String> failures = lines.subList(1, lines.size());
            String also = failures.size() > 1 ? " (also " + failures.get(1).replaceFirst(":.*", "") + ")" : "";
            return new Result(name, Outcome.REJECTED, failures.get(0) + also, elapsed(start));
        }
        int passed = Integer.parseInt(lines.get(0).substring("passed ".length()));
        if (passed == 0) {
            return unchecked(name, start, "no test ran: are the exercise tests at " + shown(tests) + "?");
        }
        return new Result(name, Outcome.PASSED, "all " + passed + " tests pass", elapsed(start));
    }

    /**
     * This JVM's classpath (the module's test classpath under {@code exec:java}) without the
     * solutions' own classes, checked: no other entry may hold server classes, or the tests
     * could see those instead of the patched ones.
     */
    private static String testClasspath(Path solutionsClasses) {
        List<Path> kept = new ArrayList<>();
        for (Path entry : classpath(WrongAnswers.class.getClassLoader())) {
            if (entry.toAbsolutePath().normalize().equals(solutionsClasses.toAbsolutePath().normalize())) {
                continue;
            }
            if (holds(entry, "dev/eventloop/exercises/Server.class")) {
                throw new IllegalStateException(entry + " holds server classes: on the tests' classpath they would mix with"
                        + " each wrong answer's");
            }
            kept.add(entry);
        }
        return kept.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private static List<Path> classpath(ClassLoader loader) {
        List<Path> entries = new ArrayList<>();
        if (loader instanceof URLClassLoader urls) { // exec:java's class loader: the project's classpath
            for (URL url : urls.getURLs()) {
                entries.add(toPath(url));
            }
        } else { // started by hand (java -cp ...): the application class path
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                entries.add(Path.of(entry));
            }
        }
        return entries;
    }

    private static boolean holds(Path entry, String resource) {
        if (Files.isDirectory(entry)) {
            return Files.isRegularFile(entry.resolve(resource));
        }
        if (!Files.isRegularFile(entry)) {
            return false;
        }
        try (ZipFile jar = new ZipFile(entry.toFile())) {
            return jar.getEntry(resource) != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry, e);
        }
    }

    private static Path location(Class<?> type) {
        return toPath(type.getProtectionDomain().getCodeSource().getLocation());
    }

    private static Path toPath(URL url) {
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a file: " + url, e);
        }
    }

    private void killAll() {
        running.forEach(WrongAnswers::kill);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static Result get(Future<Result> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static Result unchecked(String name, long start, String why) {
        return new Result(name, Outcome.UNCHECKED, why, elapsed(start));
    }

    private static List<String> names(List<Result> results, Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).map(Result::name).toList();
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String dirName(String name) {
        return name.equals(REFERENCE) ? "reference" : name;
    }

    /** {@code path} relative to the repository root (the parent of {@code basedir}) when it is inside it. */
    private String shown(Path path) {
        Path root = basedir.toAbsolutePath().normalize().getParent();
        Path absolute = path.toAbsolutePath().normalize();
        return (root != null && absolute.startsWith(root) ? root.relativize(absolute) : absolute).toString().replace('\\', '/');
    }

    private static String required(Map<String, String> args, String key) {
        String value = args.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return value;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The build's failure: its message says it all, so no stack trace pushes the report up. */
    static final class CatalogueFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogueFailed(String message) {
            super(message, null, false, false);
        }
    }
}

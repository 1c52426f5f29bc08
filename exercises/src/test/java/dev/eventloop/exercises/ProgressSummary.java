package dev.eventloop.exercises;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The progress summary of a test run: one line per exercise (how many of its tests pass, and
 * where its hints are), one line for the other tests, which must keep passing, and each of those
 * that fails, by name. Registered through {@code META-INF/services}, so the JUnit Platform loads
 * it in Maven and in the IDE alike.
 *
 * <p>An exercise counts as done only when all its tests pass <em>and</em> none of the other
 * tests fails: a solution that breaks the server is not one. A failing other test is listed as
 * {@code your change broke: <test>: <reason>}, never counted against an exercise.
 *
 * <p>In the IDE the summary is printed when the run ends. In Maven, where Surefire prints its
 * own report after the tests, the poms set {@value #FILE_PROPERTY}: in a Surefire fork the
 * summary goes to that file, and {@link ProgressReport} prints it after Surefire's report, so
 * that it ends the log.
 */
public final class ProgressSummary implements TestExecutionListener {
    /** System property naming the file to write the summary to, instead of printing it. */
    public static final String FILE_PROPERTY = "exercises.summaryFile";
    /** A resource only the {@code solutions} module's tests have: their summary says so. */
    static final String SOLUTIONS_MARKER = "dev/eventloop/exercises/reference-solutions.txt";
    /** The learner's command that runs every test of the module, as the summary suggests it. */
    static final String WHOLE_MODULE = "./mvnw test -pl exercises";
    /** How many failing other tests the summary names; the rest are counted (it must stay short). */
    static final int NAMED_FAILURES = 2;
    private static final String FIX_FIRST = "Next: fix what your change broke";

    private final Map<Exercise, int[]> counts = new EnumMap<>(Exercise.class);
    private int othersPassed;
    private int othersRun;
    private int othersFailed;
    private final List<String> broke = new ArrayList<>();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        counts.clear();
        othersPassed = 0;
        othersRun = 0;
        othersFailed = 0;
        broke.clear();
        // Surefire does not stop the build on a failure here: should this run never reach its end,
        // ProgressReport must still fail it, not find an old summary or none and call it green
        write("red The tests ended before the progress summary was written: see Surefire's report above."
                + System.lineSeparator());
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        boolean failed = result.getStatus() == TestExecutionResult.Status.FAILED;
        if (!test.isTest()) {
            // a class (or the engine) whose setup failed: its tests did not run, nothing else says so
            if (failed) {
                othersFailed++;
                broke.add(name(test) + " (could not run): " + reason(result));
            }
            return;
        }
        var tags = test.getTags().stream().map(TestTag::getName).collect(Collectors.toSet());
        Optional<Exercise> exercise = Exercise.tagged(tags);
        boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
        if (exercise.isPresent()) {
            int[] passedTotalFailed = counts.computeIfAbsent(exercise.get(), e -> new int[3]);
            passedTotalFailed[0] += passed ? 1 : 0;
            passedTotalFailed[1]++;
            passedTotalFailed[2] += failed ? 1 : 0;
            return;
        }
        othersRun++;
        othersPassed += passed ? 1 : 0;
        if (failed) {
            othersFailed++;
            broke.add(name(test) + ": " + reason(result));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        boolean stubCheck = StubCheck.active();
        boolean referenceSolutions = ProgressSummary.class.getClassLoader().getResource(SOLUTIONS_MARKER) != null;
        String text = summary(stubCheck, referenceSolutions);
        if (!write(verdict(stubCheck, referenceSolutions) + System.lineSeparator() + text)) {
            System.out.print(System.lineSeparator() + text);
            System.out.flush();
        }
    }

    /** Writes the summary file for {@link ProgressReport}, if this run has one; false if not. */
    private static boolean write(String content) {
        String file = System.getProperty(FILE_PROPERTY);
        // IntelliJ passes the pom's system properties to its own test runs too, where no
        // ProgressReport follows: there is a file only in a Surefire fork, which sets this one
        if (file == null || file.isBlank() || System.getProperty("surefire.test.class.path") == null) {
            return false;
        }
        try {
            Path path = Path.of(file);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, content, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the progress summary to " + file, e);
        }
    }

    /** The exercise tests that failed (in a stub check: that passed against the stubs). */
    private int exerciseFailures() {
        return counts.values().stream().mapToInt(c -> c[2]).sum();
    }

    /**
     * The first line of the summary file for {@link ProgressReport}: {@code green}, or
     * {@code red <why>}, where the reason is one short sentence.
     */
    String verdict(boolean stubCheck, boolean referenceSolutions) {
        int exerciseFailures = exerciseFailures();
        if (exerciseFailures == 0 && othersFailed == 0) {
            return "green";
        }
        List<String> parts = new ArrayList<>();
        if (exerciseFailures > 0) {
            parts.add(count(exerciseFailures, "exercise test") + (stubCheck ? " passed against the stubs"
                    : exerciseFailures == 1 ? " fails" : " fail"));
        }
        if (othersFailed > 0) {
            parts.add(count(othersFailed, "other test") + (othersFailed == 1 ? " fails" : " fail"));
        }
        String what = String.join(" and ", parts);
        if (stubCheck) {
            return "red The stub check failed: " + what + ". The summary above says more.";
        }
        if (referenceSolutions) {
            return "red The reference solutions fail: " + what + ". The summary above names them.";
        }
        return "red Not done yet: " + what + ". The summary above says what to do next.";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The summary as printed, ending with a line break. */
    String summary(boolean stubCheck, boolean referenceSolutions) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        boolean anyExercise = !counts.isEmpty();
        if (stubCheck) {
            out.append("Stub check (exercise tests must fail against the shipped stubs):");
        } else if (referenceSolutions) {
            out.append("Exercise progress of the reference solutions (module solutions):");
        } else {
            out.append("Exercise progress:");
        }
        out.append(anyExercise ? "" : " no exercise test ran").append(nl);
        if (anyExercise) {
            for (Exercise exercise : Exercise.values()) {
                out.append(String.format("  %d. %-26s %-44s hints: %s%n", exercise.number(), exercise.title(),
                        status(exercise, stubCheck), exercise.docs()));
            }
        }
        out.append(othersRun == 0
                ? "  Other tests (what must keep working): not run (the whole module runs them)"
                : String.format("  Other tests (what must keep working): %d/%d pass", othersPassed, othersRun)).append(nl);
        for (int i = 0; i < broke.size() && i < NAMED_FAILURES; i++) {
            out.append("  your change broke: ").append(broke.get(i)).append(nl);
        }
        String next = next(stubCheck, referenceSolutions);
        if (broke.size() > NAMED_FAILURES) {
            // one line for the rest and what to do, so that the summary fits in a screen's last lines
            out.append("  ... and ").append(broke.size() - NAMED_FAILURES).append(" more")
                    .append(next != null && next.startsWith(FIX_FIRST) ? "; " + next.substring("Next: ".length()) : "")
                    .append(nl);
            next = next != null && next.startsWith(FIX_FIRST) ? null : next;
        }
        if (next != null) {
            out.append("  ").append(next).append(nl);
        }
        return out.toString();
    }

    private String status(Exercise exercise, boolean stubCheck) {
        int[] c = counts.get(exercise);
        if (c == null) {
            return "not run";
        }
        String counted = c[0] + "/" + c[1];
        if (stubCheck) {
            return counted + " fail against the stub" + (c[0] == c[1] ? "" : "  <-- NOT ALL");
        }
        if (c[0] < c[1]) {
            return counted + " tests pass";
        }
        if (othersFailed > 0) {
            return counted + " tests pass; not done while others fail";
        }
        if (othersRun == 0) {
            return counted + " tests pass; run all tests to finish";
        }
        return counted + " tests pass  done";
    }

    /** What to do next, as one line, or null when there is nothing to say. */
    private String next(boolean stubCheck, boolean referenceSolutions) {
        if (stubCheck) {
            return exerciseFailures() == 0 ? null
                    : "An exercise test passed against the stubs: expected once you have solved the exercises, as the"
                            + " full check is the maintainers' check of the shipped stubs; check your work with "
                            + WHOLE_MODULE + " instead.";
        }
        if (referenceSolutions) {
            return null;
        }
        if (othersFailed > 0) {
            return FIX_FIRST + " (each failure above says why), then run " + WHOLE_MODULE;
        }
        boolean booksDone = Arrays.stream(Exercise.values()).filter(e -> !e.optional()).allMatch(this::passed);
        for (Exercise exercise : Exercise.values()) {
            int[] c = counts.get(exercise);
            if (c != null && c[0] < c[1]) {
                boolean offer = exercise.optional() && booksDone;
                // the optional exercises not done yet, the ones excluded already included: all stay out
                List<String> leftOut = Arrays.stream(Exercise.values()).filter(e -> e.optional() && !passed(e))
                        .map(Exercise::tag).toList();
                return (offer ? "The book's exercises are done. Next, if you like: exercise " : "Next: exercise ")
                        + exercise.number() + ", hints in " + exercise.docs() + "; its tests alone: "
                        + WHOLE_MODULE + " -Dgroups=" + exercise.tag()
                        + (offer ? "; to leave " + (leftOut.size() == 1 ? "it" : "them") + " out: " + WHOLE_MODULE
                                + " -DexcludedGroups=" + String.join(",", leftOut) : "");
            }
        }
        boolean onlyOptionalLeftOut = Arrays.stream(Exercise.values()).allMatch(e -> e.optional() || counts.containsKey(e));
        if (othersRun == 0 || !onlyOptionalLeftOut) {
            return "Next: run every test of the module: " + WHOLE_MODULE;
        }
        if (counts.size() < Exercise.values().length) {
            return "The book's exercises are done. Compare with the reference answers: diff -r exercises/src/main"
                    + " solutions/src/main";
        }
        return "All exercises done. Compare with the reference answers: diff -r exercises/src/main solutions/src/main";
    }

    private boolean passed(Exercise exercise) {
        int[] c = counts.get(exercise);
        return c != null && c[0] == c[1];
    }

    /** {@code Class.method}, plus the display name when it says more (a repetition, a parameter). */
    private static String name(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource method) {
            String simple = method.getClassName().substring(method.getClassName().lastIndexOf('.') + 1);
            String name = simple + "." + method.getMethodName();
            String display = test.getDisplayName();
            return display.equals(method.getMethodName() + "()") ? name : name + " " + display;
        }
        if (source.isPresent() && source.get() instanceof ClassSource type) {
            return type.getJavaClass().getSimpleName();
        }
        return test.getDisplayName();
    }

    /** One line: the failure's message with its line breaks folded, shortened if long. */
    static String reason(TestExecutionResult result) {
        Throwable thrown = result.getThrowable().orElse(null);
        if (thrown == null) {
            return "failed, without an exception";
        }
        if (thrown instanceof EventLoopDied && thrown.getCause() != null) {
            // the loop's own exception is the reason; what the test saw next is not
            return "the event loop thread died: " + reason(TestExecutionResult.failed(thrown.getCause()));
        }
        String message = thrown.getMessage() == null ? "" : thrown.getMessage().strip().replaceAll("\\s+", " ");
        if (message.startsWith(GuardFailures.BROKE)) {
            message = message.substring(GuardFailures.BROKE.length()); // the summary line says it already
        }
        String type = thrown.getClass().getSimpleName();
        if (message.isEmpty()) {
            StackTraceElement[] trace = thrown.getStackTrace();
            return type + " with no message" + (trace.length == 0 ? ""
                    : " at " + trace[0].getFileName() + ":" + trace[0].getLineNumber());
        }
        String line = thrown instanceof AssertionError ? message : type + ": " + message;
        return line.length() <= 140 ? line : line.substring(0, 137) + "...";
    }
}

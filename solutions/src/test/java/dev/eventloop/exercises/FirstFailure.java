package dev.eventloop.exercises;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.Filter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the exercise tests in the JVM {@link WrongAnswers} starts for one entry, and stops at the
 * first failure: one failing test is all the proof an entry needs, and the rest would only cost
 * time. It runs the tests in the order a learner meets their failures: with a tag, that
 * exercise's tests first; then the tests without an exercise tag; then the other exercises'.
 *
 * <p>Arguments: {@code <verdict file> <exercise tests: jar or directory> [<tag>]}. The verdict
 * file gets {@code rejected} and one line per failure ({@code Test.method: reason}), or
 * {@code passed <number of tests>}; beside it, {@value #FAILURE} gets the first failure as the
 * learner would read it: the test's name on the first line, then its whole message. The JVM then
 * exits, whatever threads a wrong answer left running.
 *
 * <p>The progress summary is switched off here: it belongs to the module's own test run, and
 * these runs must not overwrite or print it. Each test's time and status go to standard output,
 * the entry's {@code tests.log}, for whoever wonders where an entry's time went.
 */
public final class FirstFailure implements TestExecutionListener {
    /** The file, beside the verdict, with the first failure's test and whole message. */
    static final String FAILURE = "failure.txt";

    private final CancellationToken stop = CancellationToken.create();
    private final List<String> failures = new ArrayList<>();
    private String firstFailure;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private int passed;

    private FirstFailure() {
    }

    /** See the class comment. Exit status 0 once the verdict is written. */
    public static void main(String[] args) throws IOException {
        Path verdict = Path.of(args[0]);
        Path tests = Path.of(args[1]);
        Optional<String> tag = args.length > 2 ? Optional.of(args[2]) : Optional.empty();
        Files.deleteIfExists(verdict);
        Path failure = verdict.resolveSibling(FAILURE);
        Files.deleteIfExists(failure);
        FirstFailure listener = new FirstFailure();
        // no listener from the classpath: the progress summary belongs to the module's own test run
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .build());
        // the order a learner meets failures in: the exercise's own tests, then the guards of what
        // must keep working, then the other exercises' tests (stubs still, for a learner at this one)
        List<String> exercises = Arrays.stream(Exercise.values()).map(Exercise::tag).toList();
        List<String> others = exercises.stream().filter(t -> !tag.equals(Optional.of(t))).toList();
        List<LauncherDiscoveryRequest> runs = new ArrayList<>();
        tag.ifPresent(own -> runs.add(request(tests, TagFilter.includeTags(own))));
        runs.add(request(tests, TagFilter.excludeTags(exercises)));
        runs.add(request(tests, TagFilter.includeTags(others)));
        for (LauncherDiscoveryRequest run : runs) {
            launcher.execute(LauncherExecutionRequestBuilder.request(run).listeners(listener).cancellationToken(listener.stop)
                    .build());
            if (!listener.failures.isEmpty()) {
                break;
            }
        }
        String text = listener.failures.isEmpty() ? "passed " + listener.passed + "\n"
                : "rejected\n" + String.join("\n", listener.failures) + "\n";
        if (listener.firstFailure != null) {
            Files.writeString(failure, listener.firstFailure, StandardCharsets.UTF_8);
        }
        Files.writeString(verdict, text, StandardCharsets.UTF_8);
        System.out.flush();
        System.exit(0); // a wrong answer's loop thread may still spin: do not wait for it
    }

    private static LauncherDiscoveryRequest request(Path tests, Filter<?> filter) {
        // one order, run after run, so that an entry always meets the same first failure
        return LauncherDiscoveryRequestBuilder.request().selectors(selectClasspathRoots(Set.of(tests))).filters(filter)
                .configurationParameter("junit.jupiter.testclass.order.default", ClassOrderer.ClassName.class.getName())
                .configurationParameter("junit.jupiter.testmethod.order.default", MethodOrderer.MethodName.class.getName())
                .build();
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        started.put(test.getUniqueId(), System.nanoTime());
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        Long start = started.remove(test.getUniqueId());
        if (test.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            System.out.printf("[catalogue] %6d ms %-10s %s%n", start == null ? 0 : (System.nanoTime() - start) / 1_000_000,
                    result.getStatus(), name(test));
        }
        if (result.getStatus() == TestExecutionResult.Status.FAILED) {
            // the whole failure in the log, where the verdict line has only its start
            result.getThrowable().ifPresent(thrown -> thrown.printStackTrace(System.out));
            // a class whose setup failed counts too: its tests could not pass
            failures.add(name(test) + ": " + ProgressSummary.reason(result));
            if (firstFailure == null) {
                firstFailure = name(test) + "\n" + result.getThrowable().map(FirstFailure::message).orElse("") + "\n";
            }
            stop.cancel();
        } else if (test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            passed++;
        }
    }

    /** A failure's message as the test report shows it: an exception's type leads, unless it is an assertion's. */
    private static String message(Throwable thrown) {
        return thrown instanceof AssertionError && thrown.getMessage() != null ? thrown.getMessage().strip()
                : thrown.toString();
    }

    /** {@code Class.method}, or the class, or the display name. */
    private static String name(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource method) {
            String type = method.getClassName();
            return type.substring(type.lastIndexOf('.') + 1) + "." + method.getMethodName();
        }
        if (source.isPresent() && source.get() instanceof ClassSource type) {
            return type.getClassName().substring(type.getClassName().lastIndexOf('.') + 1);
        }
        return test.getDisplayName();
    }
}

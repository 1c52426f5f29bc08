package dev.eventloop.exercises;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * time. With a tag it runs that exercise's tests first (the likeliest to fail), then all others.
 *
 * <p>Arguments: {@code <verdict file> <exercise tests: jar or directory> [<tag>]}. The verdict
 * file gets {@code rejected} and one line per failure ({@code Test.method: reason}), or
 * {@code passed <number of tests>}. The JVM then exits, whatever threads a wrong answer left
 * running.
 *
 * <p>The progress summary is switched off here: it belongs to the module's own test run, and
 * these runs must not overwrite or print it. Each test's time and status go to standard output,
 * the entry's {@code tests.log}, for whoever wonders where an entry's time went.
 */
public final class FirstFailure implements TestExecutionListener {
    private final CancellationToken stop = CancellationToken.create();
    private final List<String> failures = new ArrayList<>();
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
        FirstFailure listener = new FirstFailure();
        // no listener from the classpath: the progress summary belongs to the module's own test run
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .build());
        List<LauncherDiscoveryRequest> runs = tag.isPresent()
                ? List.of(request(tests, TagFilter.includeTags(tag.get())), request(tests, TagFilter.excludeTags(tag.get())))
                : List.of(request(tests, null));
        for (LauncherDiscoveryRequest run : runs) {
            launcher.execute(LauncherExecutionRequestBuilder.request(run).listeners(listener).cancellationToken(listener.stop)
                    .build());
            if (!listener.failures.isEmpty()) {
                break;
            }
        }
        String text = listener.failures.isEmpty() ? "passed " + listener.passed + "\n"
                : "rejected\n" + String.join("\n", listener.failures) + "\n";
        Files.writeString(verdict, text, StandardCharsets.UTF_8);
        System.out.flush();
        System.exit(0); // a wrong answer's loop thread may still spin: do not wait for it
    }

    private static LauncherDiscoveryRequest request(Path tests, Filter<?> filter) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(tests)));
        return filter == null ? request.build() : request.filters(filter).build();
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
            stop.cancel();
        } else if (test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            passed++;
        }
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
